"""A second `dbt build` in which new records merge existing customers: customer ids survive,
only the new records are scored, and the result is the one a full re-match gives."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import duckdb

from cdp.generate import generate
from cdp.ingest.loader import load_landing
from tests.conftest import DBT, PROJECT_ROOT, dbt_env


def _build(warehouse: Path, tmp: Path, *args: str) -> None:
    # dbt's unit tests run in the session sample's plain `dbt build` (tests/samples.py)
    completed = subprocess.run([DBT, "build", "--quiet", "--exclude-resource-type", "unit_test", *args],
                               cwd=PROJECT_ROOT, env=dbt_env(warehouse, tmp), capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout[-3000:]


def _ids(warehouse: Path) -> dict[str, str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return dict(con.execute("select record_key, customer_id from customer_crosswalk").fetchall())


def _scored(warehouse: Path) -> set[tuple[str, object]]:
    """Each scored record with the time of the run that scored it."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return set(con.execute("select record_key_l, scored_at from int_scored_pairs "
                               "where record_key_l = record_key_r").fetchall())


def _input_hashes(warehouse: Path) -> dict[str, str]:
    """Each scored record's input hash (its matching columns as scored)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return dict(con.execute("select record_key_l, input_hash from int_scored_pairs "
                                "where record_key_l = record_key_r").fetchall())


def _staging(warehouse: Path) -> dict[str, list[tuple]]:
    """Every staging table's rows, sorted."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = [r[0] for r in con.execute("select table_name from duckdb_tables() "
                                            "where table_name like 'stg_%' order by 1").fetchall()]
        return {t: sorted(con.execute(f"select * from {t}").fetchall(), key=repr) for t in tables}


def _same_customer_pairs(warehouse: Path) -> set[tuple[str, str]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return set(con.execute("""
            select a.record_key, b.record_key from int_identity_clusters as a
            join int_identity_clusters as b on a.cluster_id = b.cluster_id and a.record_key < b.record_key
        """).fetchall())


def test_ids_survive_a_merge_and_retired_ids_are_traceable(tmp_path):
    everything, landing, warehouse = tmp_path / "all", tmp_path / "landing", tmp_path / "w.duckdb"
    generate(everything, tmp_path / "truth.csv", people=150, seed=3)
    # run 1: only the CRM and the web shop have sent files
    for channel in ("crm", "webshop"):
        shutil.copytree(everything / channel, landing / channel)
    with duckdb.connect(str(warehouse)) as con:
        load_landing(con, landing, tmp_path / "q")
    _build(warehouse, tmp_path)
    first, first_scored, first_hashes = _ids(warehouse), _scored(warehouse), _input_hashes(warehouse)

    # run 2: every other channel arrives; its records join and merge existing customers, and
    # the CRM sends a newer version of one contact
    shutil.rmtree(landing)
    shutil.copytree(everything, landing)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        contact_id = con.execute("select min(contact_id) from stg_crm__contacts").fetchall()[0][0]
    (landing / "crm/contacts/update.csv").write_text(
        f"contact_id,first_name,last_name,updated_at\n{contact_id},Renamed,Person,2099-01-01T00:00:00\n",
        encoding="utf-8")
    with duckdb.connect(str(warehouse)) as con:
        load_landing(con, landing, tmp_path / "q")
    _build(warehouse, tmp_path)
    second, second_scored, second_hashes = _ids(warehouse), _scored(warehouse), _input_hashes(warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        records = con.execute("select count(*) from int_identity_records").fetchall()[0][0]
        # phone texts are parsed once and kept: run 2 parsed the new channels' numbers too
        unparsed = con.execute("""select count(*) from int_identity_records as r
                                  left join int_phone_numbers as n on n.phone = r.phone
                                  where r.phone is not null and n.phone is null""").fetchall()[0][0]
        new_channel_phones = con.execute("select count(phone_key) from int_identity_records "
                                         "where channel in ('pos', 'callcentre', 'messenger')").fetchall()[0][0]
    assert unparsed == 0 and new_channel_phones > 0
    # incremental scoring: run 1's records keep their run-1 scores and only the newcomers are
    # scored, except records whose matching columns changed: the updated contact, and any
    # name the new records' name usage turned round (int_name_roles learns it from the file)
    # or made a misspelling of a seed name (int_first_name_spellings counts words in the file)
    changed = {key for key, input_hash in first_hashes.items() if second_hashes[key] != input_hash}
    assert f"crm:contacts:{contact_id}" in changed and len(changed) <= 0.05 * len(first_hashes)
    assert {scored for scored in first_scored if scored[0] not in changed} <= second_scored
    assert not {scored for scored in first_scored if scored[0] in changed} & second_scored
    assert len(second_scored) == records and len({at for _, at in second_scored}) == 2

    # staging restaged only the records run 2's batches touched, and holds what a full build holds
    restaged = tmp_path / "restaged.duckdb"
    shutil.copy(warehouse, restaged)
    _build(restaged, tmp_path, "--full-refresh", "--select", "path:models/staging")
    assert _staging(warehouse) == _staging(restaged)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select first_name, last_name from stg_crm__contacts where contact_id = ?",
                           [contact_id]).fetchall() == [("Renamed", "Person")]

    # a full re-match of the same file gives (nearly) the same customers
    rematched = tmp_path / "rematch.duckdb"
    shutil.copy(warehouse, rematched)
    _build(rematched, tmp_path, "--full-refresh", "--select", "int_scored_pairs", "int_identity_clusters")
    incremental, full = _same_customer_pairs(warehouse), _same_customer_pairs(rematched)
    assert len(incremental & full) >= 0.97 * len(incremental | full)

    with duckdb.connect(str(warehouse), read_only=True) as con:
        history = con.execute("select old_customer_id, new_customer_id, change_reason from customer_id_history"
                              ).fetchall()
        issued = dict(con.execute("select customer_id, min(customer_id_issued_at) "
                                  "from int_customer_id_assignments group by 1").fetchall())
    moved = {(old, new) for old, new, _ in history}
    kept = [k for k in first if second[k] == first[k]]
    changed = [k for k in first if second[k] != first[k]]
    assert len(second) > len(first)
    assert len(kept) > 0.8 * len(first)  # most customers simply keep their id
    for record_key in changed:  # every change is explained in customer_id_history
        assert (first[record_key], second[record_key]) in moved
    assert any(reason == "merged" for _, _, reason in history)  # the scenario does merge customers
    # merges keep the oldest id: a run-1 id never loses to an id issued in run 2
    for old, new, reason in history:
        if reason == "merged":
            assert issued[new] <= issued[old]
