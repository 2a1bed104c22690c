"""The Python readers of CSV and JSONL: every broken row is set aside with its row number.

The files that come here are the ones cdp.ingest.fast_read declined (Arrow takes
well-formed files). A Windows-1251 file is transcoded (noted in the ledger), a UTF-8
byte-order mark is ignored and a `;` or tab delimiter is detected.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

from cdp.ingest.quarantine import BatchRejected

# A free-text field (a feedback form, a note) may be large; Python's csv default is 128 KiB.
MAX_FIELD_BYTES = 64 * 1024 * 1024
csv.field_size_limit(MAX_FIELD_BYTES)
_WORD = re.compile(r"[^\W\d_]+")


@dataclass
class ParsedFile:
    """A text file read into columns, plus the rows that could not be read."""

    header: list[str]
    columns: list[list[str | None]]
    row_numbers: list[int]
    bad_rows: list[tuple[int, str, str, str]]  # (row number, column, reason, record as JSON)
    note: str | None = None


def parse(path: Path, rel: str, name: str) -> ParsedFile:
    """Read a CSV or JSONL file into text columns with the Python readers, which set each
    broken row aside with its row number (whole file in memory: the files that come here
    are the ones cdp.ingest.fast_read declined)."""
    opener = gzip.open if name.endswith(".gz") else open
    with opener(path, "rb") as fh:
        data = fh.read()
    if not data.strip():
        raise BatchRejected(f"{rel}: empty file (no header row)" if ".csv" in name else f"{rel}: empty file")
    text, note = _decode(data, rel)
    del data
    if name.endswith(".jsonl"):
        return _parse_jsonl(text, note)
    delimiter = detect_delimiter(text.split("\n", 1)[0])
    if delimiter != ",":
        note = "; ".join(filter(None, [note, f"delimiter {delimiter!r} detected"]))
    return _parse_csv(text, rel, note, delimiter)


def _decode(data: bytes, rel: str) -> tuple[str, str | None]:
    """UTF-8 (a byte-order mark is dropped); Windows-1251 is recognised and transcoded with a note."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        row = data.count(b"\n", 0, exc.start) + 1
        where = f"line {row} (byte {exc.start})"
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError:
        text = ""
    if _looks_russian(text):
        return text, f"not UTF-8 from {where}: read as Windows-1251 (Cyrillic) and transcoded"
    raise BatchRejected(f"{rel}: {where} is not UTF-8 and the file does not look like Windows-1251; "
                        "re-export it as UTF-8")


def _looks_russian(text: str) -> bool:
    """Windows-1251 decodes almost any byte, so look at the words: Russian words are Cyrillic
    throughout, while a Latin-1 file read as 1251 gives Latin words with stray Cyrillic letters."""
    words = [w for w in _WORD.findall(text) if any("\u0400" <= ch <= "\u04ff" for ch in w)]
    mixed = sum(any("a" <= ch.lower() <= "z" for ch in w) for w in words)
    return bool(words) and mixed <= 0.05 * len(words)


def detect_delimiter(header_line: str) -> str:
    """The most frequent of `,` `;` tab in the header row (outside quotes); `,` on a tie."""
    unquoted = header_line.split('"')[::2]
    counts = {d: sum(part.count(d) for part in unquoted) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def _parse_csv(text: str, rel: str, note: str | None, delimiter: str) -> ParsedFile:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', doublequote=True,
                        strict=True)
    header = next(reader)
    if not header or any(not h.strip() for h in header):
        raise BatchRejected(f"{rel}: header row has an empty column name")
    width = len(header)
    columns: list[list[str | None]] = [[] for _ in header]
    row_numbers: list[int] = []
    bad_rows: list[tuple[int, str, str, str]] = []
    row, last_line = 0, reader.line_num
    lines: list[str] = []
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            row += 1
            start, end = last_line + 1, reader.line_num
            if str(exc).startswith("unexpected end") and end > start:
                raise BatchRejected(f"{rel}: row {row} (line {start}): a quote opened there is never closed, "
                                    "so the rows after it cannot be told apart") from exc
            lines = lines or text.split("\n")
            bad_rows.append((row, "*", f"line {start}: unreadable CSV row ({exc})",
                             json.dumps({"_line": lines[start - 1]}, ensure_ascii=False)))
            last_line = end
            continue
        line_before, last_line = last_line, reader.line_num
        if not fields:
            continue
        row += 1
        if len(fields) != width:
            bad_rows.append((row, "*", f"line {line_before + 1}: {len(fields)} fields, the header has {width}",
                             json.dumps({"_fields": fields}, ensure_ascii=False)))
            continue
        for values, value in zip(columns, fields, strict=True):
            values.append(value if value != "" else None)
        row_numbers.append(row)
    return ParsedFile(header, columns, row_numbers, bad_rows, note)


def _parse_jsonl(text: str, note: str | None) -> ParsedFile:
    """One JSON object per line; a line that is not one is set aside with its line number."""
    records: list[tuple[int, dict]] = []
    bad_rows: list[tuple[int, str, str, str]] = []
    keys: dict[str, None] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            record, problem = None, f"not JSON ({exc.msg} at column {exc.colno})"
        else:
            problem = f"a JSON {type(record).__name__}, not an object"
        if not isinstance(record, dict):
            bad_rows.append((number, "*", f"line {number}: {problem}", json.dumps({"_line": line}, ensure_ascii=False)))
            continue
        records.append((number, record))
        keys.update(dict.fromkeys(record))
    header = list(keys)
    columns = [[_json_text(record.get(key)) for _, record in records] for key in header]
    return ParsedFile(header, columns, [n for n, _ in records], bad_rows, note)


def _json_text(value) -> str | None:
    """A JSON value as raw text: strings as they are, numbers/booleans/objects as JSON."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)
