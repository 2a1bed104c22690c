"""The benchmark's bookkeeping (its timings are measured, never asserted)."""

from __future__ import annotations

from cdp.quality.scale import _people_in


def test_reused_exports_report_the_people_their_ground_truth_holds(tmp_path):
    truth = tmp_path / "truth.csv"
    truth.write_text("channel,entity,source_record_id,person_id\n"
                     "crm,contacts,C1,P1\nloyalty,members,M1,P1\ncrm,contacts,C2,P2\n"
                     "pos,receipts,R1,P3\nweb,accounts,A1,P2\n", encoding="utf-8")
    assert _people_in(truth) == 3


def test_the_benchmark_runs_dbt_as_the_dagster_job_does():
    from cdp.quality.scale import DBT_BUILD_ARGS
    from orchestration.assets.dbt import PRODUCTION_BUILD_ARGS

    assert DBT_BUILD_ARGS == PRODUCTION_BUILD_ARGS
