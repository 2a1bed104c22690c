"""Activation: write a segment's members to a file another tool imports, honouring consent.

    cdp export --segment champions --destination email_csv [--out FILE] [--requested-by NAME]

Only customers whose current consent (mart customer_consents) grants the destination's
channel and purpose are written; customers in int_suppressed_customers (erasure and
suppression list, the single place that decides it) never are. Every export appends a row
to `activation.export_log` (who, what, when, how many, file hash) - counts only, nothing
personal. The warehouse must have been built (`dbt build`) first.
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import os
import re
import sys
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from cdp.ingest.contract import warehouse_path

DEFAULT_EXPORT_DIR = Path("data/exports")


@dataclass(frozen=True)
class Destination:
    """A file format another tool imports, and the consent it needs."""

    name: str
    description: str
    select: str  # columns of the file, over `members` (dim_customers columns + consent flags)
    required: str  # SQL condition over `members`: the consent that allows this destination

    @property
    def file_name_suffix(self) -> str:
        return ".csv"


DESTINATIONS = {d.name: d for d in [
    Destination(
        "email_csv", "e-mail tool import: address and names for personalisation",
        "customer_id, email, first_name, last_name, country",
        "email is not null and email_marketing"),
    Destination(
        "sms_list", "SMS tool list: E.164 phone and first name",
        "customer_id, phone, first_name, country",
        "phone is not null and sms_marketing"),
    # Ad platforms match hashed identifiers: SHA-256 of the trimmed lower-case e-mail and of
    # the E.164 phone. Each identifier goes out only with profiling consent on its channel.
    Destination(
        "ads_audience", "ads audience: SHA-256 of normalised e-mail and of E.164 phone",
        "case when email_profiling then sha256(lower(trim(email))) end as email_sha256, "
        "case when sms_profiling then sha256(phone) end as phone_sha256",
        "(email is not null and email_profiling) or (phone is not null and sms_profiling)"),
]}

EXPORT_LOG_DDL = """
create schema if not exists activation;
create table if not exists activation.export_log (
    export_id varchar primary key,
    exported_at timestamp not null,
    requested_by varchar not null,
    segment_name varchar not null,
    destination varchar not null,
    file_path varchar not null,
    file_sha256 varchar not null,
    rows_exported bigint not null,
    segment_members bigint not null,
    excluded_without_consent bigint not null,
    excluded_suppressed bigint not null
)
"""


@dataclass(frozen=True)
class ExportResult:
    export_id: str
    path: Path
    rows_exported: int
    segment_members: int
    excluded_without_consent: int
    excluded_suppressed: int


def export_dir() -> Path:
    """Where exports go unless told otherwise: ``CDP_EXPORT_DIR`` (default ``data/exports``)."""
    return Path(os.environ.get("CDP_EXPORT_DIR") or DEFAULT_EXPORT_DIR)


def segment_relation(con: duckdb.DuckDBPyConnection, segment: str) -> str:
    """The table of a segment (``main.seg_<segment>``), or a ValueError naming what is missing."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", segment):
        raise ValueError(f"not a segment name: {segment!r}")
    exists = con.execute("select count(*) from information_schema.tables where table_schema = 'main' "
                         "and table_name = ?", [f"seg_{segment}"]).fetchall()[0][0]
    if not exists:
        raise ValueError(f"no segment {segment!r}: no table main.seg_{segment} (see segments.yml)")
    return f"main.seg_{segment}"


def members_query(segment_relation: str) -> str:
    """Segment members with their profile, consent flags and suppression, one row each."""
    return f"""
        select
            customers.customer_id, customers.email, customers.phone, customers.first_name,
            customers.last_name, customers.country,
            {', '.join(f"coalesce(bool_or(consents.is_granted) filter (where consents.channel = '{c}' "
                       f"and consents.purpose = '{p}'), false) as {c}_{p}"
                       for c, p in [('email', 'marketing'), ('email', 'profiling'), ('sms', 'marketing'),
                                    ('sms', 'profiling')])},
            bool_or(suppressed.customer_id is not null) as is_suppressed
        from (select distinct customer_id from {segment_relation}) as segment
        inner join main.dim_customers as customers on segment.customer_id = customers.customer_id
        left join main.customer_consents as consents on customers.customer_id = consents.customer_id
        left join main.int_suppressed_customers as suppressed on customers.customer_id = suppressed.customer_id
        group by all
    """


def export_segment(con: duckdb.DuckDBPyConnection, segment: str, destination: str,
                   out: Path | None = None, requested_by: str | None = None) -> ExportResult:
    """Write the consented, unsuppressed members of ``segment`` to ``out`` and log the export."""
    if destination not in DESTINATIONS:
        raise ValueError(f"unknown destination {destination!r}; one of {', '.join(DESTINATIONS)}")
    spec = DESTINATIONS[destination]
    relation = segment_relation(con, segment)
    now = datetime.now(UTC).replace(tzinfo=None)
    export_id = uuid.uuid4().hex
    out = Path(out) if out else export_dir() / f"{segment}_{destination}_{now:%Y%m%dT%H%M%S}{spec.file_name_suffix}"
    out.parent.mkdir(parents=True, exist_ok=True)

    con.execute(f"create or replace temp table export_members as {members_query(relation)}")
    members, suppressed, unconsented = con.execute(f"""
        select count(*), count(*) filter (where is_suppressed),
               count(*) filter (where not is_suppressed and not coalesce({spec.required}, false))
        from export_members""").fetchall()[0]
    con.execute(f"""
        copy (
            select {spec.select} from export_members
            where not is_suppressed and coalesce({spec.required}, false)
            order by customer_id
        ) to '{_sql_path(out)}' (header, delimiter ',')""")
    rows = members - suppressed - unconsented
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    con.execute(EXPORT_LOG_DDL)
    con.execute("insert into activation.export_log values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [export_id, now, requested_by or getpass.getuser(), segment, destination, str(out), digest,
                 rows, members, unconsented, suppressed])
    con.execute("drop table export_members")
    return ExportResult(export_id, out, rows, members, unconsented, suppressed)


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cdp export", description=__doc__.splitlines()[0])
    parser.add_argument("--segment", required=True, help="segment name from segments.yml (or rfm)")
    parser.add_argument("--destination", required=True, choices=sorted(DESTINATIONS))
    parser.add_argument("--out", type=Path, help="file to write (default: $CDP_EXPORT_DIR/<segment>_<dest>_<ts>.csv)")
    parser.add_argument("--requested-by", help="who asked for it, for the export log (default: OS user)")
    args = parser.parse_args(argv)
    with duckdb.connect(str(warehouse_path())) as con:
        try:
            result = export_segment(con, args.segment, args.destination, args.out, args.requested_by)
        except ValueError as error:
            print(error, file=sys.stderr)
            return 2
    print(f"{result.rows_exported:,} of {result.segment_members:,} members of {args.segment} written to "
          f"{result.path} ({result.excluded_without_consent:,} without consent, "
          f"{result.excluded_suppressed:,} suppressed; export {result.export_id})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
