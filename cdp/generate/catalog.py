"""A small product catalogue (8 categories x several brands) shared by the webshop and the stores."""

from __future__ import annotations

import bisect
import random

# category: (sku prefix, base price range in EUR, product types, brands)
CATEGORIES: tuple[tuple[str, str, tuple[float, float], tuple[str, ...], tuple[str, ...]], ...] = (
    ("Electronics", "EL", (15.0, 900.0), ("Smartphone", "Headphones", "Power bank", "Tablet", "Smart watch"),
     ("Samsung", "Xiaomi", "Apple", "Sony", "Philips")),
    ("Home Appliances", "HA", (20.0, 600.0), ("Kettle", "Vacuum cleaner", "Blender", "Iron", "Microwave"),
     ("Bosch", "Philips", "Tefal", "Redmond", "Gorenje")),
    ("Clothing", "CL", (8.0, 120.0), ("T-shirt", "Jeans", "Jacket", "Dress", "Sweater"),
     ("Zara", "H&M", "Gloria Jeans", "LC Waikiki", "Ostin")),
    ("Footwear", "FW", (25.0, 180.0), ("Sneakers", "Boots", "Sandals", "Loafers"),
     ("Ecco", "Nike", "Adidas", "Ralf Ringer", "Puma")),
    ("Beauty", "BT", (3.0, 60.0), ("Shampoo", "Face cream", "Mascara", "Perfume", "Lipstick"),
     ("L'Oréal", "Nivea", "Garnier", "Maybelline", "Faberlic")),
    ("Sports", "SP", (10.0, 400.0), ("Yoga mat", "Football", "Bicycle helmet", "Dumbbells", "Tent"),
     ("Decathlon", "Demix", "Wilson", "Nike", "Adidas")),
    ("Toys", "TY", (5.0, 150.0), ("Building set", "Doll", "Board game", "Puzzle", "RC car"),
     ("LEGO", "Hasbro", "Mattel", "Polesie")),
    ("Grocery", "GR", (1.0, 25.0), ("Coffee beans", "Pasta", "Chocolate", "Yoghurt", "Olive oil"),
     ("Nestlé", "Danone", "Barilla", "Lavazza", "Alpro")),
)


def _build() -> tuple[tuple[str, str, str, str, float], ...]:
    rnd = random.Random(20240101)  # the catalogue is the same for every seed
    items = []
    for cat, code, (lo, hi), types, brands in CATEGORIES:
        for bi, brand in enumerate(brands):
            for ti, ptype in enumerate(types):
                if rnd.random() < 0.35:
                    continue
                model = f"{rnd.choice('ABCDEFGHKMPRSTXZ')}{rnd.randrange(10, 999)}"
                price = round(rnd.uniform(lo, hi) * (1 + bi * 0.1), 2)
                sku = f"{code}-{bi:02d}{ti:02d}-{rnd.randrange(1000, 9999)}"
                items.append((sku, f"{brand} {ptype} {model}", cat, brand, price))
    return tuple(items)


PRODUCTS = _build()
# cheap, everyday items are bought far more often
_WEIGHTS = [1.0 / (p[4] ** 0.5) for p in PRODUCTS]
_CUM: list[float] = []
_acc = 0.0
for _w in _WEIGHTS:
    _acc += _w
    _CUM.append(_acc)
_TOTAL = _acc


CATEGORY_NAMES = tuple(c[0] for c in CATEGORIES)
FAVOURITE_WEIGHT = 8.0  # how much more often a person picks from their favourite category
RELATED_WEIGHT = 4.0  # and from the one they pair with it


def _cumulative(weights: list[float]) -> tuple[list[float], float]:
    cum, acc = [], 0.0
    for w in weights:
        acc += w
        cum.append(acc)
    return cum, acc


_TASTES: dict[tuple[str, str | None], tuple[list[float], float]] = {}


def taste(favourite: str, related: str | None) -> tuple[list[float], float]:
    """The cumulative product weights of a person who prefers ``favourite`` (and ``related``)."""
    key = (favourite, related)
    if key not in _TASTES:
        _TASTES[key] = _cumulative([w * (FAVOURITE_WEIGHT if p[2] == favourite else
                                         RELATED_WEIGHT if p[2] == related else 1.0)
                                    for w, p in zip(_WEIGHTS, PRODUCTS, strict=True)])
    return _TASTES[key]


def pick(rng: random.Random, weights: tuple[list[float], float] | None = None) -> tuple[str, str, str, str, float]:
    """One product; ``weights`` (from ``taste``) tilt the choice, using the same single draw."""
    cum, total = weights or (_CUM, _TOTAL)
    return PRODUCTS[min(bisect.bisect_right(cum, rng.random() * total), len(PRODUCTS) - 1)]


def lines(rng: random.Random, factor: float, max_lines: int = 4,
          weights: tuple[list[float], float] | None = None):
    """Yield (sku, product_name, category, brand, quantity, unit_price, line_amount) and the total."""
    n = 1 + min(int(rng.expovariate(0.9)), max_lines - 1)
    out = []
    total = 0.0
    for _ in range(n):
        sku, pname, cat, brand, price = pick(rng, weights)
        qty = 1 if rng.random() < 0.8 else (2 + int(rng.random() * 3))
        unit = round(price * factor, 2)
        amount = round(unit * qty, 2)
        total += amount
        out.append((sku, pname, cat, brand, str(qty), f"{unit:.2f}", f"{amount:.2f}"))
    return out, f"{total:.2f}"
