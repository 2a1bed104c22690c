"""When a person buys: a shopping habit, so that purchase behaviour can be predicted.

Each person who buys has a habit drawn once, from a stream of their own (seeded by the
generator's seed and the person's id):

- a usual gap between purchases (log-normal around ``MEDIAN_GAP_DAYS``; some people shop
  every few weeks, some once a year), with gamma-distributed gaps of shape ``REGULARITY``, so
  a customer's own past gaps say when they will be back;
- a moment they stop buying, in every channel alike (exponential, mean
  ``MEAN_LIFETIME_DAYS`` after the person appears; many are still buying when the exports
  end), so a customer long overdue has often lapsed;
- the season: gaps shrink by ``SEASON_FACTOR`` in November and December;
- a taste: a favourite category and, most often, the one it pairs with in the seed
  category_affinities, from which the person's products are mostly picked (one draw per
  product, as without a taste), so the categories a customer bought say which one comes next.

A channel asks for the times of its ``n`` purchases (the count is drawn by the channel as
before) and gets the last ``n`` moments of the habit at or after its earliest possible one.
The habit's stream is separate from the generator's main one, and the channels still draw
from the main stream what they drew before: the identity records, and so every match-quality
figure, are the same as without habits; only purchase times (and what follows them, such as
the web session before an order) move.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta

from . import catalog

DAY = 86400
MEDIAN_GAP_DAYS = 45.0
GAP_SPREAD = 0.8  # sigma of the log-normal usual gap
REGULARITY = 4.0  # gamma shape of the gaps: 1 would be memoryless, higher is more regular
MEAN_LIFETIME_DAYS = 700.0
SEASON_FACTOR = 0.6
SEASON_MONTHS = (11, 12)
RELATED_SHARE = 0.7  # people whose taste pairs the favourite with its related category
# favourite -> related, as in seeds/category_affinities.csv (first row of each category)
RELATED = {"Clothing": "Footwear", "Footwear": "Clothing", "Sports": "Footwear", "Beauty": "Clothing",
           "Electronics": "Home Appliances", "Home Appliances": "Electronics", "Toys": "Clothing",
           "Grocery": "Home Appliances"}


class Habit:
    """One person's purchase rhythm over the covered period (seconds since its start)."""

    def __init__(self, seed: int, pid: str, start: datetime, end_sec: int, since: float = 0.0):
        self._rng = random.Random(f"habit:{seed}:{pid}")
        rng = self._rng
        self.gap_days = MEDIAN_GAP_DAYS * math.exp(rng.gauss(0.0, GAP_SPREAD))
        self.lifetime_days = rng.expovariate(1.0 / MEAN_LIFETIME_DAYS)
        self.favourite = catalog.CATEGORY_NAMES[int(rng.random() * len(catalog.CATEGORY_NAMES))]
        self.related = RELATED[self.favourite] if rng.random() < RELATED_SHARE else None
        self.weights = catalog.taste(self.favourite, self.related)
        self._start = start
        self._end_sec = end_sec
        self._since = max(float(since), 0.0)

    def _season(self, sec: float) -> float:
        month = (self._start + timedelta(seconds=sec)).month
        return SEASON_FACTOR if month in SEASON_MONTHS else 1.0

    def times(self, n: int, lo: float) -> list[int]:
        """Moments (seconds, daytime, ascending) of ``n`` purchases no earlier than ``lo``."""
        if n <= 0:
            return []
        rng = self._rng
        lo = max(float(lo), 0.0)
        stop = min(self._since + self.lifetime_days * DAY, self._end_sec - 1)
        moments: list[float] = []
        sec = lo + rng.random() * self.gap_days * DAY  # first purchase within a usual gap of the start
        while sec <= stop:
            moments.append(sec)
            gap = rng.gammavariate(REGULARITY, self.gap_days / REGULARITY) * self._season(sec)
            sec += max(gap, 0.5) * DAY
        if len(moments) < n:  # a short-lived habit: the remaining purchases fall in its active time
            moments += [lo + rng.random() * max(stop - lo, DAY) for _ in range(n - len(moments))]
        chosen = sorted(moments)[-n:]
        return [self._daytime(sec, lo) for sec in chosen]

    def _daytime(self, sec: float, lo: float) -> int:
        return int(min(max(daytime(sec, self._rng), lo), self._end_sec - 1))


def daytime(sec: float, rng: random.Random) -> int:
    """A moment on the day of ``sec``, between 07:00 and 23:00, most often in the afternoon."""
    return int(sec // DAY) * DAY + 25200 + int((rng.random() + rng.random()) * 28800)
