"""Remember which data passed which suite, so a check is not run twice on the same rows.

The Dagster job and `make bench` run the mart suites as checks and then publish, which
must not copy marts that fail them. Re-validating there took as long as the checks did.
A pass is recorded beside the warehouse file (``<warehouse>.passes/<suite>.json``) with a
fingerprint of exactly what the suite read: its expectations, the row count and a hash of
every row of its query. Publishing re-validates unless the fingerprint still matches, so
a mart changed after its checks (or checked by other expectations) is validated again.
The record holds counts and hashes only, no values.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import duckdb

from expectations.suites import Suite


def fingerprint(con: duckdb.DuckDBPyConnection, suite: Suite) -> str:
    rows, digest = con.execute(f"select count(*), bit_xor(hash(q)) from ({suite.query()}) as q").fetchall()[0]
    expectations = repr([(spec.kind.__name__, sorted(spec.kwargs.items(), key=str)) for spec in suite.expectations])
    return hashlib.sha256(f"{suite.name}|{expectations}|{rows}|{digest}".encode()).hexdigest()


def record_pass(con: duckdb.DuckDBPyConnection, suite: Suite) -> None:
    folder = _folder(con)
    if folder is None:
        return
    folder.mkdir(exist_ok=True)
    path = folder / f"{suite.name}.json"
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_text(json.dumps({"suite": suite.name, "fingerprint": fingerprint(con, suite)}), encoding="utf-8")
    os.replace(partial, path)


def passed_unchanged(con: duckdb.DuckDBPyConnection, suite: Suite) -> bool:
    """True when the suite passed on exactly the rows it would read now."""
    folder = _folder(con)
    path = folder / f"{suite.name}.json" if folder else None
    if path is None or not path.exists():
        return False
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))["fingerprint"]
    except (ValueError, KeyError):
        return False
    return recorded == fingerprint(con, suite)


def _folder(con: duckdb.DuckDBPyConnection) -> Path | None:
    """``<warehouse>.passes`` beside the database file; None for an in-memory database."""
    [path] = con.execute("select path from duckdb_databases() where database_name = current_database()").fetchall()[0]
    return Path(f"{path}.passes") if path else None
