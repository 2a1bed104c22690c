"""Idempotence, crash recovery and safe publishing, with the real `cdp run` (Dagster job
full_pipeline: load, dbt build with Splink, checks, publish) in a subprocess.

* Running the job twice gives identical tables.
* SIGKILL during the Splink step (in the middle of `dbt build`), then a re-run, gives
  exactly the tables of an uninterrupted run: nothing lost, nothing doubled.
* A BI reader polling the published copy during the second run never sees an error or a
  partial state, and does see the new publication arrive.
* A mart that fails its checks is not published.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from cdp.generate import generate
from cdp.serve.publish import PublishRefused, publish
from tests.conftest import PROJECT_ROOT

CDP = str(Path(sys.executable).parent / "cdp")
# Columns that record when something happened, not what: they differ between any two runs.
# (membership_key embeds the entry time, dbt_scd_id the snapshot time; is_current still tells
# open from closed memberships)
VOLATILE = {"_loaded_at", "loaded_at", "rejected_at", "assigned_at", "customer_id_issued_at", "erased_at",
            "published_at", "changed_at", "scored_at", "chosen_at", "clustered_at", "entered_at", "exited_at",
            "membership_key", "evaluated_at", "built_at", "aged_at", "ran_at",
            "dbt_valid_from", "dbt_valid_to", "dbt_updated_at", "dbt_scd_id"}


def _env(tmp: Path, landing: Path, warehouse: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"CDP_LANDING_DIR": str(landing), "CDP_WAREHOUSE": str(warehouse),
                "CDP_PUBLISHED": str(warehouse.with_name(warehouse.stem + "_published.duckdb")),
                "DBT_PROFILES_DIR": str(PROJECT_ROOT), "DBT_TARGET_PATH": str(tmp / "target"),
                "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"})
    return env


def _run(tmp: Path, landing: Path, warehouse: Path) -> subprocess.CompletedProcess:
    completed = subprocess.run([CDP, "run"], cwd=tmp, env=_env(tmp, landing, warehouse), capture_output=True,
                               text=True)
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    return completed


def snapshot(warehouse: Path) -> dict[str, list[tuple]]:
    """Every table and view of raw and main, rows sorted, without the time-of-run columns.

    Scratch tables count too: dbt-duckdb would leave a ``<model>__dbt_tmp<timestamp>`` table
    after every incremental run of a Python model (the drop_scratch_tables post-hook removes
    them), and the second run of ``reference`` is such a run."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute("""select table_schema, table_name from information_schema.tables
                                where table_schema in ('raw', 'main') order by 1, 2""").fetchall()
        result = {}
        for schema, table in tables:
            columns = [c for (c,) in con.execute(
                "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
                "order by ordinal_position", [schema, table]).fetchall() if c not in VOLATILE]
            select = ", ".join(f'"{c}"::varchar' for c in columns)
            result[f"{schema}.{table}"] = sorted(con.execute(f'select {select} from {schema}."{table}"').fetchall(),
                                                 key=repr)
    return result


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """One uninterrupted run of the sample landing folder, then a second run on top of it
    during which a BI reader polls the published copy."""
    tmp = tmp_path_factory.mktemp("recovery")
    landing = tmp / "landing"
    generate(landing, tmp / "truth.csv", people=120, seed=3)
    warehouse = tmp / "reference.duckdb"
    _run(tmp, landing, warehouse)
    first = snapshot(warehouse)
    bi_reads = _run_while_bi_reads(tmp, landing, warehouse)
    return {"tmp": tmp, "landing": landing, "warehouse": warehouse, "first": first, "second": snapshot(warehouse),
            "bi_reads": bi_reads}


def test_running_the_pipeline_twice_gives_identical_tables(reference):
    first, second = reference["first"], reference["second"]
    assert len(first["main.dim_customers"]) > 50 and len(first["raw.crm__contacts"]) > 50
    assert [table for table in second if "__dbt_tmp" in table] == []  # no scratch tables pile up
    assert second == first


@pytest.mark.parametrize("model", ["int_identity_clusters"])  # the Splink step, mid dbt build
def test_sigkill_during_the_build_then_a_rerun_recovers_the_same_tables(reference, tmp_path, model):
    warehouse = tmp_path / "killed.duckdb"
    env = _env(tmp_path, reference["landing"], warehouse)
    process = subprocess.Popen([CDP, "run"], cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        while process.poll() is None:  # wait for dbt to start building `model`, then kill everything
            logs = [p.read_text(errors="replace") for p in (tmp_path / "target").glob("*/dbt.log")]
            if any("START" in line and f"main.{model}" in line for text in logs for line in text.splitlines()):
                break
            time.sleep(0.05)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL  # it was killed mid-run, not finished
    assert not Path(env["CDP_PUBLISHED"]).exists()

    _run(tmp_path, reference["landing"], warehouse)
    assert snapshot(warehouse) == reference["first"]


def _read_published(path: Path) -> tuple[str, int]:
    """One BI read: every mart's row count must match the publication record, the marts must agree."""
    with duckdb.connect(str(path), read_only=True) as con:
        published = dict(con.execute("select mart, row_count from _publication").fetchall())
        stamp = str(con.execute("select max(published_at) from _publication").fetchall()[0][0])
        for mart, count in published.items():
            assert con.execute(f'select count(*) from "{mart}"').fetchall()[0][0] == count, mart
        customers = con.execute("select count(distinct customer_id) from customer_crosswalk").fetchall()[0][0]
        assert customers == published["dim_customers"]
    return stamp, published["customer_crosswalk"]


