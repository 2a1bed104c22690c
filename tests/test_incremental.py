"""Incremental scoring: only new and changed records are scored, and the result is the
one a full re-score gives."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from matching.incremental import score_all, score_new
from matching.predict import cluster_scored_pairs
from tests.test_matching import PEOPLE, _records

NEWCOMER = "loyalty:members:1"


def _pairs(table: pa.Table) -> dict[tuple[str, str], float]:
    return {(row["record_key_l"], row["record_key_r"]): row["match_probability"] for row in table.to_pylist()}


@pytest.fixture(scope="module")
def everyone() -> pa.Table:
    return _records(PEOPLE)


@pytest.fixture(scope="module")
def before(everyone):
    """Scores of the file before the newcomer's record arrived."""
    return score_all(everyone.filter(pc.not_equal(everyone["record_key"], NEWCOMER)))


def test_unchanged_records_are_not_scored_again(everyone):
    first = score_all(everyone)
    again = score_new(everyone, first.hashes)
    assert again.pairs.num_rows == 0 and again.hashes.num_rows == 0 and again.stale_keys == []


def test_a_new_record_is_scored_against_the_existing_ones_as_a_full_rescore_would(everyone, before):
    update = score_new(everyone, before.hashes)
    assert update.hashes.column("record_key").to_pylist() == [NEWCOMER]
    new_pairs = _pairs(update.pairs)
    assert new_pairs and all(NEWCOMER in pair for pair in new_pairs)
    full = {pair: p for pair, p in _pairs(score_all(everyone).pairs).items() if NEWCOMER in pair}
    assert new_pairs.keys() == full.keys()
    for pair, probability in full.items():
        assert new_pairs[pair] == pytest.approx(probability, abs=1e-9)


def test_incremental_clusters_equal_a_full_rematch(everyone, before):
    update = score_new(everyone, before.hashes)
    incremental = cluster_scored_pairs(everyone, pa.concat_tables([before.pairs, update.pairs]), threshold=0.9)
    full = cluster_scored_pairs(everyone, score_all(everyone).pairs, threshold=0.9)
    assert incremental.select(["record_key", "cluster_id"]).to_pylist() == \
        full.select(["record_key", "cluster_id"]).to_pylist()
    fadeev = {row["cluster_id"] for row in incremental.to_pylist() if row["record_key"].endswith(":1")}
    assert len(fadeev) == 1  # the newcomer joined Evgeny Fadeev's customer


def test_a_changed_record_is_stale_and_scored_again(everyone):
    first = score_all(everyone)
    moved = [dict(p, phone_key="+79990000000") if p["record_key"] == "crm:contacts:3" else p for p in PEOPLE]
    update = score_new(_records(moved), first.hashes)
    assert update.stale_keys == ["crm:contacts:3"]
    assert update.hashes.column("record_key").to_pylist() == ["crm:contacts:3"]


def test_a_vanished_record_is_stale(everyone):
    first = score_all(everyone)
    update = score_new(everyone.filter(pc.not_equal(everyone["record_key"], "crm:contacts:2")), first.hashes)
    assert update.stale_keys == ["crm:contacts:2"] and update.hashes.num_rows == 0


def test_chunked_prediction_finds_the_same_pairs(everyone, monkeypatch):
    """A large file is scored in slices (matching.predict.RECORDS_PER_CHUNK); slicing must
    not lose or change a pair."""
    from matching import predict

    whole = _pairs(score_all(everyone).pairs)
    monkeypatch.setattr(predict, "RECORDS_PER_CHUNK", 2)  # five records: three slices
    assert predict.predict_chunks(everyone.num_rows) == 3
    sliced = _pairs(score_all(everyone).pairs)
    assert whole and sliced.keys() == whole.keys()
    for pair, probability in whole.items():
        assert sliced[pair] == pytest.approx(probability, abs=1e-9)
