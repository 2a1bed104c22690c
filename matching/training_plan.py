"""Which training rules a warehouse's identity records can train under.

A company's exports hold what they hold: a file of names, birth dates and addresses has no
e-mail to train under, a file of e-mail and SMS contacts has no birth date. Before training,
every candidate rule (settings.TRAINING_BLOCKING_COLUMNS for EM, settings.DETERMINISTIC_COLUMNS
for the prior) is counted on the records; a rule is used only when it yields enough pairs to
learn from and not so many that EM would scan a cross product. What was skipped, and why,
goes into the plan, which training logs and writes to ``reports/matching/training.json``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import duckdb

# EM under a rule with fewer pairs learns the noise of a few records (and Splink refuses a
# rule with none: EMTrainingException); a rule with more pairs than the cap is a cross product.
MIN_TRAINING_PAIRS = 200
MAX_TRAINING_PAIRS = 50_000_000
# The prior needs only some pairs: a rule that finds one is evidence of how many there are.
MIN_DETERMINISTIC_PAIRS = 1


@dataclass(frozen=True)
class RuleCount:
    columns: tuple[str, ...]
    pairs: int
    reason: str = ""  # why a rule was skipped; empty when used

    @property
    def sql(self) -> str:
        return " and ".join(f'l."{c}" = r."{c}"' for c in self.columns)


@dataclass
class TrainingPlan:
    records: int
    em_rules: list[RuleCount] = field(default_factory=list)
    em_skipped: list[RuleCount] = field(default_factory=list)
    deterministic_rules: list[RuleCount] = field(default_factory=list)
    deterministic_skipped: list[RuleCount] = field(default_factory=list)
    # EM sessions undone while training (a level's m underflowed, no pairs): rule -> reason
    em_undone: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict:
        def rules(items: list[RuleCount]) -> list[dict]:
            return [{**asdict(item), "columns": list(item.columns), "sql": item.sql} for item in items]
        return {"records": self.records, "em_rules": rules(self.em_rules), "em_skipped": rules(self.em_skipped),
                "deterministic_rules": rules(self.deterministic_rules),
                "deterministic_skipped": rules(self.deterministic_skipped), "em_undone": self.em_undone}

    def describe(self) -> str:
        def names(items: list[RuleCount]) -> str:
            return ", ".join(f"{'+'.join(i.columns)} ({i.pairs:,} pairs{'; ' + i.reason if i.reason else ''})"
                             for i in items) or "none"
        return (f"training on {self.records:,} records: EM under {names(self.em_rules)}; skipped "
                f"{names(self.em_skipped)}; prior from {names(self.deterministic_rules)}; skipped "
                f"{names(self.deterministic_skipped)}")


def count_pairs(con: duckdb.DuckDBPyConnection, table: str, columns: tuple[str, ...]) -> int:
    """Pairs of records of ``table`` that agree on every column (nulls agree with nothing)."""
    keys = ", ".join(f'"{c}"' for c in columns)
    not_null = " and ".join(f'"{c}" is not null' for c in columns)
    return int(con.execute(f"""
        select coalesce(sum(n * (n - 1) // 2), 0) from (
            select count(*) as n from {table} where {not_null} group by {keys})
    """).fetchall()[0][0])


def plan_training(con: duckdb.DuckDBPyConnection, table: str, em_columns: list[tuple[str, ...]],
                  deterministic_columns: list[tuple[str, ...]]) -> TrainingPlan:
    records = int(con.execute(f"select count(*) from {table}").fetchall()[0][0])
    plan = TrainingPlan(records)
    for columns in em_columns:
        pairs = count_pairs(con, table, columns)
        if pairs < MIN_TRAINING_PAIRS:
            plan.em_skipped.append(RuleCount(columns, pairs, f"fewer than {MIN_TRAINING_PAIRS:,} pairs"))
        elif pairs > MAX_TRAINING_PAIRS:
            plan.em_skipped.append(RuleCount(columns, pairs, f"more than {MAX_TRAINING_PAIRS:,} pairs"))
        else:
            plan.em_rules.append(RuleCount(columns, pairs))
    for columns in deterministic_columns:
        pairs = count_pairs(con, table, columns)
        if pairs < MIN_DETERMINISTIC_PAIRS:
            plan.deterministic_skipped.append(RuleCount(columns, pairs, "no pairs"))
        else:
            plan.deterministic_rules.append(RuleCount(columns, pairs))
    return plan
