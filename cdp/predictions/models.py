"""The propensity and value models, their naive baselines, the back-test and the scoring.

A task is learnt at cut-off ``c`` from the features as of ``c`` and what happened in the
``horizon`` days after it. The back-test learns at ``T - 2h``, then predicts at ``T - h`` and
is judged on ``(T - h, T]``, a window the model never saw (T: the latest purchase, or var
rfm_as_of). The scores published are learnt at ``T - h`` and predict from ``T``.

Baselines are what an analyst would do without a model: for the probabilities a logistic
curve over recency alone (the R of RFM; customers who never bought rank last), for the value
last year's revenue as next year's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LogisticRegression

from . import metrics
from .history import FEATURES, History

MODEL_PARAMETERS = {"max_iter": 200, "learning_rate": 0.05, "max_leaf_nodes": 15, "min_samples_leaf": 20,
                    "l2_regularization": 1.0, "random_state": 0}
NEVER_BOUGHT_DAYS = 3650.0  # the recency a baseline gives a customer who never bought
IMPORTANCE_ROWS = 3000
# a task learns from at most this many customers (a fixed random sample): at a million
# identity records the fits on every customer took most of the layer's minute, and a
# sample this large scores the same to the third decimal
MAX_TRAIN_ROWS = 100_000
MIN_CLASS_FOR_EARLY_STOPPING = 20


@dataclass(frozen=True)
class Task:
    """One score: who it is for, what it predicts and over how many days."""

    name: str
    kind: str  # classification | regression
    horizon: Callable[[int], int]  # churn_days -> days
    population: Callable[[pd.DataFrame], pd.Series]  # features -> rows the task scores
    label: Callable[[pd.DataFrame], np.ndarray]  # labels -> outcome
    description: str


TASKS = [
    Task("churn_probability", "classification", lambda churn_days: churn_days,
         lambda f: f["frequency"] > 0, lambda lab: (lab["purchases_churn_window"] == 0).to_numpy(float),
         "no purchase in the next churn_days days, for a customer who has bought"),
    Task("purchase_probability_30d", "classification", lambda churn_days: 30,
         lambda f: f["frequency"] >= 0, lambda lab: (lab["purchases_30d"] > 0).to_numpy(float),
         "at least one purchase in the next 30 days"),
    Task("predicted_ltv_12m", "regression", lambda churn_days: 365,
         lambda f: f["frequency"] >= 0, lambda lab: lab["revenue_365d"].to_numpy(float),
         "net revenue in the next 12 months, base currency"),
]


def model_version() -> str:
    """Changes whenever the features, the parameters or the library do."""
    import sklearn

    spec = json.dumps({"features": FEATURES, "parameters": MODEL_PARAMETERS, "classifier_early_stopping": True,
                       "max_train_rows": MAX_TRAIN_ROWS, "sklearn": sklearn.__version__}, sort_keys=True)
    return "hgb-" + hashlib.sha256(spec.encode()).hexdigest()[:12]


def _recency(features: pd.DataFrame) -> np.ndarray:
    return np.log1p(features["recency_days"].fillna(NEVER_BOUGHT_DAYS).clip(lower=0).to_numpy(float))[:, None]


def _sample(features: pd.DataFrame, y: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    if len(features) <= MAX_TRAIN_ROWS:
        return features, y
    keep = np.sort(np.random.default_rng(0).choice(len(features), MAX_TRAIN_ROWS, replace=False))
    return features.iloc[keep].reset_index(drop=True), y[keep]


class Fitted:
    """A task's model and its baseline, learnt at one cut-off."""

    def __init__(self, task: Task, features: pd.DataFrame, y: np.ndarray):
        self.task = task
        x = features[FEATURES].to_numpy(float)
        self.constant = None
        if task.kind == "classification":
            if y.min() == y.max():  # one class only: nothing to learn, predict it
                self.constant = float(y[0])
                return
            # early stopping on a held-out tenth at any size (scikit-learn's default only above
            # 10,000 rows): on the 3,000-person sample it cut the churn ECE from 0.089 to 0.063;
            # for the value model it raised the MAE, so that one runs its full iterations
            # (it needs both classes in the held-out tenth: not on a handful of rows)
            stop_early = min(y.sum(), len(y) - y.sum()) >= MIN_CLASS_FOR_EARLY_STOPPING
            self.model = HistGradientBoostingClassifier(early_stopping=stop_early, **MODEL_PARAMETERS).fit(x, y)
            self.baseline = LogisticRegression().fit(_recency(features), y)
        else:
            self.model = HistGradientBoostingRegressor(loss="poisson", **MODEL_PARAMETERS).fit(x, y)

    def predict(self, features: pd.DataFrame) -> np.ndarray:
        if self.constant is not None:
            return np.full(len(features), self.constant)
        x = features[FEATURES].to_numpy(float)
        if self.task.kind == "classification":
            return self.model.predict_proba(x)[:, 1]
        return self.model.predict(x)

    def predict_baseline(self, features: pd.DataFrame) -> np.ndarray:
        if self.task.kind == "regression":
            return features["monetary_365d"].to_numpy(float)
        if self.constant is not None:
            return np.full(len(features), self.constant)
        return self.baseline.predict_proba(_recency(features))[:, 1]

    def importance(self, features: pd.DataFrame, y: np.ndarray) -> dict[str, float]:
        """Permutation importance on (a sample of) held-out rows: how much the score's quality
        drops when a feature is shuffled."""
        if self.constant is not None or len(features) < 10:
            return {}
        sample = features.sample(min(len(features), IMPORTANCE_ROWS), random_state=0)
        ys = y[features.index.get_indexer(sample.index)]
        if self.task.kind == "classification" and ys.min() == ys.max():
            return {}
        scoring = "roc_auc" if self.task.kind == "classification" else "neg_mean_absolute_error"
        result = permutation_importance(self.model, sample[FEATURES].to_numpy(float), ys, scoring=scoring,
                                        n_repeats=3, random_state=0)
        return {name: round(float(v), 5) for name, v in zip(FEATURES, result.importances_mean, strict=True)}


