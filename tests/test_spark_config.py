"""Fast checks of the Spark backend's configuration and model translation (no Spark session)."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from cdp.spark.session import spark_conf
from matching.predict import MODEL_PATH
from matching.spark_backend import spark_settings, to_spark_sql
from tests.conftest import PROJECT_ROOT


def _rendered_defaults(value: str) -> str:
    """A profiles.yml value with each env_var('NAME', 'default') replaced by its default."""
    return re.sub(r"\{\{\s*env_var\('[A-Z_]+',\s*'([^']*)'\)\s*\}\}", r"\1", value)


def test_profile_spark_target_repeats_the_session_settings(monkeypatch):
    for name in ("CDP_SPARK_MASTER", "CDP_SPARK_WAREHOUSE", "CDP_SPARK_METASTORE", "CDP_SPARK_DRIVER_MEMORY",
                 "CDP_SPARK_SHUFFLE_PARTITIONS"):
        monkeypatch.delenv(name, raising=False)
    profile = yaml.safe_load((PROJECT_ROOT / "profiles.yml").read_text())["cdp"]
    assert profile["target"] == "duckdb"
    spark = profile["outputs"]["spark"]
    assert (spark["type"], spark["method"]) == ("spark", "session")
    assert {key: _rendered_defaults(value) for key, value in spark["server_side_parameters"].items()} == spark_conf()


def test_duckdb_string_indexing_becomes_a_substring_on_spark():
    sql = to_spark_sql("first_name_variant_l[1] = first_name_variant_r[1]")
    assert sql == "SUBSTRING(first_name_variant_l, 1, 1) = SUBSTRING(first_name_variant_r, 1, 1)"


def test_jaro_winkler_uses_the_function_registered_from_splinks_jar():
    assert to_spark_sql("jaro_winkler_similarity(a_l, a_r) >= 0.9").startswith("JAROWINKLER_SIMILARITY(a_l, a_r)")


def test_every_level_and_blocking_rule_of_the_committed_model_translates():
    model = spark_settings(json.loads(MODEL_PATH.read_text()))
    assert model["sql_dialect"] == "spark"
    conditions = [level["sql_condition"] for comparison in model["comparisons"]
                  for level in comparison["comparison_levels"]]
    conditions += [rule["blocking_rule"] for rule in model["blocking_rules_to_generate_predictions"]]
    assert not [sql for sql in conditions if "[" in sql or "strftime" in sql.lower()]


def test_an_index_other_than_a_literal_is_refused():
    with pytest.raises(ValueError, match="cannot translate"):
        to_spark_sql("a_l[b_l] = 'x'")
