"""Load landing files into the raw schema, once each, losing nothing.

Every file under ``<landing>/<channel>/<entity>/`` is one batch. A load ledger keyed
by the file's SHA-256 makes loading idempotent: the same content never loads twice,
whatever the file is called. A batch loads in one transaction (rows + ledger entry),
so a crash leaves either all of it or none of it.

Nothing is silently dropped:
* a file that cannot be read as a whole (bad encoding, broken CSV, missing required
  column) is copied to the quarantine folder and recorded with the reason;
* a row whose required id is empty goes to ``raw._rejected_rows`` with file, row,
  column and the row's content, while the file's good rows load.

Raw tables hold text exactly as it arrived (all VARCHAR); staging models cast.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from cdp.contract import ENTITIES, ENTITIES_BY_KEY, FILE_SUFFIXES, RAW_SCHEMA, Entity

log = logging.getLogger(__name__)

LEDGER = f"{RAW_SCHEMA}._load_ledger"
REJECTED_ROWS = f"{RAW_SCHEMA}._rejected_rows"
METADATA_COLUMNS = ("_batch_id", "_source_file", "_row_number", "_loaded_at")


class BatchRejected(Exception):
    """A whole file cannot be loaded; the message names file, row and column where known."""


@dataclass(frozen=True)
class LandingFile:
    entity: Entity
    path: Path


@dataclass(frozen=True)
class LoadResult:
    entity_key: str
    file: str
    status: str  # loaded | skipped | duplicate | quarantined
    rows_loaded: int = 0
    rows_rejected: int = 0
    reason: str | None = None


def ensure_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema, the ledger and one table per contract entity (if missing).

    Tables exist even before a channel sends its first file, so dbt sources always resolve.
    """
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    con.execute(
        f"""
        create table if not exists {LEDGER} (
            file_hash varchar not null,
            source_file varchar not null,
            channel varchar not null,
            entity varchar not null,
            file_bytes bigint,
            status varchar not null,
            rows_loaded bigint,
            rows_rejected bigint,
            reason varchar,
            quarantine_path varchar,
            loaded_at timestamp not null default current_timestamp,
            primary key (file_hash, source_file)
        )
        """
    )
    con.execute(
        f"""
        create table if not exists {REJECTED_ROWS} (
            batch_id varchar not null,
            source_file varchar not null,
            channel varchar not null,
            entity varchar not null,
            row_number bigint not null,
            column_name varchar not null,
            reason varchar not null,
            record_json varchar,
            rejected_at timestamp not null default current_timestamp
        )
        """
    )
    for entity in ENTITIES:
        cols = ", ".join(f'"{c}" varchar' for c in entity.columns)
        con.execute(
            f"create table if not exists {RAW_SCHEMA}.{entity.raw_table} ({cols}, "
            "_batch_id varchar not null, _source_file varchar not null, "
            "_row_number bigint not null, _loaded_at timestamp not null)"
        )


def discover(landing: Path) -> tuple[list[LandingFile], list[Path]]:
    """Files in the landing layout, in a stable order, plus files in folders the contract does not know."""
    found: list[LandingFile] = []
    unknown: list[Path] = []
    if not landing.exists():
        return found, unknown
    for path in sorted(p for p in landing.rglob("*") if p.is_file()):
        rel = path.relative_to(landing)
        if path.name.startswith(".") or not path.name.lower().endswith(FILE_SUFFIXES):
            continue
        key = "/".join(rel.parts[:2]) if len(rel.parts) == 3 else None
        if key in ENTITIES_BY_KEY:
            found.append(LandingFile(ENTITIES_BY_KEY[key], path))
        else:
            unknown.append(path)
    return found, unknown


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_landing(con: duckdb.DuckDBPyConnection, landing: Path, quarantine: Path,
                 entity_keys: set[str] | None = None) -> list[LoadResult]:
    """Load every new file of the landing folder (optionally only some entities)."""
    ensure_raw_tables(con)
    files, unknown = discover(landing)
    for path in unknown:
        log.warning("ignored %s: not in the <channel>/<entity>/ layout of a known entity", path)
    results = []
    for landing_file in files:
        if entity_keys is not None and landing_file.entity.key not in entity_keys:
            continue
        results.append(load_file(con, landing_file, landing, quarantine))
    return results


def load_file(con: duckdb.DuckDBPyConnection, landing_file: LandingFile, landing: Path,
              quarantine: Path) -> LoadResult:
    """Load one batch file; idempotent by content hash."""
    entity, path = landing_file.entity, landing_file.path
    rel = path.relative_to(landing).as_posix()
    file_hash = file_sha256(path)
    seen = con.execute(
        f"select source_file, status from {LEDGER} where file_hash = ? order by loaded_at", [file_hash]
    ).fetchall()
    if any(source == rel for source, _ in seen):
        return LoadResult(entity.key, rel, "skipped")
    if seen:
        reason = f"same content as {seen[0][0]} (already {seen[0][1]})"
        _record(con, file_hash, rel, entity, path, "duplicate", 0, 0, reason, None)
        log.info("%s: duplicate batch, nothing loaded (%s)", rel, reason)
        return LoadResult(entity.key, rel, "duplicate", reason=reason)

    con.execute("begin transaction")
    try:
        loaded, rejected = _load_batch(con, entity, path, rel, file_hash)
        _record(con, file_hash, rel, entity, path, "loaded", loaded, rejected, None, None)
        con.execute("commit")
    except (BatchRejected, duckdb.Error, UnicodeDecodeError, ValueError, OSError) as exc:
        con.execute("rollback")
        reason = _reason(exc, rel)
        target = _quarantine(path, rel, file_hash, reason, quarantine)
        _record(con, file_hash, rel, entity, path, "quarantined", 0, 0, reason, str(target))
        log.warning("%s quarantined: %s", rel, reason)
        return LoadResult(entity.key, rel, "quarantined", reason=reason)
    finally:
        con.execute("drop table if exists _batch")
    log.info("%s: %d rows loaded, %d rows rejected", rel, loaded, rejected)
    return LoadResult(entity.key, rel, "loaded", loaded, rejected)


