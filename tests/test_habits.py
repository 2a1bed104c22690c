"""Tests of the shopping habits (cdp.generate.habits): purchase times follow a personal rhythm,
and only purchase times depend on them."""

from __future__ import annotations

import statistics
from datetime import datetime

from cdp.generate import generate
from cdp.generate import habits as H
from cdp.generate.habits import DAY, Habit

START, END_SEC = datetime(2023, 11, 2), 3 * 365 * DAY


def test_times_are_ascending_within_the_period_and_reproducible():
    habit = Habit(42, "P00000001", START, END_SEC)
    times = habit.times(5, 100 * DAY)
    assert times == sorted(times) and len(times) == 5
    assert all(100 * DAY <= t < END_SEC for t in times)
    assert Habit(42, "P00000001", START, END_SEC).times(5, 100 * DAY) == times
    assert Habit(43, "P00000001", START, END_SEC).times(5, 100 * DAY) != times


def test_a_long_lived_habit_keeps_its_usual_gap(monkeypatch):
    monkeypatch.setattr(H, "SEASON_FACTOR", 1.0)
    habit = Habit(7, "P00000002", START, END_SEC)
    habit.lifetime_days, habit.gap_days = 10_000.0, 30.0
    times = habit.times(20, 0)
    gaps = [(b - a) / DAY for a, b in zip(times, times[1:], strict=False)]
    # gamma gaps of shape 4: mean 30 days, spread about half of it (memoryless would be all of it)
    assert 22 < statistics.mean(gaps) < 38
    assert statistics.stdev(gaps) / statistics.mean(gaps) < 0.8
    # the last purchases are the latest ones of the habit: a live habit ends near the period's end
    assert (END_SEC - times[-1]) / DAY < 4 * 30


def test_a_lapsed_habit_stops_buying():
    habit = Habit(7, "P00000003", START, END_SEC)
    habit.lifetime_days, habit.gap_days = 200.0, 20.0
    assert max(habit.times(6, 0)) <= 201 * DAY


def test_habits_move_only_purchase_times(tmp_path, monkeypatch):
    """Identity data (and so every match-quality figure) does not depend on the habit model."""
    generate(tmp_path / "a" / "landing", tmp_path / "a" / "truth.csv", people=150, seed=5)
    monkeypatch.setattr(Habit, "times", lambda self, n, lo: [int(lo)] * n)
    generate(tmp_path / "b" / "landing", tmp_path / "b" / "truth.csv", people=150, seed=5)
    moved = {"pos/receipts", "webshop/orders", "loyalty/point_transactions", "web/events"}
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert len(files) > 15
    for path in files:
        same = (tmp_path / "a" / path).read_bytes() == (tmp_path / "b" / path).read_bytes()
        entity = "/".join(path.parts[1:3])
        assert same != (entity in moved), path


def test_the_lapse_is_shared_by_every_channel():
    """The lapse is measured from when the person appears, not from a channel's first moment."""
    habit = Habit(7, "P00000004", START, END_SEC, since=50 * DAY)
    habit.lifetime_days, habit.gap_days = 300.0, 20.0
    assert max(habit.times(4, 60 * DAY) + habit.times(4, 200 * DAY)) <= 351 * DAY


def test_a_taste_tilts_the_categories_but_not_the_identity_data(tmp_path, monkeypatch):
    from cdp.generate import catalog

    generate(tmp_path / "a" / "landing", tmp_path / "a" / "truth.csv", people=150, seed=5)
    monkeypatch.setattr(catalog, "taste", lambda favourite, related: (catalog._CUM, catalog._TOTAL))
    generate(tmp_path / "b" / "landing", tmp_path / "b" / "truth.csv", people=150, seed=5)
    moved = {"pos/receipts", "pos/receipt_lines", "webshop/orders", "webshop/order_lines",
             "loyalty/point_transactions", "web/events"}  # web events view the products bought
    for path in sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file()):
        same = (tmp_path / "a" / path).read_bytes() == (tmp_path / "b" / path).read_bytes()
        assert same != ("/".join(path.parts[1:3]) in moved), path


def test_a_favourite_category_is_bought_most():
    import random

    from cdp.generate import catalog

    rng = random.Random(1)
    weights = catalog.taste("Toys", "Clothing")
    picked = [catalog.pick(rng, weights)[2] for _ in range(4000)]
    counts = {c: picked.count(c) for c in catalog.CATEGORY_NAMES}
    assert max(counts, key=counts.get) == "Toys"
    assert counts["Clothing"] > 2 * counts["Sports"]
