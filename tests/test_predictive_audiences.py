"""Predictions, their report and lookalike audiences in the session's sample warehouse (that a
suppressed customer never reaches a lookalike export is tested in test_customer_view.py)."""

from __future__ import annotations

import json

import duckdb
import pytest

from cdp.audiences.lookalike import build_lookalike
from cdp.predictions.report import write_report
from tests.test_customer_view import built, con, copy  # noqa: F401  (fixtures)

TASKS = {"churn_probability", "purchase_probability_30d", "predicted_ltv_12m", "next_best_category"}


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
