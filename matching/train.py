"""Re-estimate the Splink model from the identity records in the warehouse and save it.

    python -m matching.train [--warehouse data/warehouse.duckdb] [--out matching/model/splink_model.json]

u-probabilities come from random sampling (of one record per provisional customer, see
``train``), m-probabilities from expectation maximisation under several blocking rules
(each rule leaves the other comparisons free to learn), and the prior from exact rules.
Training reads the warehouse read-only; it never changes it.
"""

from __future__ import annotations

import argparse
import copy
import logging
from pathlib import Path

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker

from matching.predict import MODEL_PATH
from matching.prepare import load_records
from matching.settings import (
    DETERMINISTIC_RULES,
    TRAINING_BLOCKING_RULES,
    UNIQUE_ID,
    settings,
)

log = logging.getLogger(__name__)

RECORDS_TABLE = "main.int_identity_records"
U_SAMPLE_THRESHOLD = 0.05


def train(records: pa.Table, out_path: Path = MODEL_PATH, seed: int = 42,
          deterministic_recall: float = 0.6) -> Path:
    """Train the model on identity records and write the model JSON to ``out_path``.

    u-probabilities are estimated twice. Random pairs of a customer file are not all
    non-matches: a person with four records contributes six matching pairs, and for
    rare values (a phone, an e-mail) those pairs are most of the agreement random sampling
    sees, so u comes out too high and exact contact-point matches too weak. The second
    estimate therefore samples one record per customer of a first-pass model.
    """
    con = duckdb.connect()
    try:
        load_records(con, records)
        first = _linker(con, "identity_records", settings())
        _estimate(first, seed, deterministic_recall)

        # Cluster generously: merging two people only drops a record from the sample,
        # leaving two records of one person in it is what biases u.
        predictions = first.inference.predict(threshold_match_probability=U_SAMPLE_THRESHOLD)
        clusters = first.clustering.cluster_pairwise_predictions_at_threshold(predictions, U_SAMPLE_THRESHOLD)
        con.execute(f"""
            create table one_record_per_customer as
            select records.* from identity_records as records
            join {clusters.physical_name} as clusters using ({UNIQUE_ID})
            qualify row_number() over (partition by clusters.cluster_id order by records.{UNIQUE_ID}) = 1
        """)
        sampler = _linker(con, "one_record_per_customer", settings())
        sampler.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=seed)

        model = _with_u_from(first.misc.save_model_to_json(), sampler.misc.save_model_to_json())
        final = _linker(con, "identity_records", model)
        _estimate(final, seed, deterministic_recall, estimate_u=False)
        out_path.parent.mkdir(parents=True, exist_ok=True)
        final.misc.save_model_to_json(str(out_path), overwrite=True)
    finally:
        con.close()
    return out_path


def _linker(con: duckdb.DuckDBPyConnection, table: str, model) -> Linker:
    return Linker(DuckDBAPI(connection=con).register(table), model, log_level=logging.WARNING)


def _estimate(linker: Linker, seed: int, deterministic_recall: float, estimate_u: bool = True) -> None:
    linker.training.estimate_probability_two_random_records_match(DETERMINISTIC_RULES, recall=deterministic_recall)
    if estimate_u:
        linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=seed)
    for rule in TRAINING_BLOCKING_RULES:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)


def _with_u_from(model: dict, u_source: dict) -> dict:
    """Copy every comparison level's u-probability from ``u_source`` into ``model``."""
    model = copy.deepcopy(model)
    for comparison, source in zip(model["comparisons"], u_source["comparisons"], strict=True):
        for level, source_level in zip(comparison["comparison_levels"], source["comparison_levels"], strict=True):
            if "u_probability" in source_level:
                level["u_probability"] = source_level["u_probability"]
    return model


def read_records(warehouse: Path, table: str = RECORDS_TABLE) -> pa.Table:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.sql(f"select * from {table}").to_arrow_table()


def main(argv: list[str] | None = None) -> None:
    from cdp.contract import warehouse_path

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, default=None, help="default: $CDP_WAREHOUSE")
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    records = read_records(args.warehouse or warehouse_path())
    path = train(records, args.out, seed=args.seed)
    print(f"trained on {records.num_rows} identity records; model written to {path}")


if __name__ == "__main__":
    main()
