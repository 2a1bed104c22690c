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
    is carried by at most RARE_NAME_CAP records) and ``is_anchor``: the record carries at
    least two kinds of identifying evidence (name, birth date, e-mail, phone, address).
    A record with one kind only (a receipt's phone, a chat's display name) can say which
    customer it belongs to but not that two customers are one; see matching.cluster.
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
            (
                (first_name_key is not null or last_name_key is not null)::int
                + (birth_date is not null)::int
                + (email_key is not null)::int
                + (phone_key is not null)::int
                + (street_key is not null or postcode_key is not null)::int
            ) >= 2 as is_anchor
        from records_input
    """)
    con.unregister("records_input")
    return con.execute(f"select count(*) from {table}").fetchall()[0][0]
