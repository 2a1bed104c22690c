"""Load identity records into a Splink DuckDB connection, adding the derived blocking keys."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from matching.settings import INPUT_COLUMNS

# A name shared by more records than this is too common to block on by itself: such a
# block would add ~CAP^2/2 comparisons and find people only by a name many others share.
RARE_NAME_CAP = 50
# The typo-tolerant keys (first initial + last name, first name + the last name's first three
# letters) join names that differ, so a key many records share mostly pairs different people.
# At a million records the keys carried by 11 to 50 records added 5.1M of the 13.1M candidate
# comparisons (8.5 s of the 33 s of scoring) and changed no customer that mattered (pairwise F1
# 0.7985 -> 0.7984); in a small file no key is that common, and dropping these keys there cost
# 0.009 F1 on the sample without e-mails and phones.
RARE_TYPO_KEY_CAP = 10
# A value that alone is rare enough to block on in this file: a birth date or a postcode
# finds people whose names are misspelt in both parts, but at a million records a birth date
# is carried by ~40 records and blocking on it alone would add tens of millions of pairs. So
# each such key holds the value only for the rarest values of the file, taken in order of
# rarity while their pairs stay within BLOCKING_BUDGET_PAIRS_PER_RECORD x the records: in a
# file of a few thousand records every value, at a million records none that is common.
# The budget is capped: uncapped, at a million records the two keys could add 4 million
# comparisons to the ~8 million of the other rules; int_scored_pairs took 35.4 s uncapped and
# 29.3 s capped on the same machine, with F1 0.8131 both times.
BLOCKING_BUDGET_PAIRS_PER_RECORD = 2.0
BLOCKING_BUDGET_MAX_PAIRS = 250_000
SPARSE_KEYS = {"sparse_birth_date_key": "birth_date", "sparse_postcode_key": "postcode_key"}  # key: column
# What clustering reads of a record: the kinds of evidence it carries (is_anchor) and its
# birth date. At ten million records the other columns were gigabytes held twice (Arrow in
# Python, a table in DuckDB) at the build's memory peak.
CLUSTERING_COLUMNS = ("record_key", "first_name_key", "last_name_key", "birth_date", "email_key", "phone_key",
                      "street_key", "postcode_key")

# SQL over a record's columns: it carries at least two kinds of identifying evidence
ANCHOR_SQL = """(
                (first_name_key is not null or last_name_key is not null)::int
                + (birth_date is not null)::int
                + (email_key is not null)::int
                + (phone_key is not null)::int
                + (street_key is not null or postcode_key is not null)::int
            ) >= 2"""


def load_records(con: duckdb.DuckDBPyConnection, records: pa.Table, table: str = "identity_records",
                 blocking_keys: bool = True) -> int:
    """Create ``table`` from the Arrow records; returns the row count.

    Adds ``rare_name_key`` (given word + surname key, i.e. first name canonical + last name
    variant for a name of one word each, only where that name is carried by at most
    RARE_NAME_CAP records), ``rare_name_tail_key`` (given word + the last word of a surname of
    several words, where that is such a rare name), its typo-tolerant forms ``rare_initial_key``
    and ``rare_name_prefix_key`` (at most RARE_TYPO_KEY_CAP records), the ``sparse_*`` keys (SPARSE_KEYS:
    a birth date or postcode alone, for the file's rarest values) and ``is_anchor``: the
    record carries at least two kinds of identifying evidence (name, birth date, e-mail, phone,
    address).
    A record with one kind only (a receipt's phone, a chat's display name) can say which
    customer it belongs to but not that two customers are one; see matching.cluster.
    Clustering scored pairs needs no blocking: ``blocking_keys=False`` leaves the rare-name
    keys null (their counts over the whole file take seconds at a million records) and
    loads only CLUSTERING_COLUMNS, which is all ``records`` then needs to hold.
    """
    columns = INPUT_COLUMNS if blocking_keys else CLUSTERING_COLUMNS
    if not blocking_keys and "is_rare_name" in records.column_names:
        columns = (*columns, "is_rare_name")  # a part of a file, with the file's flags (matching.cluster)
    con.register("records_input", records.select(list(columns)))
    anchor = f"{ANCHOR_SQL} as is_anchor"
    rare = {  # key: (first part, last part, cap)
        # a name of several words by its first given word and first surname word
        "rare_name_key": ("given_word_key", "surname_key", RARE_NAME_CAP),
        # the same rare name with a typo in the first name after its initial, or in the
        # last name after its third letter
        "rare_initial_key": ("first_name_variant[1]", "last_name_variant", RARE_TYPO_KEY_CAP),
        "rare_name_prefix_key": ("first_name_canonical", "last_name_variant[1:3]", RARE_TYPO_KEY_CAP),
    }
    if blocking_keys:
        # each name pair counted by a group-by and joined back: the same keys as a window
        # count over the records, in half the time (5 s -> 2.4 s at a million records)
        parts = ", ".join(f"{first} as _{key}_first, {last} as _{key}_last" for key, (first, last, _) in rare.items())
        con.execute(f"create or replace temp table _records_in as select *, {parts} from records_input")
        helpers = ", ".join(f"_{key}_first, _{key}_last" for key in rare)
        keys = ", ".join(f"""case when length(r.first_name_variant) > 1 and {key}.n is not null
                                   then r._{key}_first || ' ' || r._{key}_last end as {key}""" for key in rare)
        for key, (_, _, cap) in rare.items():
            con.execute(f"""
                create or replace temp table _rare_{key} as
                select _{key}_first, _{key}_last, count(*) as n from _records_in
                where _{key}_first is not null and _{key}_last is not null
                group by 1, 2 having count(*) <= {cap}
            """)
        joins = "".join(f"""
            left join _rare_{key} as {key} using (_{key}_first, _{key}_last)""" for key in rare)
        # a surname of several words by its last word too ('Melworth-Brookbrook' beside
        # 'Brookbrook'), where the given word with that surname is a rare name
        keys += """, case when rare_tail.n is not null then r.given_word_key || ' ' || r.surname_tail_key
                         end as rare_name_tail_key"""
        joins += """
            left join _rare_rare_name_key as rare_tail on rare_tail._rare_name_key_first = r.given_word_key
                and rare_tail._rare_name_key_last = r.surname_tail_key"""
        n_records = con.execute("select count(*) from _records_in").fetchall()[0][0]
        for key, column in SPARSE_KEYS.items():
            con.execute(f"""
                create or replace temp table _sparse_{key} as
                with counts as (
                    select {column}::varchar as value, count(*) as n from _records_in
                    where {column} is not null group by 1
                ),
                cumulative as (
                    select value, sum(n * (n - 1) // 2) over (order by n, value rows unbounded preceding) as pairs
                    from counts
                )
                select value from cumulative
                where pairs <= {min(BLOCKING_BUDGET_PAIRS_PER_RECORD * n_records, BLOCKING_BUDGET_MAX_PAIRS)}
            """)
            keys += f", {key}.value as {key}"
            joins += f"""
            left join _sparse_{key} as {key} on {key}.value = r.{column}::varchar"""
        select, source = f"r.* exclude ({helpers}), {keys}", f"_records_in as r {joins}"
    else:
        select, source = "*, " + ", ".join(f"null::varchar as {key}" for key in
                                           (*rare, "rare_name_tail_key", *SPARSE_KEYS)), "records_input"
    con.execute(f"create or replace table {table} as select {select}, {anchor} from {source}")
    con.unregister("records_input")
    for temporary in ("_records_in", *(f"_rare_{key}" for key in rare), *(f"_sparse_{key}" for key in SPARSE_KEYS)):
        con.execute(f"drop table if exists {temporary}")
    return con.execute(f"select count(*) from {table}").fetchall()[0][0]
