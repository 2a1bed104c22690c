"""The scoring shortcuts must not change what Splink would have computed."""

from __future__ import annotations

import logging

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker

from matching.predict import MODEL_PATH
from matching.prepare import load_records
from matching.settings import INPUT_COLUMNS
from matching.splink_speedups import original_exact_match_colnames, original_is_exact_match


def _empty_records() -> pa.Table:
    return pa.table({c: pa.array([], pa.date32() if c == "birth_date" else pa.string()) for c in INPUT_COLUMNS})


def test_cached_exact_match_detection_agrees_with_splink_on_every_level_of_the_model():
    con = duckdb.connect()
    linker = Linker(DuckDBAPI(connection=con).register(_empty_records()), str(MODEL_PATH), validate_settings=False)
    levels = [level for comparison in linker._settings_obj.comparisons  # noqa: SLF001
              for level in comparison.comparison_levels]
    answers = [(level._is_exact_match, original_is_exact_match(level)) for level in levels]  # noqa: SLF001
    assert all(cached == original for cached, original in answers)
    # the model has both kinds, so the comparison above means something
    assert {cached for cached, _ in answers} == {True, False}
    # asked twice (the second answer from the cache), still Splink's answer
    assert [level._is_exact_match for level in levels] == [original for _, original in answers]  # noqa: SLF001
    exact = [level for level, (_, original) in zip(levels, answers, strict=True) if original]
    assert [level._exact_match_colnames for level in exact] == [  # noqa: SLF001
        original_exact_match_colnames(level) for level in exact]


def test_the_committed_model_validates_cleanly_against_the_scoring_input(caplog):
    """Scoring skips Splink's settings validation (it only logs); this is where it runs, on
    the records as scoring loads them (with the blocking keys matching.prepare derives)."""
    con = duckdb.connect()
    load_records(con, _empty_records())
    with caplog.at_level(logging.WARNING, logger="splink"):
        Linker(DuckDBAPI(connection=con).register("identity_records"), str(MODEL_PATH), validate_settings=True,
               log_level=logging.WARNING)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_validation_would_catch_a_column_the_scoring_input_lacks(caplog):
    """The test above can fail: without a column the model uses, Splink warns."""
    con = duckdb.connect()
    load_records(con, _empty_records())
    con.execute("alter table identity_records drop column postcode_key")
    with caplog.at_level(logging.WARNING, logger="splink"):
        Linker(DuckDBAPI(connection=con).register("identity_records"), str(MODEL_PATH), validate_settings=True,
               log_level=logging.WARNING)
    assert any("postcode_key" in r.getMessage() for r in caplog.records)
