"""Multi-threaded readers for the common case: a well-formed CSV or JSONL batch.

The Python readers of ``cdp.ingest`` set every broken row aside with its own row number,
but parse about 50,000 rows a second: a million-person web-event export took a minute.
Most batches have nothing wrong with them, so Arrow's C++ readers try first and the
result is used only when it is exactly what the Python reader would produce:

* CSV: every row has the header's width (Arrow raises otherwise), quotes pair up (an odd
  number means one is never closed), values are text, empty values are NULL. Row numbers
  are 1..n, as blank lines are skipped by both readers.
* JSONL: every line is a JSON object (Arrow raises otherwise), the contract's columns hold
  strings (an explicit schema; a number there raises), other keys came out as text, whole
  numbers or booleans (their JSON text is the same), and there are no blank lines (so the
  n-th row is line n).

Anything else returns None and the Python reader takes over, with its row-level reporting.
One known difference: Arrow reads a stray character after a closing quote (`"Ana"x`) as
part of the value where Python's strict reader rejects the row; the value loads either way.
"""

from __future__ import annotations

import csv
import io

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.json as pa_json

# Arrow's default 1 MiB blocks split a 10 MB free-text field badly; large blocks also read faster.
BLOCK_BYTES = 16 << 20
_TEXT_TYPES = (pa.string(), pa.large_string(), pa.null())
_TEXT_AS_JSON = (pa.int64(), pa.bool_())  # str() of these equals their JSON text


def read_csv(text: str, utf8: bytes, delimiter: str) -> tuple[list[str], list[pa.ChunkedArray]] | None:
    """Header and text columns of a well-formed CSV (``text`` and the same as UTF-8 bytes), or
    None to fall back to the Python reader."""
    header = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), None)
    if not header or len(set(header)) != len(header) or any(not h.strip() for h in header):
        return None  # the Python reader names the problem
    if utf8.count(b'"') % 2:
        return None  # a quote never closed: Arrow would read to the end of the file as one value
    try:
        table = pa_csv.read_csv(
            io.BytesIO(utf8),
            read_options=pa_csv.ReadOptions(column_names=header, skip_rows=1, block_size=BLOCK_BYTES),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter, quote_char='"', double_quote=True,
                                              escape_char=False, newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(column_types={h: pa.string() for h in header},
                                                  strings_can_be_null=True, null_values=[""]),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    return header, list(table.columns)


def read_jsonl(utf8: bytes, columns: tuple[str, ...]) -> tuple[list[str], list[pa.ChunkedArray]] | None:
    """Keys and text columns of a well-formed JSONL file (UTF-8 bytes), or None to fall back to
    the Python reader."""
    lines = utf8.count(b"\n") + (0 if utf8.endswith(b"\n") else 1)
    schema = pa.schema([(c, pa.string()) for c in columns])
    try:
        table = pa_json.read_json(
            io.BytesIO(utf8),
            read_options=pa_json.ReadOptions(block_size=BLOCK_BYTES),
            parse_options=pa_json.ParseOptions(explicit_schema=schema, unexpected_field_behavior="infer"),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    if (table.num_rows != lines or table.num_columns == 0
            or any(f.type not in _TEXT_TYPES + _TEXT_AS_JSON for f in table.schema)):
        return None
    # the Python reader's header holds only keys that occur; Arrow adds the schema's absent ones as null
    present = [name for name, column in zip(table.column_names, table.columns, strict=True)
               if name not in columns or column.null_count < len(column) or _key_occurs(utf8, name)]
    return present, [table.column(name).cast(pa.string()) for name in present]


def _key_occurs(utf8: bytes, key: str) -> bool:
    """Whether a contract column appears as a key at all (a column of nulls is still a column)."""
    return f'"{key}"'.encode() in utf8
