"""Load identity records into a Splink DuckDB connection, adding the derived blocking keys."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from matching.settings import INPUT_COLUMNS

# A name shared by more records than this is too common to block on by itself: such a
# block would add ~CAP^2/2 comparisons and find people only by a name many others share.
RARE_NAME_CAP = 50


def load_records(con: duckdb.DuckDBPyConnection, records: pa.Table, table: str = "identity_records") -> int:
    """Create ``table`` from the Arrow records; returns the row count.

    Adds ``rare_name_key`` (first name canonical + last name variant, only where that name
    is carried by at most RARE_NAME_CAP records) and ``is_named`` (has a first or last name).
    """
    con.register("records_input", records.select(list(INPUT_COLUMNS)))
    con.execute(f"""
        create or replace table {table} as
        select
            *,
            case
                when first_name_canonical is not null and last_name_variant is not null
                    and count(*) over (partition by first_name_canonical, last_name_variant) <= {RARE_NAME_CAP}
                then first_name_canonical || ' ' || last_name_variant
            end as rare_name_key,
            first_name_key is not null or last_name_key is not null as is_named
        from records_input
    """)
    con.unregister("records_input")
    return con.execute(f"select count(*) from {table}").fetchall()[0][0]