class Predictor:
    """Features and labels per cut-off, computed once however many tasks use them."""

    def __init__(self, history: History, as_of: datetime | None, churn_days: int):
        self.history = history
        self.as_of = as_of or history.latest_purchase()
        self.churn_days = churn_days
        self._features: dict[tuple[datetime, bool], pd.DataFrame] = {}
        self._labels: dict[datetime, pd.DataFrame] = {}

    def features(self, cutoff: datetime, everyone: bool = False) -> pd.DataFrame:
        if (cutoff, everyone) not in self._features:
            self._features[(cutoff, everyone)] = self.history.features(cutoff, everyone)
        return self._features[(cutoff, everyone)]

    def training_set(self, task: Task, cutoff: datetime) -> tuple[pd.DataFrame, np.ndarray]:
        if cutoff not in self._labels:
            self._labels[cutoff] = self.history.labels(cutoff, self.churn_days)
        features = self.features(cutoff)
        mask = task.population(features).to_numpy()
        return features[mask].reset_index(drop=True), task.label(self._labels[cutoff][mask])

    def too_short(self, task: Task) -> str | None:
        """Why the history cannot back-test ``task`` (None when it can)."""
        first = self.history.first_purchase()
        h = timedelta(days=task.horizon(self.churn_days))
        if first is None or self.as_of is None:
            return "no purchases"
        if self.as_of - 2 * h <= first:
            return f"history of {(self.as_of - first).days} days is shorter than two horizons of {h.days}"
        return None

    def backtest(self, task: Task) -> list[dict]:
        """Rows of prediction_backtests for ``task``: the model and the baseline, same split."""
        h = timedelta(days=task.horizon(self.churn_days))
        train_at, test_at = self.as_of - 2 * h, self.as_of - h
        base = {"task": task.name, "horizon_days": h.days, "trained_at_cutoff": train_at,
                "tested_at_cutoff": test_at, "as_of": self.as_of}
        reason = self.too_short(task)
        if reason:
            return [{**base, "method": "model", "skipped_reason": reason}]
        x_train, y_train = _sample(*self.training_set(task, train_at))
        x_test, y_test = self.training_set(task, test_at)
        if len(x_train) == 0 or len(x_test) == 0:
            return [{**base, "method": "model", "skipped_reason": "no customers in the population"}]
        fitted = Fitted(task, x_train, y_train)
        judge = metrics.classification if task.kind == "classification" else metrics.regression
        rows = []
        for method, predicted in [("model", fitted.predict(x_test)), ("baseline", fitted.predict_baseline(x_test))]:
            judged = judge(y_test, predicted)
            rows.append({**base, "method": method, "train_rows": len(x_train), "test_rows": len(x_test),
                         **judged["figures"], "curves": judged["curves"],
                         "importance": fitted.importance(x_test, y_test) if method == "model" else {}})
        return rows

    def score(self, task: Task) -> pd.Series:
        """The published score of every customer known at as_of (NaN outside the population)."""
        h = timedelta(days=task.horizon(self.churn_days))
        features = self.features(self.as_of, everyone=True)
        out = pd.Series(np.nan, index=features["customer_id"], name=task.name)
        x_train, y_train = _sample(*self.training_set(task, self.as_of - h))
        mask = task.population(features).to_numpy()
        if len(x_train) == 0 or not mask.any():
            return out
        out[mask] = Fitted(task, x_train, y_train).predict(features[mask])
        return out
