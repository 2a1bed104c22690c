"""The matchers a user could pick instead of this project, each set up as its own docs show.

* ``splink_tutorial``: Splink 5 with the settings of Splink's own notebooks for that kind of
  file: the FEBRL3 notebook (dedupe) and the FEBRL4 notebook's detailed model (link) for
  FEBRL files, the tutorial's model for fake_1000-like person files (first name, surname,
  birth date, city, e-mail; a phone and a postcode compared exactly where the file has
  them). National ids are left out of every model. Parameters are estimated on the file
  itself, as the notebooks do (prior from deterministic rules, u by random sampling, m by
  EM); pairs are clustered at the notebook's threshold (0.99 in the FEBRL4 notebook, 0.2 in
  the tutorial), or at 0.5 where the notebook names none (FEBRL3).
* ``exact_contact_rule``: records sharing an e-mail or a phone are one customer.
* recordlinkage's ECM classifier runs in its own environment: see ``recordlinkage_ecm.py``.

Each returns record_key -> cluster label, or a list of linked pairs, and leaves scoring to
the benchmark.
"""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb

from cdp.quality.datasets import Dataset, quoted

DEFAULT_CLUSTER_THRESHOLD = 0.5


def load_peer_records(con: duckdb.DuckDBPyConnection, path: Path, table: str = "peer_records") -> None:
    """records.csv as a table with empty strings read as nulls (Splink treats null as missing)."""
    con.execute(f"""
        create or replace table {table} as
        select * from read_csv('{quoted(path)}', all_varchar = true, header = true)
    """)
    columns = [name for name, *_ in con.execute(f"describe {table}").fetchall()]
    nulls = ", ".join(f"nullif(trim({c}), '') as {c}" for c in columns)
    con.execute(f"create or replace table {table} as select {nulls} from {table}")


def _populated(con: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    return con.execute(f"select count({column}) > 0 from {table}").fetchall()[0][0]


def splink_tutorial(dataset: Dataset, records: Path) -> dict[str, str]:
    """Cluster the records as Splink's notebooks would; returns record_key -> cluster_id."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    con = duckdb.connect()
    load_peer_records(con, records)
    has = {c: _populated(con, "peer_records", c) for c in ("email", "phone", "postcode", "city")}
    if dataset.kind == "febrl":
        dob = cl.DateOfBirthComparison("dob", input_is_string=True, datetime_format=dataset.dob_format,
                                       invalid_dates_as_null=True)
        if dataset.link_only:  # the FEBRL4 notebook's detailed model, without soc_sec_id
            blocking = [block_on("first_name", "surname"), "l.first_name = r.surname and l.surname = r.first_name",
                        block_on("dob"), block_on("state", "address_1"), block_on("street_number", "address_1"),
                        block_on("postcode")]
            comparisons = [cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
                           cl.NameComparison("surname").configure(term_frequency_adjustments=True), dob,
                           cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
                           cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                               term_frequency_adjustments=True)]
            deterministic, recall, threshold = [block_on("first_name", "surname", "dob")], 0.8, 0.99
            training = [block_on("dob"), block_on("postcode")]
        else:  # the FEBRL3 notebook, without soc_sec_id
            blocking = [block_on("first_name"), block_on("surname"), block_on("dob"), block_on("postcode")]
            comparisons = [cl.NameComparison("first_name"), cl.NameComparison("surname"), dob,
                           cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
                           cl.ExactMatch("postcode").configure(term_frequency_adjustments=True)]
            deterministic = [block_on("first_name", "surname", "dob"),
                             "l.first_name = r.surname and l.surname = r.first_name and l.dob = r.dob"]
            recall, threshold = 0.9, DEFAULT_CLUSTER_THRESHOLD
            training = [block_on("dob"), block_on("postcode")]
    else:  # the tutorial's model (fake_1000), with the contact points and postcode a file has
        from splink import ColumnExpression

        comparisons = [cl.NameComparison("first_name"), cl.NameComparison("surname"),
                       cl.LevenshteinAtThresholds(ColumnExpression("dob").cast_to_string(), 1)]
        blocking = [block_on("first_name", "city"), block_on("surname"), block_on("dob")]
        deterministic = [block_on("first_name", "dob"),
                         "l.first_name = r.first_name and levenshtein(r.surname, l.surname) <= 2"]
        if has["city"]:
            comparisons.append(cl.ExactMatch("city").configure(term_frequency_adjustments=True))
        if has["email"]:
            comparisons.append(cl.EmailComparison("email"))
            deterministic.append(block_on("email"))
            blocking.append(block_on("email"))
        if has["phone"]:
            comparisons.append(cl.ExactMatch("phone"))
            deterministic.append(block_on("phone"))
            blocking.append(block_on("phone"))
        if has["postcode"]:
            comparisons.append(cl.ExactMatch("postcode").configure(term_frequency_adjustments=True))
        recall, threshold = 0.7, 0.2
        training = [block_on("first_name", "surname"), block_on("dob")]
    settings = SettingsCreator(
        link_type="link_only" if dataset.link_only else "dedupe_only", unique_id_column_name="record_key",
        comparisons=comparisons, blocking_rules_to_generate_predictions=blocking,
        **({"source_dataset_column_name": "source_dataset"} if dataset.link_only else {}))
    db_api = DuckDBAPI(connection=con)
    if dataset.link_only:
        sources = [row[0] for row in con.execute("select distinct source_dataset from peer_records order by 1")
                   .fetchall()]
        tables = [db_api.register(con.sql(f"select * from peer_records where source_dataset = '{s}'"))
                  for s in sources]
    else:
        tables = db_api.register(con.sql("select * from peer_records"))
    linker = Linker(tables, settings, log_level=logging.ERROR)  # the training chatter
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=recall)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=2)
    for rule in training:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=min(0.2, threshold))
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, threshold)
    rows = clusters.as_duckdbpyrelation().select("record_key, cluster_id::varchar").fetchall()
    con.close()
    return dict(rows)


def exact_contact_rule(records: Path) -> dict[str, str]:
    """Records sharing an e-mail or a phone, transitively, are one customer."""
    from cdp.quality.evaluate import exact_contact_baseline

    con = duckdb.connect()
    load_peer_records(con, records)
    con.execute("""create table keyed as select record_key, 'x' as channel, 'x' as entity,
                   record_key as source_record_id, lower(email) as email_key, phone as phone_key from peer_records""")
    exact_contact_baseline(con, "keyed", "baseline")
    rows = con.execute("select source_record_id, customer_id::varchar from baseline").fetchall()
    con.close()
    return dict(rows)
