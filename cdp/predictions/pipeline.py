"""What the dbt Python models call: every customer's scores, and the back-test table."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pandas as pd
import pyarrow as pa
from threadpoolctl import threadpool_limits

from . import categories
from .history import History
from .models import TASKS, Predictor, model_version

BACKTEST_COLUMNS = {
    "task": pa.string(), "method": pa.string(), "horizon_days": pa.int64(), "as_of": pa.timestamp("us"),
    "trained_at_cutoff": pa.timestamp("us"), "tested_at_cutoff": pa.timestamp("us"),
    "train_rows": pa.int64(), "test_rows": pa.int64(), "base_rate": pa.float64(),
    "mean_prediction": pa.float64(), "auc": pa.float64(), "average_precision": pa.float64(),
    "ece": pa.float64(), "top_decile_lift": pa.float64(), "mae": pa.float64(), "rmse": pa.float64(),
    "hit_rate": pa.float64(), "skipped_reason": pa.string(), "curves": pa.string(), "importance": pa.string(),
    "model_version": pa.string(), "evaluated_at": pa.timestamp("us"),
}


# dbt builds the two prediction models side by side, one per thread. Each fitting with
# OpenMP threads on every core oversubscribed the machine: on 2 cores under load a 1-second
# back-test took 14 s. One thread each keeps them at 1-1.5 s.
SKLEARN_THREADS = 1


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def backtests(history: History, as_of: datetime | None, churn_days: int) -> pa.Table:
    """One row per task and method (model, baseline): the figures of the held-out window."""
    with threadpool_limits(SKLEARN_THREADS):
        return _backtests(history, as_of, churn_days)


def _backtests(history: History, as_of: datetime | None, churn_days: int) -> pa.Table:
    predictor = Predictor(history, as_of, churn_days)
    rows: list[dict] = []
    if predictor.as_of is not None:
        for task in TASKS:
            rows += predictor.backtest(task)
        rows += categories.backtest(history, predictor.as_of, churn_days)
    version, now = model_version(), _now()
    out = []
    for row in rows:
        row = {**row, "curves": json.dumps(row.get("curves", {})), "importance": json.dumps(row.get("importance", {})),
               "model_version": version, "evaluated_at": now}
        out.append({name: row.get(name) for name in BACKTEST_COLUMNS})
    return pa.Table.from_pylist(out, schema=pa.schema(BACKTEST_COLUMNS))


def scores(history: History, as_of: datetime | None, churn_days: int) -> pd.DataFrame:
    """One row per customer: the three scores, the next category, version, time."""
    with threadpool_limits(SKLEARN_THREADS):
        return _scores(history, as_of, churn_days)


def _scores(history: History, as_of: datetime | None, churn_days: int) -> pd.DataFrame:
    predictor = Predictor(history, as_of, churn_days)
    customers = history.con.sql("select customer_id from customers order by 1").df()
    if predictor.as_of is None:
        frame = customers.assign(**{task.name: float("nan") for task in TASKS},
                                 next_best_category=None, next_best_category_score=float("nan"))
    else:
        frame = customers.set_index("customer_id")
        for task in TASKS:
            frame = frame.join(predictor.score(task))
        nbc = categories.next_best_categories(history, predictor.as_of, everyone=True).set_index("customer_id")
        frame = frame.join(nbc[["next_best_category", "next_best_category_score"]]).reset_index()
    frame.insert(1, "as_of", predictor.as_of)
    frame["model_version"] = model_version()
    frame["scored_at"] = _now()
    return frame
