"""The prediction models on hand-made histories where the answer is known (cdp.predictions)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pyarrow as pa
import pytest

from cdp.predictions import pipeline
from cdp.predictions.history import History

T = datetime(2026, 6, 30, 12)
DAYS = 3 * 365


def _history(groups: dict[str, tuple[int, int, int, str]], days: int = DAYS) -> History:
    """groups: prefix -> (customers, gap days, days before T of the last purchase, category).
    Every customer buys 10.0 every ``gap`` days from ``days`` before T until their last purchase."""
    purchases, customers, lines = [], [], []
    for prefix, (count, gap, stop, category) in groups.items():
        for i in range(count):
            cid = f"{prefix}{i:03d}"
            customers.append({"customer_id": cid, "first_seen_at": T - timedelta(days=days + 1)})
            for k, back in enumerate(range(days - i % gap, stop - 1, -gap)):
                key = f"pos:{cid}-{k}"
                purchases.append({"customer_id": cid, "purchase_key": key,
                                  "purchased_at": T - timedelta(days=back), "amount_base": 10.0})
                # the first purchase is in Clothing, the later ones in the group's category
                lines.append({"purchase_key": key, "category": "Clothing" if k == 0 else category})
    return History(pa.Table.from_pylist(purchases), pa.Table.from_pylist(customers), pa.Table.from_pylist(lines))


@pytest.fixture(scope="module")
def regulars_and_lapsed():
    # weekly buyers to the end; weekly buyers who stopped 400 days ago; Clothing buyers who move
    # on to Footwear (the regulars) or to Beauty (the lapsed, long before the test window)
    history = _history({"a": (120, 7, 0, "Footwear"), "b": (120, 7, 400, "Beauty")})
    yield history
    history.close()


def _rows(table: pa.Table) -> dict[tuple[str, str], dict]:
    return {(r["task"], r["method"]): r for r in table.to_pylist()}


def test_backtest_separates_regulars_from_the_lapsed(regulars_and_lapsed):
    rows = _rows(pipeline.backtests(regulars_and_lapsed, T, 90))
    churn = rows[("churn_probability", "model")]
    assert churn["trained_at_cutoff"] == T - timedelta(days=180) and churn["tested_at_cutoff"] == T - timedelta(days=90)
    assert churn["test_rows"] == 240 and churn["base_rate"] == pytest.approx(0.5)
    assert churn["auc"] == pytest.approx(1.0) and rows[("churn_probability", "baseline")]["auc"] == pytest.approx(1.0)
    assert churn["top_decile_lift"] == pytest.approx(2.0)  # the top tenth all churn; half of everyone does
    assert churn["ece"] < 0.05
    buy = rows[("purchase_probability_30d", "model")]
    assert buy["auc"] == pytest.approx(1.0) and buy["base_rate"] == pytest.approx(0.5)
    assert {"roc", "pr", "calibration", "lift_by_decile"} <= set(json.loads(buy["curves"]))
    assert set(json.loads(buy["importance"])) >= {"recency_days", "frequency"}
    value = rows[("predicted_ltv_12m", "model")]
    # the regulars spend 52 x 10 a year, the lapsed nothing: the mean is about 260. The value
    # model learnt at T - 730 from a year in which nobody had lapsed yet, so the back-test cannot
    # know the lapsed will spend nothing, and says so with a large error
    assert value["trained_at_cutoff"] == T - timedelta(days=730)
    assert value["base_rate"] == pytest.approx(260.7, abs=1) and value["mae"] > 200


def test_scores_follow_the_known_answer(regulars_and_lapsed):
    frame = pipeline.scores(regulars_and_lapsed, T, 90).set_index("customer_id")
    assert len(frame) == 240 and (frame["as_of"] == T).all()
    regulars, lapsed = frame.loc[frame.index.str.startswith("a")], frame.loc[frame.index.str.startswith("b")]
    assert regulars["churn_probability"].max() < 0.1 < 0.9 < lapsed["churn_probability"].min()
    assert regulars["purchase_probability_30d"].min() > 0.9 > 0.1 > lapsed["purchase_probability_30d"].max()
    assert regulars["predicted_ltv_12m"].mean() == pytest.approx(520, rel=0.15)
    assert lapsed["predicted_ltv_12m"].max() < 30
    assert frame["model_version"].nunique() == 1


def test_next_category_follows_what_similar_customers_bought():
    # a bought Clothing then Footwear; c bought only Clothing so far (all stop 100 days ago):
    # c's next category is Footwear, which the popularity rule also picks, but never Clothing
    history = _history({"a": (30, 7, 100, "Footwear"), "b": (10, 7, 100, "Beauty"), "c": (10, 1000, 100, "Toys")})
    try:
        frame = pipeline.scores(history, T, 90).set_index("customer_id")
    finally:
        history.close()
    only_clothing = frame.loc[[cid for cid in frame.index if cid.startswith("c")]]
    assert (only_clothing["next_best_category"] == "Footwear").all()
    assert only_clothing["next_best_category_score"].iloc[0] == pytest.approx(30 / 50)
    assert (frame.loc[frame.index.str.startswith("a"), "next_best_category"] == "Beauty").all()


def test_a_history_shorter_than_two_horizons_is_not_backtested():
    history = _history({"a": (30, 7, 0, "Footwear"), "b": (30, 7, 200, "Beauty")}, days=500)
    try:
        rows = _rows(pipeline.backtests(history, T, 90))
    finally:
        history.close()
    assert rows[("churn_probability", "model")]["auc"] == pytest.approx(1.0)
    ltv = rows[("predicted_ltv_12m", "model")]
    assert "shorter than two horizons of 365" in ltv["skipped_reason"] and ltv["mae"] is None
    assert ("predicted_ltv_12m", "baseline") not in rows
