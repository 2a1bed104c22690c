"""Training on whatever the exports hold (matching.train, matching.training_plan)."""

from __future__ import annotations

import datetime as dt
import json
import random

import duckdb
import pytest

from matching import link_records
from matching.train import TrainingNotPossible, train
from matching.training_plan import MIN_TRAINING_PAIRS, count_pairs, plan_training
from tests.test_matching import _records

FIRST = ("anna", "boris", "clara", "dmitri", "elena", "felix", "galina", "hugo", "irina", "jonas", "kira", "lev")
LAST = ("albu", "brandt", "costa", "dobre", "engel", "fischer", "gheorghe", "horvat", "ionescu", "jovanovic",
        "kowalski", "lindqvist", "marin", "novak", "olsen", "popa")
STREETS = ("linden", "mill", "station", "church", "park", "river", "oak", "north")


def _typo(rng: random.Random, word: str) -> str:
    i = rng.randrange(1, len(word))
    return word[:i] + word[i + 1:] if rng.random() < 0.5 else word[:i - 1] + word[i] + word[i - 1] + word[i + 1:]


def _population(kind: str, people: int = 400, seed: int = 7) -> tuple[list[dict], dict[str, int]]:
    """Records of ``people`` people, two or three each, holding only names, birth dates and
    addresses (kind 'names') or only e-mails and phones (kind 'contacts'); with typos."""
    rng = random.Random(seed)
    rows, person_of = [], {}
    for p in range(people):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(25_000))
        street, postcode, city = f"{rng.choice(STREETS)} {rng.randrange(1, 90)}", f"{rng.randrange(10_000, 99_999)}", \
            rng.choice(("lyon", "graz", "cluj", "turku"))
        email, phone = f"{first[0]}{last}{p}@example.org", f"+4917{p:07d}"
        for copy in range(rng.choice((2, 2, 3))):
            key = f"crm:contacts:{p}-{copy}"
            person_of[key] = p
            if kind == "names":
                rows.append({"record_key": key,
                             "first_name_key": _typo(rng, first) if rng.random() < 0.15 else first,
                             "last_name_key": _typo(rng, last) if rng.random() < 0.15 else last,
                             "birth_date": born if rng.random() < 0.9 else None,
                             "street_key": street if rng.random() < 0.8 else None, "postcode_key": postcode,
                             "city_key": city})
            else:
                rows.append({"record_key": key, "email_key": email if rng.random() < 0.85 else None,
                             "phone_key": phone if rng.random() < 0.85 else None})
    return rows, person_of


def _recall(linked, person_of: dict[str, int]) -> float:
    cluster = {r["record_key"]: r["cluster_id"] for r in linked.to_pylist()}
    pairs = [(a, b) for a in person_of for b in person_of if a < b and person_of[a] == person_of[b]]
    return sum(cluster[a] == cluster[b] for a, b in pairs) / len(pairs)


def _precision(linked, person_of: dict[str, int]) -> float:
    cluster = {r["record_key"]: r["cluster_id"] for r in linked.to_pylist()}
    pairs = [(a, b) for a in person_of for b in person_of if a < b and cluster[a] == cluster[b]]
    return sum(person_of[a] == person_of[b] for a, b in pairs) / len(pairs) if pairs else 1.0


@pytest.mark.parametrize(("kind", "trained_under", "skipped"), [
    ("names", [("birth_date",), ("postcode_key",)], [("email_key",), ("phone_key",)]),
    ("contacts", [("email_key",), ("phone_key",)], [("birth_date",), ("postcode_key",)]),
])
def test_training_uses_the_rules_the_file_can_train_under_and_the_model_links(tmp_path, kind, trained_under,
                                                                              skipped):
    rows, person_of = _population(kind)
    records = _records(rows)
    model = tmp_path / "model.json"
    plan = train(records, model, reports_dir=None)
    assert [rule.columns for rule in plan.em_rules] == trained_under
    assert [rule.columns for rule in plan.em_skipped] == skipped
    assert all(rule.pairs < MIN_TRAINING_PAIRS for rule in plan.em_skipped)
    assert json.loads(model.read_text())["comparisons"]
    linked = link_records(records, 0.9, model=model)
    assert _recall(linked, person_of) > 0.8 and _precision(linked, person_of) > 0.9


def test_a_file_with_nothing_to_train_under_says_so_instead_of_crashing(tmp_path):
    rows = [{"record_key": f"crm:contacts:{i}", "first_name_key": "anna", "city_key": "lyon"} for i in range(30)]
    with pytest.raises(TrainingNotPossible, match="fewer than"):
        train(_records(rows), tmp_path / "model.json")
    assert not (tmp_path / "model.json").exists()


def test_pairs_are_counted_per_rule_and_nulls_agree_with_nothing():
    con = duckdb.connect()
    con.execute("""create table t as select * from (values ('a', 1), ('a', 1), ('a', 2), (null, 1), (null, 1))
                   as v(x, y)""")
    assert count_pairs(con, "t", ("x",)) == 3
    assert count_pairs(con, "t", ("x", "y")) == 1
    plan = plan_training(con, "t", [("x",)], [("x", "y"), ("y",)])
    assert plan.em_skipped[0].reason == f"fewer than {MIN_TRAINING_PAIRS:,} pairs" and not plan.em_rules
    assert [rule.columns for rule in plan.deterministic_rules] == [("x", "y"), ("y",)]
    assert plan.as_dict()["em_skipped"][0]["sql"] == 'l."x" = r."x"'
