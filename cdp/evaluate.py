"""Compare the customer crosswalk with a ground-truth file: pairwise precision, recall, F1.

    python -m cdp.evaluate [--truth data/ground_truth/identity.csv] [--warehouse ...]

The truth file has columns channel, entity, source_record_id, person_id. Only records
present in both the crosswalk and the truth are scored. A pair of records is predicted
to match when they share a customer_id and truly matches when they share a person_id.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import duckdb

from cdp.contract import warehouse_path

DEFAULT_TRUTH = Path("data/ground_truth/identity.csv")


@dataclass(frozen=True)
class PairwiseScore:
    records: int
    true_pairs: int
    predicted_pairs: int
    true_positive_pairs: int
    customers: int
    persons: int
    exact_clusters: int

    @property
    def precision(self) -> float:
        return self.true_positive_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.true_positive_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def describe(self) -> str:
        return (
            f"records scored {self.records:,}: precision {self.precision:.4f}, recall {self.recall:.4f}, "
            f"F1 {self.f1:.4f} (pairs: {self.true_positive_pairs:,} correct of {self.predicted_pairs:,} "
            f"predicted, {self.true_pairs:,} true); customers {self.customers:,} vs persons "
            f"{self.persons:,}, {self.exact_clusters:,} customers exactly right"
        )


def score(con: duckdb.DuckDBPyConnection, predicted: str, truth: str) -> PairwiseScore:
    """Score a predicted table (channel, entity, source_record_id, customer_id) against a
    truth table (channel, entity, source_record_id, person_id); both are table or view names."""
    row = con.execute(f"""
        with scored as (
            select p.customer_id::varchar as customer_id, t.person_id::varchar as person_id,
                   p.channel || ':' || p.entity || ':' || p.source_record_id as record_key
            from {predicted} as p
            inner join {truth} as t
                on p.channel = t.channel and p.entity = t.entity
                and p.source_record_id::varchar = t.source_record_id::varchar
        ),
        by_customer as (select customer_id, count(*) as n from scored group by 1),
        by_person as (select person_id, count(*) as n from scored group by 1),
        by_both as (select customer_id, person_id, count(*) as n from scored group by 1, 2),
        exact as (
            select count(*) as n
            from by_both
            join by_customer using (customer_id)
            join by_person using (person_id)
            where by_both.n = by_customer.n and by_both.n = by_person.n
        )
        select
            (select count(*) from scored),
            (select coalesce(sum(n * (n - 1) // 2), 0) from by_person),
            (select coalesce(sum(n * (n - 1) // 2), 0) from by_customer),
            (select coalesce(sum(n * (n - 1) // 2), 0) from by_both),
            (select count(*) from by_customer),
            (select count(*) from by_person),
            (select n from exact)
    """).fetchall()[0]
    return PairwiseScore(*(int(v) for v in row))


def evaluate_warehouse(warehouse: Path, truth_path: Path) -> PairwiseScore:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        quoted = str(truth_path).replace("'", "''")
        con.execute(f"create temp view truth as select * from read_csv('{quoted}', all_varchar = true)")
        return score(con, "main.customer_crosswalk", "truth")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Pairwise precision/recall/F1 of the crosswalk.")
    parser.add_argument("--truth", type=Path, default=DEFAULT_TRUTH)
    parser.add_argument("--warehouse", type=Path, default=None, help="default: $CDP_WAREHOUSE")
    args = parser.parse_args(argv)
    print(evaluate_warehouse(args.warehouse or warehouse_path(), args.truth).describe())


if __name__ == "__main__":
    main()
