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


def test_daily_batches_are_held_back_apart_and_nothing_is_lost_or_doubled(tmp_path):
    """--incremental-runs: each batch gets its own share of the held-back rows, in the
    landing layout, and the landing folder keeps the rest; together they are the original."""
    from cdp.quality.scale import hold_back

    landing, late, truth = tmp_path / "landing", tmp_path / "late", tmp_path / "truth.csv"
    truth.write_text("channel,entity,source_record_id,person_id\n"
                     + "".join(f"crm,contacts,C{i},P{i}\n" for i in range(200)), encoding="utf-8")
    contacts = landing / "crm/contacts"
    contacts.mkdir(parents=True)
    (contacts / "contacts.csv").write_text("contact_id\n" + "".join(f"C{i}\n" for i in range(200)), encoding="utf-8")
    for channel, entity in (("callcentre", "calls"), ("messenger", "conversations")):
        (landing / channel / entity).mkdir(parents=True)

    held = hold_back(landing, late, truth, share=0.05, batches=3)

    def rows(path):
        return path.read_text(encoding="utf-8").splitlines()[1:]

    batches = [rows(late / f"batch_{k}/crm/contacts/late_contacts.csv") for k in (1, 2, 3)]
    assert held == [len(b) for b in batches] and all(9 <= n <= 11 for n in held)
    kept = rows(contacts / "contacts.csv")
    assert sorted(kept + sum(batches, [])) == sorted(f"C{i}" for i in range(200))
    assert len(set(sum(batches, []))) == sum(held)
