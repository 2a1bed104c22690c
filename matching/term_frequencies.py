"""Term-frequency tables corrected for a person's own records.

Splink's term-frequency adjustment takes the share of records carrying a value as the
chance that a *different* person's record carries it. In a customer file a person has
several records, so a name only one person has still shows up in (say) three records and
looks three times as common as it is; at a few thousand people that makes every name look
common. We subtract the expected number of the person's own records carrying the value: the
record itself and, from the prior, about prior x (N - 1) x SAME_VALUE_SHARE others.
"""

from __future__ import annotations

import duckdb
from splink import DuckDBAPI, Linker

TF_COLUMNS = ("full_name_key", "last_name_variant", "first_name_canonical", "city_key", "email_user")
# Share of a person's other records that spell a value exactly the same (typos, nicknames
# and other transliterations spell it differently).
SAME_VALUE_SHARE = 0.5
# A value seen only on one person's records may still belong to someone else outside the
# file; count it as this many records of other people rather than none.
MIN_OTHER_RECORDS = 0.1


def register_corrected_term_frequencies(linker: Linker, con: duckdb.DuckDBPyConnection, table: str) -> None:
    prior = linker.misc.save_model_to_json()["probability_two_random_records_match"]
    n_records = con.execute(f"select count(*) from {table}").fetchall()[0][0]
    # the record itself plus its person's other records that spell the value the same way
    own_records = 1 + prior * max(n_records - 1, 0) * SAME_VALUE_SHARE
    db_api = DuckDBAPI(connection=con)
    for column in TF_COLUMNS:
        tf_table = f"_tf_corrected_{column}"
        con.execute(f"""
            create or replace table {tf_table} as
            select {column},
                   greatest(count(*) - {own_records}, {MIN_OTHER_RECORDS}) / sum(count(*)) over () as tf_{column}
            from {table} where {column} is not null group by 1
        """)
        linker.table_management.register_term_frequency_lookup(db_api.register(tf_table), column)
