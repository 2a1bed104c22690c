"""Re-estimate the Splink model from the identity records in the warehouse and save it.

    python -m matching.train [--warehouse data/warehouse.duckdb] [--out matching/model/splink_model.json]

u-probabilities come from random sampling, m-probabilities from expectation maximisation
under several blocking rules (each rule leaves the other comparisons free to learn), and
the prior from exact rules. Training reads the warehouse read-only; it never changes it.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker

from matching.predict import MODEL_PATH
from matching.settings import (
    DETERMINISTIC_RULES,
    INPUT_COLUMNS,
    TRAINING_BLOCKING_RULES,
    settings,
)

log = logging.getLogger(__name__)

RECORDS_TABLE = "main.int_identity_records"


def train(records: pa.Table, out_path: Path = MODEL_PATH, seed: int = 42,
          deterministic_recall: float = 0.6) -> Path:
    """Train the model on identity records and write the model JSON to ``out_path``."""
    con = duckdb.connect()
    try:
        con.register("records_input", records.select(list(INPUT_COLUMNS)))
        con.execute("create table identity_records as select * from records_input")
        linker = Linker(DuckDBAPI(connection=con).register("identity_records"), settings(),
                        log_level=logging.WARNING)
        linker.training.estimate_probability_two_random_records_match(
            DETERMINISTIC_RULES, recall=deterministic_recall
        )
        linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=seed)
        for rule in TRAINING_BLOCKING_RULES:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        out_path.parent.mkdir(parents=True, exist_ok=True)
        linker.misc.save_model_to_json(str(out_path), overwrite=True)
    finally:
        con.close()
    return out_path


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
