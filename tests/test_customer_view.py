"""The single customer view, segments and activation on generated data plus hand-made people.

They read the session's sample (tests/samples.py): generated people and two hand-made people
whose records conflict on purpose; tests that change data work on a copy of it.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from cdp.audiences.export import DESTINATIONS, export_segment
from cdp.audiences.lookalike import build_lookalike
from cdp.audiences.segments import read_segments, stale_files
from cdp.ingest.loader import load_landing
from cdp.privacy import suppression
from tests.conftest import DBT, PROJECT_ROOT, dbt_env
from tests.samples import HAND_MADE, write_batch


def dbt(args: list[str], warehouse: Path, tmp: Path) -> subprocess.CompletedProcess:
    completed = subprocess.run([DBT, *args], cwd=PROJECT_ROOT, env=dbt_env(warehouse, tmp),
                               capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout[-4000:]
    return completed


@pytest.fixture
def built(sample):
    assert sample["dbt"].returncode == 0, sample["dbt"].stdout[-4000:]
    return sample


@pytest.fixture
def con(built):
    with duckdb.connect(str(built["warehouse"]), read_only=True) as connection:
        yield connection


@pytest.fixture
def copy(built, tmp_path):
    """A private copy of the built warehouse and landing folder, for tests that change data."""
    shutil.copytree(built["landing"], tmp_path / "landing")
    shutil.copy(built["warehouse"], tmp_path / "warehouse.duckdb")
    return {"tmp": tmp_path, "landing": tmp_path / "landing", "warehouse": tmp_path / "warehouse.duckdb"}


def profile_of(con, record_key: str) -> dict:
    cursor = con.execute("""select d.* from dim_customers d join customer_crosswalk c using (customer_id)
                            where c.record_key = ?""", [record_key])
    names = [c[0] for c in cursor.description]
    return dict(zip(names, cursor.fetchall()[0], strict=True))


# survivorship -------------------------------------------------------------------------------

def test_hand_made_records_are_one_customer_each(con):
    customers = con.execute("""select count(distinct customer_id) from customer_crosswalk
                               where source_record_id in ('HAND-C1', 'HAND-M1', 'HAND-A1')""").fetchall()[0][0]
    assert customers == 1
    assert con.execute("""select count(distinct customer_id) from customer_crosswalk
                          where source_record_id in ('HAND-C2', 'HAND-A2')""").fetchall()[0][0] == 1


def test_double_opt_in_email_beats_the_email_staff_typed_into_the_crm(con):
    assert profile_of(con, "crm:contacts:HAND-C1")["email"] == "evdokia.z@yandex.ru"
    # without the confirmation the CRM's rank decides
    assert profile_of(con, "crm:contacts:HAND-C2")["email"] == "feofan.staff@mail.ru"


def test_invalid_values_never_win_and_recency_breaks_a_rank_tie(con):
    evdokia = profile_of(con, "crm:contacts:HAND-C1")
    assert evdokia["phone"] == "+79161234567"  # the CRM ranks first for phones, but '12-34' is no phone
    assert (evdokia["first_name"], evdokia["last_name"]) == ("Evdokia", "Zaharchenko")  # CRM spelling wins
    assert (evdokia["city"], evdokia["region"]) == ("Kazan", "Tatarstan")  # the most recent address
    assert evdokia["gender"] == "F"
    assert evdokia["loyalty_tier"] == "gold"


def test_every_identity_value_has_its_source_record(con):
    rows = con.execute("""
        select p.attribute, p.source_channel, p.source_record_id, p.is_confirmed
        from customer_attribute_provenance p join customer_crosswalk c using (customer_id)
        where c.record_key = 'crm:contacts:HAND-C1' order by 1""").fetchall()
    provenance = {attribute: (channel, record, confirmed) for attribute, channel, record, confirmed in rows}
    assert provenance["email"] == ("webshop", "HAND-A1", True)
    assert provenance["phone"] == ("loyalty", "HAND-M1", False)
    assert provenance["name"][:2] == ("crm", "HAND-C1")
    assert provenance["address"][:2] == ("loyalty", "HAND-M1")
    # provenance always points at a record of the same customer
    orphans = con.execute("""select count(*) from customer_attribute_provenance p
                             left join customer_crosswalk c
                               on c.record_key = p.source_record_key and c.customer_id = p.customer_id
                             where c.record_key is null""").fetchall()[0][0]
    assert orphans == 0


# reconciliation ------------------------------------------------------------------------------

def test_revenue_reconciles_with_orders_and_receipts_per_currency(con):
    sources = dict(con.execute("""
        select currency, sum(amount) from (
            select currency, total_amount as amount from stg_webshop__orders
            where coalesce(status not in ('cancelled', 'returned'), true)
            union all
            select currency, total_amount from stg_pos__receipts)
        group by 1""").fetchall())
    facts = dict(con.execute("select currency, sum(amount) from fct_purchases where is_revenue group by 1").fetchall())
    assert facts == sources and len(sources) == 3
    converted = con.execute("""select sum(p.amount * r.rate_to_base)::decimal(18, 2) from fct_purchases p
                               join currency_rates r using (currency)
                               where p.is_revenue and p.customer_id is not null""").fetchall()[0][0]
    profile = con.execute("select sum(revenue), sum(order_count) from dim_customers").fetchall()[0]
    orders = con.execute("select count(*) from fct_purchases where is_revenue and customer_id is not null"
                         ).fetchall()[0][0]
    assert abs(profile[0] - converted) <= orders * 0.01  # rounding per purchase only
    assert profile[1] == orders


def test_timeline_has_one_row_per_source_interaction(con):
    expected = con.execute("""select
        (select count(*) from stg_webshop__orders) + (select count(*) from stg_pos__receipts)
        + (select count(*) from stg_web__events)
        + (select count(*) from stg_email__messages) + (select count(*) from stg_email__events)
        + (select count(*) from stg_sms__messages) + (select count(*) from stg_sms__events)
        + (select count(*) from stg_callcentre__calls) + (select count(*) from stg_messenger__conversations)
        + (select count(*) from stg_loyalty__point_transactions) + (select count(*) from int_consent_events)
        + (select count(*) from int_identity_records
           where channel in ('crm', 'loyalty') or (channel = 'webshop' and entity = 'accounts'))""").fetchall()[0][0]
    assert con.execute("select count(*) from fct_customer_touchpoints").fetchall()[0][0] == expected
    per_customer = con.execute("""select sum(touchpoint_count), sum(call_count), sum(loyalty_points_balance)
                                  from dim_customers""").fetchall()[0]
    timeline = con.execute("""select count(customer_id), count(*) filter (where channel = 'callcentre'),
                                     sum(points) filter (where customer_id is not null)
                              from fct_customer_touchpoints""").fetchall()[0]
    assert per_customer == timeline


def test_consent_ledger_keeps_the_latest_event_and_withdrawal_wins(con):
    groups = con.execute("""select count(*) from (select distinct contact_kind, contact_key, channel, purpose
                                                  from int_consent_events)""").fetchall()[0][0]
    assert con.execute("select count(*) from consent_ledger").fetchall()[0][0] == groups
    wrong = con.execute("""
        select count(*) from consent_ledger l
        join (select contact_kind, contact_key, channel, purpose, arg_max(status, occurred_at) as latest
              from int_consent_events group by all) e using (contact_kind, contact_key, channel, purpose)
        where l.status <> e.latest""").fetchall()[0][0]
    assert wrong == 0
    assert con.execute("select count(*) from consent_ledger where status = 'withdrawn'").fetchall()[0][0] > 0


def test_campaign_performance_reconciles_with_messages_and_events(con):
    totals = dict((c, rest) for c, *rest in con.execute("""
        select channel, sum(sent), sum(delivered), sum(clicked), sum(unsubscribed)
        from fct_campaign_performance where segment_name = 'all' group by 1""").fetchall())
    for channel in ("email", "sms"):
        expected = con.execute(f"""select (select count(*) from stg_{channel}__messages),
            count(distinct message_id) filter (where event_type = 'delivered'),
            count(distinct message_id) filter (where event_type = 'clicked'),
            count(distinct message_id) filter (where event_type = 'unsubscribed')
            from stg_{channel}__events""").fetchall()[0]
        assert tuple(totals[channel]) == expected and expected[0] > 0
    responsive = con.execute("select sum(messages_sent) from customer_channel_responsiveness").fetchall()[0][0]
    attributed = con.execute("select count(customer_id) from int_campaign_messages").fetchall()[0][0]
    assert responsive == attributed > 0


def test_segment_memberships_match_the_segment_models(con):
    current = dict(con.execute("select segment_name, count(*) from segment_memberships where is_current "
                               "group by 1").fetchall())
    models = {s.name: con.execute(f"select count(*) from {s.model}").fetchall()[0][0] for s in read_segments()}
    assert current == {name: size for name, size in models.items() if size}
    assert all(models[name] > 0 for name in ("champions", "active", "unreachable", "category_affinity"))


# segments ------------------------------------------------------------------------------------

def test_generated_segment_models_match_segments_yml():
    assert stale_files() == []


def test_segments_yml_rejects_a_bad_definition(tmp_path):
    bad = tmp_path / "segments.yml"
    bad.write_text("segments:\n  - name: Big Spenders\n    condition: revenue > 100\n")
    with pytest.raises(ValueError, match="lower_snake_case"):
        read_segments(bad)
    bad.write_text("segments:\n  - name: big\n    condition: revenue > 1; drop table dim_customers\n")
    with pytest.raises(ValueError, match="one SQL expression"):
        read_segments(bad)


def test_a_customer_enters_and_another_exits_a_segment_over_two_runs(copy):
    warehouse = copy["warehouse"]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        # leaves 'unreachable': no consent yet, gets an e-mail marketing grant
        leaving, leaving_email = con.execute("""
            select customer_id, email from dim_customers join seg_unreachable using (customer_id)
            where email is not null and not is_suppressed order by customer_id limit 1""").fetchall()[0]
        # enters 'unreachable': e-mail marketing is its only marketing consent, and it is withdrawn
        entering, entering_email = con.execute("""
            select customer_id, email from dim_customers
            where consent_email_marketing and not consent_sms_marketing and not consent_phone_marketing
                and not consent_post_marketing order by customer_id limit 1""").fetchall()[0]
        before = con.execute("""select customer_id, exited_at from segment_memberships
                                where segment_name = 'unreachable' and customer_id in (?, ?)""",
                             [leaving, entering]).fetchall()
    assert before == [(leaving, None)]
    write_batch(copy["landing"], "consent/events", [
        {"consent_event_id": "RUN2-1", "email": leaving_email, "channel": "email", "purpose": "marketing",
         "status": "granted", "occurred_at": "2030-01-01 00:00:00", "recorded_in": "crm"},
        {"consent_event_id": "RUN2-2", "email": entering_email, "channel": "email", "purpose": "marketing",
         "status": "withdrawn", "occurred_at": "2030-01-01 00:00:00", "recorded_in": "preference_centre"},
    ], "run2.csv")
    with duckdb.connect(str(warehouse)) as con:
        load_landing(con, copy["landing"], copy["tmp"] / "quarantine")
    dbt(["run", "-s", "stg_consent__events+", "--vars", "{cdp_segment_run_at: '2030-01-02 00:00:00'}"],
        warehouse, copy["tmp"])
    with duckdb.connect(str(warehouse), read_only=True) as con:
        after = con.execute("""select customer_id, entered_at is not null, exited_at::varchar, is_current
                               from segment_memberships
                               where segment_name = 'unreachable' and customer_id in (?, ?)""",
                            [leaving, entering]).fetchall()
        in_model = {r[0] for r in con.execute("select customer_id from seg_unreachable").fetchall()}
    assert sorted(after) == sorted([(leaving, True, "2030-01-02 00:00:00", False),
                                    (entering, True, None, True)])
    assert entering in in_model and leaving not in in_model


# activation ----------------------------------------------------------------------------------

def read_csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_an_unconsented_customer_is_never_exported(copy):
    with duckdb.connect(str(copy["warehouse"])) as con:
        members = {r[0]: r[1:] for r in con.execute("""
            select customer_id, consent_email_marketing, consent_sms_marketing, email, phone
            from dim_customers join seg_active using (customer_id)""").fetchall()}
        unconsented = [c for c, (email_ok, _, email, _) in members.items() if email and not email_ok]
        assert unconsented, "the sample should have active customers without e-mail consent"
        email = export_segment(con, "active", "email_csv", copy["tmp"] / "email.csv", requested_by="test")
        sms = export_segment(con, "active", "sms_list", copy["tmp"] / "sms.csv", requested_by="test")
        log = con.execute("""select requested_by, segment_name, destination, rows_exported, segment_members,
                                    excluded_without_consent from activation.export_log order by exported_at"""
                          ).fetchall()
    email_rows, sms_rows = read_csv(email.path), read_csv(sms.path)
    assert email_rows and sms_rows
    assert all(members[r["customer_id"]][0] for r in email_rows)
    assert all(members[r["customer_id"]][1] for r in sms_rows)
    assert not {r["customer_id"] for r in email_rows} & set(unconsented)
    assert all(r["phone"].startswith("+") for r in sms_rows)
    assert log == [("test", "active", "email_csv", len(email_rows), len(members), email.excluded_without_consent),
                   ("test", "active", "sms_list", len(sms_rows), len(members), sms.excluded_without_consent)]
    assert email.excluded_without_consent >= len(unconsented)


def test_ads_audience_holds_only_sha256_of_consented_identifiers(copy):
    with duckdb.connect(str(copy["warehouse"])) as con:
        result = export_segment(con, "active", "ads_audience", copy["tmp"] / "ads.csv", requested_by="test")
        expected = {r[0] for r in con.execute("""
            select sha256(lower(trim(email))) from dim_customers join seg_active using (customer_id)
            where consent_email_profiling and email is not null""").fetchall()}
    rows = read_csv(result.path)
    assert list(rows[0]) == ["email_sha256", "phone_sha256"]
    assert {r["email_sha256"] for r in rows if r["email_sha256"]} == expected
    assert all(len(r["email_sha256"]) == 64 and "@" not in r["email_sha256"] for r in rows if r["email_sha256"])


def test_a_suppressed_customer_is_never_exported_not_even_in_a_lookalike(copy):
    warehouse = copy["warehouse"]
    with duckdb.connect(str(warehouse)) as con:
        target, email_key = con.execute("""
            select d.customer_id, r.email_key from dim_customers d join seg_active using (customer_id)
            join customer_crosswalk c using (customer_id) join int_identity_records r using (record_key)
            where d.consent_email_marketing and r.email_key is not null order by 1 limit 1""").fetchall()[0]
        before = export_segment(con, "active", "email_csv", copy["tmp"] / "before.csv", requested_by="test")
        # a lookalike of `lapsed` (bought 180 to 365 days ago) ranks every other customer, the
        # active target among them
        lookalike = build_lookalike(con, "lapsed", 100_000)
        assert target in {r[0] for r in con.execute("select customer_id from seg_lookalike_lapsed").fetchall()}
        # what `cdp erase` leaves behind: the salted hash on the suppression list
        suppression.ensure_table(con)
        con.execute(f"insert into {suppression.SUPPRESSION_LIST} (identifier_kind, identifier_hash, request_id) "
                    "values ('email', ?, 'test')", [suppression.identifier_hash("email", email_key)])
    assert target in {r["customer_id"] for r in read_csv(before.path)}
    dbt(["run", "-s", "int_suppressed_customers+"], warehouse, copy["tmp"])
    with duckdb.connect(str(warehouse)) as con:
        assert con.execute("select customer_id from int_suppressed_customers").fetchall() == [(target,)]
        after = export_segment(con, "active", "email_csv", copy["tmp"] / "after.csv", requested_by="test")
        # the lookalike built before the suppression: its export leaves the customer out
        stale = export_segment(con, "lookalike_lapsed", "email_csv", copy["tmp"] / "stale.csv", requested_by="test")
        # built again, the customer is neither learnt from nor ranked
        again = build_lookalike(con, "lapsed", 100_000)
        ranked = {r[0] for r in con.execute("select customer_id from seg_lookalike_lapsed").fetchall()}
        log = con.execute("select candidates, rows_written, excluded_suppressed from activation.lookalike_log "
                          "order by built_at").fetchall()
    assert target not in {r["customer_id"] for r in read_csv(after.path)}
    assert (after.excluded_suppressed, after.rows_exported) == (1, before.rows_exported - 1)
    assert target not in {r["customer_id"] for r in read_csv(stale.path)} and stale.excluded_suppressed == 1
    assert target not in ranked and (again.excluded_suppressed, again.candidates) == (1, lookalike.candidates - 1)
    assert log == [(lookalike.candidates, lookalike.rows_written, 0), (again.candidates, again.rows_written, 1)]


def test_export_refuses_unknown_segments_and_destinations(con):
    with pytest.raises(ValueError, match="no segment"):
        export_segment(con, "nobody", "email_csv")
    with pytest.raises(ValueError, match="unknown destination"):
        export_segment(con, "active", "fax")
    assert set(DESTINATIONS) == {"email_csv", "sms_list", "ads_audience"}


# profile history -------------------------------------------------------------------------------

def test_snapshot_shows_a_move_to_another_region_with_dates(copy):
    warehouse = copy["warehouse"]
    moved = dict(HAND_MADE["crm/contacts"][0], city="Samara", region="Samarskaya obl.",
                 updated_at="2026-12-01 10:00:00")
    write_batch(copy["landing"], "crm/contacts", [moved], "moved.csv")
    with duckdb.connect(str(warehouse)) as con:
        load_landing(con, copy["landing"], copy["tmp"] / "quarantine")
    dbt(["build", "-s", "stg_crm__contacts+", "--exclude-resource-type", "unit_test"], warehouse, copy["tmp"])
    with duckdb.connect(str(warehouse), read_only=True) as con:
        versions = con.execute("""
            select s.region, s.dbt_valid_from is not null, s.dbt_valid_to is null
            from snap_dim_customers s join customer_crosswalk c using (customer_id)
            where c.record_key = 'crm:contacts:HAND-C1' order by s.dbt_valid_from""").fetchall()
    assert versions == [("Tatarstan", True, False), ("Samarskaya obl.", True, True)]


def test_cli_and_dagster_asset_export_through_the_same_logic(copy, monkeypatch, capsys):
    from dagster import DagsterInstance

    from cdp.cli import main
    from orchestration.definitions import build_definitions

    monkeypatch.setenv("CDP_WAREHOUSE", str(copy["warehouse"]))
    monkeypatch.setenv("CDP_LANDING_DIR", str(copy["landing"]))
    monkeypatch.setenv("CDP_EXPORT_DIR", str(copy["tmp"] / "exports"))
    assert main(["export", "--segment", "champions", "--destination", "sms_list", "--requested-by", "cli test"]) == 0
    assert "members of champions written to" in capsys.readouterr().out
    assert main(["export", "--segment", "nobody", "--destination", "sms_list"]) == 2

    job = build_definitions().resolve_job_def("activation_export_job")
    result = job.execute_in_process(instance=DagsterInstance.ephemeral(), run_config={"ops": {"segment_export": {
        "config": {"segment": "champions", "destination": "sms_list", "out": str(copy["tmp"] / "dagster.csv")}}}})
    assert result.success
    with duckdb.connect(str(copy["warehouse"]), read_only=True) as con:
        log = con.execute("select requested_by, rows_exported from activation.export_log order by exported_at"
                          ).fetchall()
    assert [who for who, _ in log] == ["cli test", f"dagster run {result.run_id}"]
    assert log[0][1] == log[1][1] == len(read_csv(copy["tmp"] / "dagster.csv")) > 0
    assert len(list((copy["tmp"] / "exports").glob("champions_sms_list_*.csv"))) == 1