def _load_batch(con: duckdb.DuckDBPyConnection, entity: Entity, path: Path, rel: str,
                file_hash: str) -> tuple[int, int]:
    con.execute(f"create or replace temp table _scan as {_scan_sql(path, rel)}")
    # rowids of a fresh table follow the file's row order; number rows from 1.
    con.execute("create or replace temp table _batch as "
                "select *, (rowid - min(rowid) over () + 1)::bigint as _row_number from _scan")
    con.execute("drop table _scan")
    columns = [r[0] for r in con.execute("select column_name from (describe _batch)").fetchall()
               if r[0] != "_row_number"]
    canonical = {c: c.strip().lower() for c in columns}
    if len(set(canonical.values())) != len(canonical):
        raise BatchRejected(f"{rel}: header repeats a column name: {sorted(canonical.values())}")
    for original, name in canonical.items():
        if original != name:
            con.execute(f'alter table _batch rename column "{original}" to "{name}"')
    present = set(canonical.values())
    missing = [c for c in entity.required if c not in present]
    if missing:
        raise BatchRejected(f"{rel}: missing required column(s) {', '.join(missing)} "
                            f"(header has: {', '.join(sorted(present))})")
    raw_table = f"{RAW_SCHEMA}.{entity.raw_table}"
    existing = {r[0] for r in con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
        [RAW_SCHEMA, entity.raw_table]).fetchall()}
    for extra in sorted(present - existing):
        con.execute(f'alter table {raw_table} add column "{extra}" varchar')

    # One rejected-row entry per row, naming the first required column that is empty.
    first_empty = "case " + " ".join(
        f"when nullif(trim(\"{c}\"), '') is null then '{c}'" for c in entity.required) + " end"
    select_cols = ", ".join(f'"{c}"' for c in sorted(present))
    rejected = con.execute(
        f"""insert into {REJECTED_ROWS} (batch_id, source_file, channel, entity, row_number,
                column_name, reason, record_json)
            select ?, ?, ?, ?, _row_number, {first_empty}, 'required value is empty',
                   to_json(struct_pack({select_cols}))::varchar
            from _batch where {first_empty} is not null""",
        [file_hash, rel, entity.channel, entity.name],
    ).fetchall()[0][0]
    loaded = con.execute(
        f"""insert into {raw_table} by name
            select {select_cols}, ? as _batch_id, ? as _source_file, _row_number,
                   current_timestamp::timestamp as _loaded_at
            from _batch where {first_empty} is null""",
        [file_hash, rel],
    ).fetchall()[0][0]
    return loaded, rejected


def _scan_sql(path: Path, rel: str) -> str:
    """SQL that reads one file as all-text columns, preserving row order."""
    name = path.name.lower()
    quoted = str(path).replace("'", "''")
    if name.endswith((".csv", ".csv.gz")):
        header = _csv_header(path, rel)
        cols = ", ".join(f"'{c.replace(chr(39), chr(39) * 2)}': 'VARCHAR'" for c in header)
        return (f"select * from read_csv('{quoted}', header = true, auto_detect = false, delim = ',', "
                f"quote = '\"', escape = '\"', columns = {{{cols}}}, strict_mode = true, "
                f"null_padding = false, encoding = 'utf-8')")
    if name.endswith(".jsonl"):
        return (f"select columns(*)::varchar from read_json('{quoted}', format = 'newline_delimited', "
                "sample_size = -1, union_by_name = true)")
    if name.endswith(".parquet"):
        return f"select columns(*)::varchar from read_parquet('{quoted}')"
    raise BatchRejected(f"{rel}: unsupported file type (expected one of {', '.join(FILE_SUFFIXES)})")


def _csv_header(path: Path, rel: str) -> list[str]:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as fh:
        first = fh.readline()
    if not first.strip():
        raise BatchRejected(f"{rel}: empty file (no header row)")
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BatchRejected(f"{rel}: row 1 (header) is not UTF-8 (byte {exc.start}); "
                            "re-export the file as UTF-8") from exc
    header = next(csv.reader(io.StringIO(text)))
    if not header or any(not h.strip() for h in header):
        raise BatchRejected(f"{rel}: header row has an empty column name")
    return header


def _reason(exc: Exception, rel: str) -> str:
    # Keep DuckDB's location (line, column, byte) but not the offending line's content,
    # which may be personal data and ends up in logs.
    text = [line for line in str(exc).split("LINE 1:")[0].strip().splitlines()
            if line.strip() and not line.startswith("Original Line")]
    first = " ".join(line.strip() for line in text[:4]).split(" Possible fixes")[0]
    return first if first.startswith(rel) else f"{rel}: {type(exc).__name__}: {first}"


def _quarantine(path: Path, rel: str, file_hash: str, reason: str, quarantine: Path) -> Path:
    target = quarantine / Path(rel).parent / f"{file_hash[:12]}__{path.name}"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(path, target)
    target.with_name(target.name + ".reason.txt").write_text(reason + "\n", encoding="utf-8")
    return target


def _record(con, file_hash, rel, entity, path, status, loaded, rejected, reason, qpath) -> None:
    con.execute(
        f"""insert into {LEDGER} (file_hash, source_file, channel, entity, file_bytes, status,
                rows_loaded, rows_rejected, reason, quarantine_path)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [file_hash, rel, entity.channel, entity.name, path.stat().st_size, status, loaded, rejected,
         reason, qpath],
    )
