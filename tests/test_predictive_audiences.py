"""Predictions, their report and lookalike audiences in the session's sample warehouse."""

from __future__ import annotations

import csv
import json

import duckdb
import pytest

from cdp.audiences.export import export_segment
from cdp.audiences.lookalike import build_lookalike
from cdp.predictions.report import write_report
from cdp.privacy import suppression
from tests.test_customer_view import built, con, copy, dbt  # noqa: F401  (fixtures)

TASKS = {"churn_probability", "purchase_probability_30d", "predicted_ltv_12m", "next_best_category"}


def read_csv(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_every_customer_is_scored_and_dim_customers_carries_the_scores(con):  # noqa: F811
    customers, scored, same = con.execute("""
        select count(*), count(p.customer_id),
               count(*) filter (where p.purchase_probability_30d = d.purchase_probability_30d
                                and p.predicted_ltv_12m = d.predicted_ltv_12m)
        from dim_customers d left join customer_predictions p using (customer_id)""").fetchall()[0]
    assert customers == scored == same > 0
    # churn is scored for buyers only; the probabilities are probabilities
    assert con.execute("""select count(*) filter (where (churn_probability is null) <> (order_count = 0)),
                                 count(*) filter (where purchase_probability_30d not between 0 and 1)
                          from dim_customers""").fetchall()[0] == (0, 0)
    rows = con.execute("select task, method, auc, hit_rate, skipped_reason, curves from prediction_backtests"
                       ).fetchall()
    assert {r[0] for r in rows} == TASKS
    churn = {r[1]: r for r in rows if r[0] == "churn_probability"}
    assert set(churn) == {"model", "baseline"} and churn["model"][4] is None
    assert 0.5 < churn["model"][2] <= 1 and "roc" in json.loads(churn["model"][5])


def test_the_report_draws_every_task(con, tmp_path):  # noqa: F811
    path = write_report(con, tmp_path / "predictions.html")
    text = path.read_text(encoding="utf-8")
    assert all(task in text for task in TASKS)
    assert text.count("<svg") >= 10 and "<script" not in text and "calibration" in text


def test_a_suppressed_customer_never_appears_in_a_lookalike_export(copy):  # noqa: F811
    warehouse = copy["warehouse"]
    with duckdb.connect(str(warehouse)) as con:  # noqa: F811
        first = build_lookalike(con, "active", 100_000)
        target, email_key = con.execute("""
            select l.customer_id, r.email_key from seg_lookalike_active l join dim_customers d using (customer_id)
            join customer_crosswalk c using (customer_id) join int_identity_records r using (record_key)
            where d.consent_email_marketing and r.email_key is not null order by l.lookalike_rank limit 1
            """).fetchall()[0]
        members = {r[0] for r in con.execute("select customer_id from seg_active").fetchall()}
        assert first.rows_written == first.candidates and not members & {
            r[0] for r in con.execute("select customer_id from seg_lookalike_active").fetchall()}
        suppression.ensure_table(con)
        con.execute(f"insert into {suppression.SUPPRESSION_LIST} (identifier_kind, identifier_hash, request_id) "
                    "values ('email', ?, 'test')", [suppression.identifier_hash("email", email_key)])
    dbt(["run", "-s", "int_suppressed_customers+"], warehouse, copy["tmp"])
    with duckdb.connect(str(warehouse)) as con:  # noqa: F811
        # the lookalike built before the suppression: the export leaves the customer out
        stale = export_segment(con, "lookalike_active", "email_csv", copy["tmp"] / "stale.csv", requested_by="test")
        assert target not in {r["customer_id"] for r in read_csv(stale.path)} and stale.excluded_suppressed == 1
        # built again: the customer is neither learnt from nor ranked
        again = build_lookalike(con, "active", 100_000)
        ranked = {r[0] for r in con.execute("select customer_id from seg_lookalike_active").fetchall()}
        log = con.execute("select segment_members, candidates, rows_written, excluded_suppressed "
                          "from activation.lookalike_log order by built_at").fetchall()
    assert target not in ranked and again.excluded_suppressed == 1
    assert again.candidates == first.candidates - 1 and len(log) == 2 and log[1][3] == 1


def test_lookalike_cli_and_dagster_job_build_the_table(copy, monkeypatch, capsys):  # noqa: F811
    from dagster import DagsterInstance

    from cdp.cli import main
    from orchestration.definitions import build_definitions

    monkeypatch.setenv("CDP_WAREHOUSE", str(copy["warehouse"]))
    monkeypatch.setenv("CDP_LANDING_DIR", str(copy["landing"]))
    assert main(["lookalike", "--segment", "champions", "--size", "25"]) == 0
    assert "25 lookalikes of champions" in capsys.readouterr().out
    assert main(["lookalike", "--segment", "nobody", "--size", "25"]) == 2
    result = build_definitions().resolve_job_def("lookalike_job").execute_in_process(
        instance=DagsterInstance.ephemeral(),
        run_config={"ops": {"lookalike_audience": {"config": {"segment": "champions", "size": 10}}}})
    assert result.success
    with duckdb.connect(str(copy["warehouse"]), read_only=True) as con:  # noqa: F811
        ranks = con.execute("select lookalike_rank, lookalike_score from seg_lookalike_champions "
                            "order by lookalike_rank").fetchall()
    assert [r for r, _ in ranks] == list(range(1, 11))
    assert all(a >= b for (_, a), (_, b) in zip(ranks, ranks[1:], strict=False))


def test_lookalike_refuses_a_bad_size(con):  # noqa: F811
    with pytest.raises(ValueError, match="must be positive"):
        build_lookalike(con, "champions", 0)