def _run_while_bi_reads(tmp: Path, landing: Path, warehouse: Path) -> dict:
    """`cdp run` in a subprocess while this process reads the published copy as BI would."""
    env = _env(tmp, landing, warehouse)
    published = Path(env["CDP_PUBLISHED"])
    before = _read_published(published)
    process = subprocess.Popen([CDP, "run"], cwd=tmp, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    reads, errors, states = 0, [], set()
    while process.poll() is None or reads < 5:
        try:
            states.add(_read_published(published))
        except Exception as exc:  # noqa: BLE001 - any failure of a BI read is what this test looks for
            errors.append(repr(exc))
        reads += 1
        time.sleep(0.05)  # leave the pipeline most of the CPU (the machine has two cores)
    return {"returncode": process.returncode, "reads": reads, "errors": errors, "states": states,
            "before": before, "after": _read_published(published)}


def test_bi_reads_the_published_marts_throughout_a_full_run_without_errors_or_partial_state(reference):
    bi = reference["bi_reads"]
    print(f"\nconcurrent BI reader: {bi['reads']} reads during one full run, states seen: {len(bi['states'])}")
    assert bi["returncode"] == 0
    assert bi["errors"] == []
    before, after = bi["before"], bi["after"]
    assert after[0] > before[0]  # a new publication arrived
    assert after[1] == before[1] > 50  # of the same records: the run had nothing new
    assert bi["states"] == {before, after}  # the old copy, then the new one: nothing in between
    assert bi["reads"] > 20


def test_a_mart_failing_its_checks_is_not_published(reference, tmp_path, monkeypatch):
    import expectations.run

    warehouse, target = tmp_path / "warehouse.duckdb", tmp_path / "published.duckdb"
    shutil.copy(reference["warehouse"], warehouse)
    publish(warehouse, target)
    good = _read_published(target)
    # the marts passed on these very rows: publishing again does not validate them again
    checked_again = []
    monkeypatch.setattr(expectations.run, "validate_warehouse",
                        lambda path, names: checked_again.append(names) or [])
    publish(warehouse, target)
    assert checked_again == []
    monkeypatch.undo()
    good = _read_published(target)
    # a changed mart is validated again, whatever passed before
    with duckdb.connect(str(warehouse)) as con:
        con.execute("insert into dim_customers select * from dim_customers limit 1")
    with pytest.raises(PublishRefused, match="mart_dim_customers: FAILED"):
        publish(warehouse, target)
    assert _read_published(target) == good


def test_mart_suites_catch_an_uncovered_record_and_an_orphan_purchase(reference, tmp_path):
    from expectations.run import validate_warehouse

    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(reference["warehouse"], warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("delete from customer_crosswalk where record_key = "
                    "(select min(record_key) from customer_crosswalk)")
        con.execute("update fct_purchases set customer_id = 'cus_nobody' where customer_id = "
                    "(select min(customer_id) from fct_purchases)")
        con.execute("update dim_customers set revenue = revenue + 1 where customer_id = "
                    "(select max(customer_id) from dim_customers where revenue > 0)")
    outcomes = {o.suite: o for o in validate_warehouse(warehouse, ["mart_crosswalk_coverage", "mart_fct_purchases"])}
    [coverage] = outcomes["mart_crosswalk_coverage"].failed
    assert coverage.startswith("expect_column_values_to_be_between(crosswalk_rows): 1 unexpected")
    assert any(f.startswith("expect_column_values_to_be_in_set(has_profile)") for f in
               outcomes["mart_fct_purchases"].failed)
    assert any(f.startswith("expect_column_values_to_be_between(revenue_difference)") for f in
               outcomes["mart_fct_purchases"].failed)
