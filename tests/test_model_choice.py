"""When a run estimates the warehouse's own model, and that the same records give the same
model (matching.model_choice)."""

from __future__ import annotations

import json
from datetime import datetime

import pyarrow as pa
import pytest

from matching import link_records
from matching.model_choice import (
    MIN_RECORDS_TO_ESTIMATE,
    choose,
    committed_model,
    latest_choice,
    model_hash,
    model_of,
)
from tests.test_matching import _records
from tests.test_training import _population, _precision, _recall

CHOSEN_AT = datetime(2026, 12, 7, 9, 0)


@pytest.fixture(scope="module")
def names_file():
    rows, person_of = _population("names", people=520, seed=3)
    assert len(rows) >= MIN_RECORDS_TO_ESTIMATE
    return rows, person_of


@pytest.fixture(scope="module")
def first_choice(names_file):
    return choose(_records(names_file[0]), latest=None)


def _as_latest(choice) -> dict:
    return latest_choice(choice.as_row(CHOSEN_AT))


def test_a_warehouse_without_a_model_gets_one_estimated_on_its_records_and_it_links(names_file, first_choice):
    rows, person_of = names_file
    assert first_choice.source == "estimated"
    assert first_choice.reason == "this warehouse had no model of its own"
    assert first_choice.estimated_on_records == len(rows)
    assert first_choice.trainable_rules == "birth_date|postcode_key|prior:full_name_key+birth_date"
    assert [rule["columns"] for rule in first_choice.training_plan["em_rules"]] == [["birth_date"], ["postcode_key"]]
    assert first_choice.model_hash != model_hash(committed_model())
    linked = link_records(_records(rows), 0.9, model=first_choice.model)
    assert _recall(linked, person_of) > 0.8 and _precision(linked, person_of) > 0.9


def test_the_same_records_in_another_order_give_the_same_model(names_file, first_choice):
    again = choose(_records(list(reversed(names_file[0]))), latest=None)
    assert again.model_hash == first_choice.model_hash
    assert again.model == first_choice.model


def test_a_run_on_unchanged_or_slightly_grown_records_keeps_the_model(names_file, first_choice):
    rows = names_file[0]
    latest = _as_latest(first_choice)
    assert choose(_records(rows), latest) is None
    grown = rows + [{**row, "record_key": row["record_key"] + "-again"} for row in rows[:len(rows) // 10]]
    assert choose(_records(grown), latest) is None  # +10%: below the 20% that counts as material


def test_records_grown_by_a_fifth_or_new_trainable_columns_re_estimate(names_file, first_choice):
    rows = names_file[0]
    latest = _as_latest(first_choice)
    grown = rows + [{**row, "record_key": row["record_key"] + "-again"} for row in rows[:len(rows) // 4]]
    choice = choose(_records(grown), latest)
    assert choice.source == "estimated" and "changed by 20% or more" in choice.reason
    assert f"{len(rows):,} -> {len(grown):,}" in choice.reason
    with_contacts = [{**row, "email_key": f"p{i // 2}@example.org"} for i, row in enumerate(rows)]
    choice = choose(_records(with_contacts), latest)
    assert choice.source == "estimated" and "rules the records can train under changed" in choice.reason
    assert "email_key" in choice.trainable_rules


def test_a_new_committed_model_or_a_request_re_estimates(names_file, first_choice):
    records = _records(names_file[0])
    older_release = {**_as_latest(first_choice), "committed_model_hash": "0123456789abcdef"}
    assert choose(records, older_release).reason == "the committed model changed"
    requested = choose(records, _as_latest(first_choice), reestimate=True)
    assert requested.reason == "re-estimate requested"
    assert requested.model_hash == first_choice.model_hash  # the same records still give the same model


def test_a_file_too_small_to_learn_from_is_scored_by_the_committed_model():
    rows, _ = _population("names", people=100)
    choice = choose(_records(rows), latest=None)
    assert choice.source == "committed" and choice.model == committed_model()
    assert f"fewer than {MIN_RECORDS_TO_ESTIMATE:,}" in choice.reason and choice.estimated_on_records is None


def test_a_pinned_model_scores_until_the_pin_goes(tmp_path, names_file, first_choice):
    records = _records(names_file[0])
    pinned = choose(records, _as_latest(first_choice), pin="committed")
    assert pinned.source == "pinned" and pinned.model == committed_model()
    assert choose(records, _as_latest(pinned), pin="committed") is None
    model_file = tmp_path / "mine.json"
    model_file.write_text(json.dumps(first_choice.model), encoding="utf-8")
    assert choose(records, _as_latest(pinned), pin=str(model_file)).model == first_choice.model
    unpinned = choose(records, _as_latest(pinned))
    assert unpinned.source == "estimated" and "pin" in unpinned.reason
    with pytest.raises(FileNotFoundError, match="cdp_match_model names"):
        choose(records, None, pin=str(tmp_path / "missing.json"))


def test_the_latest_row_of_the_registry_is_the_model_that_scores(first_choice):
    older = first_choice.as_row(datetime(2026, 1, 1))
    committed = choose(_records(_population("names", people=100)[0]), latest=None)
    registry = pa.concat_tables([older, committed.as_row(CHOSEN_AT)])
    assert model_of(registry) == committed_model()
    assert model_of(None) == committed_model()
    assert model_of(older) == first_choice.model
