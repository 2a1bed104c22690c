"""How good a score is: ranking (AUC, average precision, lift), calibration and error.

Curves are kept small (about 50 points) so they fit in a JSON column and an inline SVG.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import average_precision_score, precision_recall_curve, roc_auc_score, roc_curve

CALIBRATION_BINS = 10


def expected_calibration_error(y: np.ndarray, p: np.ndarray, bins: int = CALIBRATION_BINS) -> float:
    """Mean |observed rate - predicted probability| over equal-width bins, weighted by size."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    error = 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            error += mask.mean() * abs(y[mask].mean() - p[mask].mean())
    return float(error)


def calibration_curve(y: np.ndarray, p: np.ndarray, bins: int = CALIBRATION_BINS) -> list[dict]:
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    return [{"predicted": float(p[which == b].mean()), "observed": float(y[which == b].mean()),
             "count": int((which == b).sum())} for b in range(bins) if (which == b).any()]


def decile_lift(y: np.ndarray, score: np.ndarray) -> list[float]:
    """The mean outcome of each score decile (highest first) over the overall mean."""
    order = np.argsort(-score, kind="stable")
    overall = y.mean()
    if overall == 0:
        return [0.0] * 10
    return [float(part.mean() / overall) if len(part) else 0.0 for part in np.array_split(y[order], 10)]


def _thin(xs: np.ndarray, ys: np.ndarray, points: int = 50) -> list[list[float]]:
    keep = np.unique(np.linspace(0, len(xs) - 1, min(points, len(xs))).round().astype(int))
    return [[round(float(xs[i]), 4), round(float(ys[i]), 4)] for i in keep]


def classification(y: np.ndarray, p: np.ndarray) -> dict:
    """Figures and curves of probabilities ``p`` for binary outcomes ``y``."""
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    both = 0 < y.sum() < len(y)
    lift = decile_lift(y, p)
    figures = {
        "auc": float(roc_auc_score(y, p)) if both else None,
        "average_precision": float(average_precision_score(y, p)) if both else None,
        "ece": expected_calibration_error(y, p),
        "top_decile_lift": lift[0],
        "base_rate": float(y.mean()),
        "mean_prediction": float(p.mean()),
    }
    curves: dict = {"lift_by_decile": lift, "calibration": calibration_curve(y, p)}
    if both:
        fpr, tpr, _ = roc_curve(y, p)
        precision, recall, _ = precision_recall_curve(y, p)
        curves["roc"] = _thin(fpr, tpr)
        curves["pr"] = _thin(recall[::-1], precision[::-1])
    return {"figures": figures, "curves": curves}


def regression(y: np.ndarray, predicted: np.ndarray) -> dict:
    """Error of predicted amounts, and how much of the actual total the top decile holds."""
    y = np.asarray(y, dtype=float)
    predicted = np.asarray(predicted, dtype=float)
    lift = decile_lift(y, predicted)
    figures = {
        "mae": float(np.abs(y - predicted).mean()),
        "rmse": float(np.sqrt(((y - predicted) ** 2).mean())),
        "top_decile_lift": lift[0],
        "base_rate": float(y.mean()),
        "mean_prediction": float(predicted.mean()),
    }
    return {"figures": figures, "curves": {"lift_by_decile": lift}}
