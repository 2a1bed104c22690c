"""Turn generated exports into a file of names, birth dates and addresses only.

The identity issue's held-out check: exports with other name distributions and no e-mail or
phone at all. Matching must not lean on contact points it will not always have; at a
million records this is where namesakes cost precision. Used by ``cdp.quality.scale --names-only``.

The exports that carry a name with a birth date or an address are kept without their
e-mail and phone columns; the others (calls, chats and receipts, known by a phone or a
handle; e-mail and SMS campaigns, consent, web events) are removed, and so are their rows
of the ground truth.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

KEPT_EXPORTS = (("crm", "contacts"), ("loyalty", "members"), ("webshop", "accounts"), ("webshop", "orders"),
                ("webshop", "order_lines"))
CONTACT_COLUMNS = ("email", "phone")


def strip_contact_points(landing: Path, truth: Path) -> int:
    """Rewrite ``landing`` and ``truth`` in place (see the module docstring); every kept
    export becomes CSV. Returns the ground-truth rows left."""
    kept = {landing / channel / entity for channel, entity in KEPT_EXPORTS}
    con = duckdb.connect()
    for path in sorted(p for p in landing.rglob("*") if p.is_file()):
        if path.parent not in kept:
            path.unlink()
            continue
        columns = [name for name, *_ in con.execute(f"describe select * from {_reader(path)}").fetchall()]
        selected = ", ".join(f'"{c}"::varchar as "{c}"' for c in columns if c not in CONTACT_COLUMNS)
        target = path.parent / f"{path.name.split('.')[0]}.csv"
        con.execute(f"create or replace table export as select {selected} from {_reader(path)}")
        path.unlink()
        con.execute(f"copy export to '{_quoted(target)}' (header, format csv)")
    for folder in sorted((p for p in landing.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    pairs = ", ".join(f"('{channel}', '{entity}')" for channel, entity in KEPT_EXPORTS)
    con.execute(f"""create table truth as select * from read_csv('{_quoted(truth)}', all_varchar = true)
                    where (channel, entity) in ({pairs})""")
    con.execute(f"copy truth to '{_quoted(truth)}' (header, format csv)")
    return con.execute("select count(*) from truth").fetchall()[0][0]


def _reader(path: Path) -> str:
    if path.name.endswith(".jsonl"):
        return f"read_json('{_quoted(path)}', format = 'newline_delimited')"
    if path.name.endswith(".parquet"):
        return f"read_parquet('{_quoted(path)}')"
    return f"read_csv('{_quoted(path)}', all_varchar = true, header = true)"


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")
