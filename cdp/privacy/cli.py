"""`cdp erase` and `cdp subject-access`: the privacy requests from the command line.

    cdp erase (--customer-id ID | --email E | --phone P) [--request-id R] [--no-rebuild]
    cdp subject-access (--customer-id ID | --email E | --phone P) --out FILE.json

Erasure deletes the person from raw, suppresses their e-mails and phones (salted hashes,
salt from CDP_SUPPRESSION_SALT), then rebuilds the marts and re-publishes the BI copy.
Output is counts only; the subject-access file is the only place values are written.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import duckdb

from cdp.ingest.contract import warehouse_path


def _person_arguments(parser: argparse.ArgumentParser) -> None:
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--customer-id")
    who.add_argument("--email")
    who.add_argument("--phone")


def erase_main(argv: list[str] | None = None) -> int:
    from cdp.privacy.requests import erase, rebuild_and_publish

    parser = argparse.ArgumentParser(prog="cdp erase", description="Erase a person (right to erasure).")
    _person_arguments(parser)
    parser.add_argument("--request-id", help="your ticket id; default: a generated one")
    parser.add_argument("--no-rebuild", action="store_true",
                        help="only erase raw and suppress; run `dbt build` and `cdp publish` yourself")
    args = parser.parse_args(argv)
    warehouse = warehouse_path()
    with duckdb.connect(str(warehouse)) as con:
        report = erase(con, args.customer_id, args.email, args.phone, args.request_id)
    print(report.describe())
    if not args.no_rebuild:
        rebuild_and_publish(warehouse)
        print("marts rebuilt and published without them")
    return 0


def access_main(argv: list[str] | None = None) -> int:
    from cdp.privacy.requests import subject_access

    parser = argparse.ArgumentParser(prog="cdp subject-access",
                                     description="Write everything held about a person as one JSON document.")
    _person_arguments(parser)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        document = subject_access(con, args.customer_id, args.email, args.phone)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    rows = sum(len(v) for v in document["raw"].values())
    print(f"wrote {args.out}: {len(document['customer_ids'])} customer(s), {rows} raw rows, "
          f"{sum(len(v) for v in document['warehouse'].values())} warehouse rows")
    return 0
