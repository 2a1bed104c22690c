"""Retention policy: web events older than retention.yml allows are aged into daily aggregates
the marts still read, so every count stays as it was, and erasure reaches the aggregates too."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from cdp.privacy.requests import erase
from cdp.retention.ageing import DAILY, age_web_events
from cdp.retention.policy import read_policy
from tests.test_customer_view import built, copy  # noqa: F401  (fixtures)

AS_OF = "2026-11-01"  # the sample's exports end here; 395 days back ages about two of its three years


def mart_counts(con) -> dict:
    """What ageing must not change: per-customer counts and first/last seen, the timeline's
    interactions, the browsers and their links, segments and campaign figures."""
    columns = [r[0] for r in con.execute(
        "select column_name from information_schema.columns where table_schema = 'main' "
        "and table_name = 'dim_customers' order by ordinal_position").fetchall()]
    kept = [c for c in columns if c.endswith("_count") or c.startswith(("first_seen", "last_seen"))
            or c in ("emails_sent", "sms_sent", "revenue", "email_open_rate")]
    assert "touchpoint_count" in kept and "last_seen_web_at" in kept
    return {
        "customers": con.execute(f"select {', '.join(f'sum(hash(customer_id, {c}))' for c in kept)}, count(*) "
                                 "from dim_customers").fetchall(),
        "touchpoints": con.execute("select channel, touchpoint_type, sum(interaction_count) "
                                   "from fct_customer_touchpoints group by all order by all").fetchall(),
        "browsers": con.execute("select count(*), sum(event_count), count(logged_in_account_id), count(form_email), "
                                "min(first_seen_at), max(last_seen_at) from int_web_browsers").fetchall(),
        "crosswalk": con.execute("select count(*), count(distinct customer_id) from customer_crosswalk").fetchall(),
        "segments": con.execute("select segment_name, count(*) from segment_memberships where is_current "
                                "group by 1 order by 1").fetchall(),
        "campaigns": con.execute("select * from fct_campaign_performance order by all").fetchall(),
    }


def test_the_policy_file_is_checked(tmp_path):
    assert [(r.entity, r.keep_days) for r in read_policy()] == [("web/events", 395)]
    for text, message in [("retention:\n  - {entity: email/messages, keep_days: 30}\n", "cannot be aged"),
                          ("retention:\n  - {entity: web/events, keep_days: 0}\n", "whole number of days"),
                          ("retention:\n  - {entity: web/events}\n", "exactly the keys"),
                          ("retention:\n  - {entity: web/events, keep_days: 9}\n"
                           "  - {entity: web/events, keep_days: 8}\n", "more than one rule")]:
        path = tmp_path / "retention.yml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ValueError, match=message) as error:
            read_policy(path)
        assert str(path) in str(error.value)


def test_ageing_keeps_the_mart_counts_and_deletes_the_detail(copy, monkeypatch, capsys):  # noqa: F811
    from dagster import DagsterInstance

    from cdp.cli import main
    from orchestration.definitions import build_definitions

    warehouse = copy["warehouse"]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        before = mart_counts(con)
        raw_before, old_events = con.execute(
            f"select count(*), count(*) filter (where occurred_at < date '{AS_OF}' - interval 395 day) "
            "from stg_web__events").fetchall()[0]
    assert old_events > 100
    monkeypatch.setenv("CDP_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("CDP_LANDING_DIR", str(copy["landing"]))
    result = build_definitions().resolve_job_def("retention_job").execute_in_process(
        instance=DagsterInstance.ephemeral(),
        run_config={"ops": {"web__events_daily": {"config": {"as_of": AS_OF}}}}, raise_on_error=False)
    assert result.success
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert mart_counts(con) == before
        raw_after = con.execute("select count(*) from raw.web__events").fetchone()[0]
        daily = con.execute(f"select count(*), sum(event_count), max(occurred_on) from {DAILY}").fetchall()[0]
        log = con.execute("select entity, keep_days, rows_aged, raw_rows_deleted from raw._retention_log").fetchall()
        detail_left = con.execute(f"select count(*) from fct_customer_touchpoints where channel = 'web' and "
                                  f"touchpoint_key like 'web:%' and occurred_at < date '{AS_OF}' - interval 395 day"
                                  ).fetchone()[0]
    assert raw_after <= raw_before - old_events and detail_left == 0
    assert daily[1] == old_events and 0 < daily[0] < old_events
    assert log == [("web/events", 395, old_events, raw_before - raw_after)]

    # ageing again with the same date finds nothing; a later one merges into the days already aged
    assert main(["retention", "--as-of", AS_OF, "--no-rebuild"]) == 0
    assert "web/events: 0 rows" in capsys.readouterr().out
    with duckdb.connect(str(warehouse)) as con:
        later = age_web_events(con, 300)
        total = con.execute(f"select sum(event_count) from {DAILY}").fetchone()[0]
        duplicated = con.execute(f"select count(*) - count(distinct (occurred_on, anonymous_id, account_id, "
                                 f"event_type)) from {DAILY}").fetchone()[0]
    assert later.rows_aged > 0 and total == old_events + later.rows_aged and duplicated == 0


def test_erasure_deletes_the_aged_aggregates_of_the_person(copy):  # noqa: F811
    with duckdb.connect(str(copy["warehouse"])) as con:
        age_web_events(con, 395, date.fromisoformat(AS_OF))
        customer, browser = con.execute(f"""
            select c.customer_id, d.anonymous_id from {DAILY} d
            join customer_crosswalk c on c.record_key = 'web:browsers:' || d.anonymous_id
            order by 1 limit 1""").fetchall()[0]
        browsers = [r[0] for r in con.execute(
            "select substr(record_key, 14) from customer_crosswalk where customer_id = ? "
            "and record_key like 'web:browsers:%'", [customer]).fetchall()]
        kept = con.execute(f"select count(*) from {DAILY} where not list_contains(?, anonymous_id)",
                           [browsers]).fetchone()[0]
        report = erase(con, customer_id=customer, request_id="test-erasure")
        left = con.execute(f"select count(*) from {DAILY} where list_contains(?, anonymous_id)",
                           [browsers]).fetchone()[0]
        others = con.execute(f"select count(*) from {DAILY}").fetchone()[0]
    assert browser in browsers and left == 0 and report.raw_rows_deleted["web/events_daily"] >= 1
    assert others <= kept  # nobody else's aggregates but rows of the person's accounts went
