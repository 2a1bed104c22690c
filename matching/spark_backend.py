"""Scoring candidate pairs with Splink's Spark backend, the warehouse's model unchanged.

What runs where: records are prepared (matching.prepare), the prior re-estimated and the
corrected term-frequency tables computed (matching.term_frequencies) on the driver in
DuckDB, exactly as on the DuckDB backend; all of that is linear in the number of records.
Only the pairwise part, blocking and comparing candidate pairs, which grows with the
square of a block's size, runs on Spark. Both backends therefore score with the same
prior and the same term frequencies, and differ only in the engine evaluating the
comparisons.

The model file is DuckDB SQL (``sql_dialect: duckdb``) and Splink runs custom levels as
written, so ``spark_settings`` transpiles every condition and blocking rule with sqlglot
and fixes what sqlglot gets wrong for this model: DuckDB's ``x[1]`` on text is its first
character (sqlglot writes the array index ``x[0]``), and DuckDB's
``jaro_winkler_similarity`` becomes ``jarowinkler_similarity``, registered from Splink's
jar because Spark before 4.3 has no built-in.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import duckdb
import sqlglot
from splink import Linker
from sqlglot import exp

from matching.predict import CANDIDATE_FLOOR
from matching.settings import UNIQUE_ID
from matching.term_frequencies import TF_COLUMNS

log = logging.getLogger(__name__)

JARO_WINKLER_CLASS = "uk.gov.moj.dash.linkage.JaroWinklerSimilarity"


def to_spark_sql(sql: str) -> str:
    """One DuckDB condition or blocking rule of the model, as Spark SQL."""

    def first_character(node: exp.Expression) -> exp.Expression:
        if not isinstance(node, exp.Bracket):
            return node
        (index,) = node.expressions
        if not (isinstance(index, exp.Literal) and index.is_int and int(index.this) >= 0):
            raise ValueError(f"cannot translate the DuckDB index {node.sql('duckdb')!r} to Spark")
        # the parser already made DuckDB's 1-based index 0-based
        return exp.Substring(this=node.this, start=exp.Literal.number(int(index.this) + 1),
                             length=exp.Literal.number(1))

    tree = sqlglot.parse_one(sql, read="duckdb")
    return tree.transform(first_character).sql(dialect="spark")


def spark_settings(model: dict[str, Any]) -> dict[str, Any]:
    """The model (as ``Linker.misc.save_model_to_json`` gives it) with Spark SQL throughout."""
    model = json.loads(json.dumps(model))
    model["sql_dialect"] = "spark"
    for rule in model["blocking_rules_to_generate_predictions"]:
        rule["blocking_rule"] = to_spark_sql(rule["blocking_rule"])
        rule["sql_dialect"] = "spark"
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level["sql_condition"].strip().upper() != "ELSE":
                level["sql_condition"] = to_spark_sql(level["sql_condition"])
    return model


class SparkScorer:
    """``scorer`` for matching.incremental.score_new / score_all: scores the records of a
    DuckDB connection on Spark and returns the name of a DuckDB table of the pairs."""

    def __init__(self, spark, num_partitions: int | None = None):
        self.spark = spark
        self.num_partitions = num_partitions

    def __call__(self, linker: Linker, con: duckdb.DuckDBPyConnection, new_table: str | None) -> str:
        from splink.backends.spark import SparkAPI

        spark = self.spark
        spark.udf.registerJavaFunction("jarowinkler_similarity", JARO_WINKLER_CLASS, "double")
        db_api = SparkAPI(spark_session=spark, break_lineage_method="persist",
                          num_partitions_on_repartition=self.num_partitions)
        records = db_api.register(self._frame(con, "identity_records"), table_name="identity_records")
        spark_linker = Linker(records, spark_settings(linker.misc.save_model_to_json()),
                              log_level=logging.WARNING)
        for column in TF_COLUMNS:
            spark_linker.table_management.register_term_frequency_lookup(
                db_api.register(self._frame(con, f"_tf_corrected_{column}"), table_name=f"tf_lookup_{column}"),
                column)
        try:
            if new_table is None:
                predictions = spark_linker.inference.predict(threshold_match_probability=CANDIDATE_FLOOR)
            else:
                predictions = spark_linker.inference.predict_between(
                    db_api.register(self._frame(con, new_table), table_name=new_table),
                    db_api.register("identity_records"), threshold_match_probability=CANDIDATE_FLOOR)
            pairs = predictions.as_spark_dataframe().select(
                f"{UNIQUE_ID}_l", f"{UNIQUE_ID}_r", "match_probability").toArrow()
        finally:
            _drop_splink_views(spark)
        con.register("spark_predictions_input", pairs)
        con.execute("create or replace table spark_predictions as select * from spark_predictions_input")
        con.unregister("spark_predictions_input")
        log.info("scored %d candidate pairs on Spark", pairs.num_rows)
        return "spark_predictions"

    def _frame(self, con: duckdb.DuckDBPyConnection, table: str):
        return self.spark.createDataFrame(con.sql(f"select * from {table}").to_arrow_table())


def _drop_splink_views(spark) -> None:
    """Forget this run's tables: Splink persists every intermediate table, and its temporary
    views (ours by name, its own __splink__*) would clash with the next run in this session."""
    spark.catalog.clearCache()
    ours = {"identity_records", "new_records", *(f"tf_lookup_{column}" for column in TF_COLUMNS)}
    for table in spark.catalog.listTables():
        if table.isTemporary and (table.name in ours or table.name.startswith("__splink")):
            spark.catalog.dropTempView(table.name)
