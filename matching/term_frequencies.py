"""Term-frequency tables corrected for a person's own records.

Splink's term-frequency adjustment takes the share of records carrying a value as the
chance that a *different* person's record carries it. In a customer file a person has
several records, so a name only one person has still shows up in (say) three records and
looks three times as common as it is; at a few thousand people that makes every name look
common. We subtract the expected number of the person's own records carrying the value: the
record itself and, from the prior, about prior x (N - 1) x m others (m: how often two
records of one person agree on the column, from the model).

Because the tables are computed on the file being matched, exact agreement on a phone,
an e-mail or a street weighs what it should at that file's size, not at the size of
the file the model was trained on.
"""

from __future__ import annotations

import duckdb
from splink import DuckDBAPI, Linker

from matching.settings import FIRST_NAMES_CONFLICT

# first and last name first: the full-name tables are bounded below by their product
TF_COLUMNS = ("last_name_variant", "first_name_canonical", "full_name_key", "city_key", "email_user",
              "email_key", "phone_key", "street_key", "mailbox_key", "name_concat_key",
              "handle_key")
# Contact points: who owns a phone or a mailbox is told by the first names on its records
# (one name, or spellings of one name: one owner; a family phone shows two or three
# names that conflict). Subtracting only the
# *expected* number of a person's own records makes the phone of a customer with many
# records look common and a receipt carrying just that phone fail to attach.
# A chat handle is not counted so: it is chosen from the name, so namesakes share one
# ('@elena_p' on several platforms) without their first names conflicting; it is counted
# like a name (at a million records, owner counting made such handles merge namesakes).
FULL_NAME_COLUMNS = ("full_name_key", "name_concat_key")
CONTACT_COLUMNS = ("email_key", "phone_key", "street_key", "email_user", "mailbox_key")
# Share of a person's other records that carry a value exactly the same, when the model does
# not say (it does: the m-probability of the level that uses the column's term frequencies).
SAME_VALUE_SHARE = 0.5
# A value seen only on one person's records may still belong to someone else outside the
# file; count it as this many records of other people rather than none.
MIN_OTHER_RECORDS = 0.1


def register_corrected_term_frequencies(linker: Linker, con: duckdb.DuckDBPyConnection, table: str) -> None:
    model = linker.misc.save_model_to_json()
    prior = model["probability_two_random_records_match"]
    n_records = con.execute(f"select count(*) from {table}").fetchall()[0][0]
    db_api = DuckDBAPI(connection=con)
    for column in TF_COLUMNS:
        tf_table = f"_tf_corrected_{column}"
        if column in CONTACT_COLUMNS:
            counted = _owner_counts(table, column)
        else:
            # the record itself plus its person's other records that carry the same value
            own_records = 1 + prior * max(n_records - 1, 0) * _same_value_share(model, column)
            counted = f"""select {column}, count(*) as n, count(*) - {own_records} as other_records
                          from {table} where {column} is not null group by 1"""
        con.execute(f"""
            create or replace table {tf_table} as
            with counted as ({counted})
            select {column}, greatest(other_records, {MIN_OTHER_RECORDS}) / sum(n) over () as tf_{column}
            from counted
        """)
        if column in FULL_NAME_COLUMNS:
            _at_least_parts_product(con, table, column)
        linker.table_management.register_term_frequency_lookup(db_api.register(tf_table), column)


def _at_least_parts_product(con: duckdb.DuckDBPyConnection, table: str, column: str) -> None:
    """A full name is at least as common as its first name's share times its last name's:
    seen twice in a file, 'Andrei Popescu' is still a name thousands carry, while 'Elena
    Starskaya' is rare because Starskaya is. Counting the full name alone calls every
    name seen on one person's records unique and merges namesakes at scale."""
    con.execute(f"""
        create or replace table _tf_corrected_{column} as
        with parts as (
            select r.{column}, max(f.tf_first_name_canonical * l.tf_last_name_variant) as parts_product
            from {table} as r
            join _tf_corrected_first_name_canonical as f using (first_name_canonical)
            join _tf_corrected_last_name_variant as l using (last_name_variant)
            where r.{column} is not null
            group by 1
        )
        select t.{column}, greatest(t.tf_{column}, coalesce(parts.parts_product, 0)) as tf_{column}
        from _tf_corrected_{column} as t left join parts using ({column})
    """)


def _owner_counts(table: str, column: str) -> str:
    """SQL: per value, its record count n and the records of owners other than one, taking
    the owners to be 1 + the most first names that conflict (FIRST_NAMES_CONFLICT: not a
    typo, nickname or swapped name) with one of the value's first names."""
    name_columns = ("first_name_canonical", "first_name_variant", "last_name_variant")
    conflict = FIRST_NAMES_CONFLICT
    return f"""
        with names as (
            select distinct {column}, {", ".join(name_columns)} from {table}
            where {column} is not null and first_name_canonical is not null
        ),
        conflicts as (
            select l.{column}, l.first_name_canonical, count(distinct r.first_name_canonical) as conflicting
            from names as l
            join names as r on l.{column} = r.{column}
            where coalesce({_suffixed(conflict, name_columns, "l", "r")}, false)
            group by all
        ),
        owners as (
            select {column}, 1 + max(conflicting) as owners from conflicts group by 1
        )
        select {column}, count(*) as n, count(*) * (coalesce(any_value(owners.owners), 1) - 1)
               / coalesce(any_value(owners.owners), 1) as other_records
        from {table} left join owners using ({column})
        where {column} is not null group by 1
    """


def _suffixed(condition: str, columns: tuple[str, ...], left: str, right: str) -> str:
    """Rewrite a Splink condition on col_l / col_r into one on left.col / right.col."""
    for column in columns:
        condition = condition.replace(f"{column}_l", f"{left}.{column}").replace(f"{column}_r", f"{right}.{column}")
    return condition


def _same_value_share(model: dict, column: str) -> float:
    shares = [level["m_probability"] for comparison in model["comparisons"]
              for level in comparison["comparison_levels"]
              if level.get("tf_adjustment_column") == column and level.get("m_probability")]
    return max(shares) if shares else SAME_VALUE_SHARE
