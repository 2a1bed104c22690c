"""Remember which data passed which suite, so a check is not run twice on the same rows.

The Dagster job and `make bench` run the mart suites as checks and then publish, which
must not copy marts that fail them. Re-validating there took as long as the checks did.
A pass is recorded beside the warehouse file (``<warehouse>.passes/<suite>.json``) with a
fingerprint of exactly what the suite read: its expectations, the row count and a hash of
every row of its query. Publishing re-validates unless the fingerprint still matches, so
a mart changed after its checks (or checked by other expectations) is validated again.
For a raw table, which only grows by whole batches, the record also lists the load
batches the suite passed on, so the Dagster asset checks validate only new batches; and
the loader records the batches whose values passed its gate (``<suite>.gate.json``), so
the asset checks read only the columns and ids of those, not the values again.
The record holds counts and hashes only, no values.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import duckdb

from expectations.suites import Suite

GATE = ".gate"  # file name suffix of the loader gate's passes


def fingerprint(con: duckdb.DuckDBPyConnection, suite: Suite) -> str:
    rows, digest = con.execute(f"select count(*), bit_xor(hash(q)) from ({suite.query()}) as q").fetchall()[0]
    expectations = repr([(spec.kind, sorted(spec.kwargs.items(), key=str)) for spec in suite.expectations])
    return hashlib.sha256(f"{suite.name}|{expectations}|{rows}|{digest}".encode()).hexdigest()


def record_pass(con: duckdb.DuckDBPyConnection, suite: Suite, skipped_batches: frozenset[str] = frozenset()) -> None:
    """The suite passed on its query's rows (those of batches other than ``skipped_batches``,
    which passed before): remember the fingerprint, and for raw suites every batch covered."""
    folder = _folder(con)
    if folder is None:
        return
    record = {"suite": suite.name}
    if suite.batch_column:  # raw: the batches tell what passed; hashing the whole table again is not needed
        checked = {row[0] for row in con.execute(
            f'select distinct "{suite.batch_column}" from {suite.table}{suite.batch_filter(skipped_batches)}'
        ).fetchall()}
        record["batches"] = sorted(checked | skipped_batches)
    else:
        record["fingerprint"] = fingerprint(con, suite)
    _write(folder / f"{suite.name}.json", record)


def record_gate_pass(con: duckdb.DuckDBPyConnection, suite: Suite, batch: str) -> None:
    """The loader's gate passed the raw suite's value checks on load batch ``batch`` (whole,
    or a sample of it) before it landed: the asset checks need not read those values again."""
    folder = _folder(con)
    if folder is None:
        return
    passed = set(_recorded(con, suite, GATE).get("batches", [])) - passed_batches(con, suite)
    _write(folder / f"{suite.name}{GATE}.json", {"suite": suite.name, "batches": sorted(passed | {batch})})


def gate_passed_batches(con: duckdb.DuckDBPyConnection, suite: Suite) -> frozenset[str]:
    """Load batches whose values passed the loader's gate (see record_gate_pass)."""
    return frozenset(_recorded(con, suite, GATE).get("batches", []))


def _write(path: Path, record: dict) -> None:
    path.parent.mkdir(exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_text(json.dumps(record), encoding="utf-8")
    os.replace(partial, path)


def passed_unchanged(con: duckdb.DuckDBPyConnection, suite: Suite) -> bool:
    """True when the suite (a mart suite: raw suites record batches instead) passed on
    exactly the rows it would read now."""
    recorded = _recorded(con, suite)
    return bool(recorded) and recorded.get("fingerprint") == fingerprint(con, suite)


def passed_batches(con: duckdb.DuckDBPyConnection, suite: Suite) -> frozenset[str]:
    """Load batches of a raw table that passed the whole suite before (append-only: they stay passed)."""
    return frozenset(_recorded(con, suite).get("batches", []))


def _recorded(con: duckdb.DuckDBPyConnection, suite: Suite, kind: str = "") -> dict:
    folder = _folder(con)
    path = folder / f"{suite.name}{kind}.json" if folder else None
    if path is None or not path.exists():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return {}


def _folder(con: duckdb.DuckDBPyConnection) -> Path | None:
    """``<warehouse>.passes`` beside the database file; None for an in-memory database."""
    [path] = con.execute("select path from duckdb_databases() where database_name = current_database()").fetchall()[0]
    return Path(f"{path}.passes") if path else None
