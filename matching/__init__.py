"""Probabilistic record linkage with Splink: settings, training, prediction and clustering.

A plain Python package (no dbt or Dagster imports). Functions take Arrow tables or a
DuckDB connection plus table names and return Arrow tables, so the same code serves the
dbt Python model, the training command and the tests. On a Spark warehouse,
``matching.spark_step`` writes the matching tables and ``matching.spark_backend`` scores the
candidate pairs with Splink's Spark backend (pyspark is imported only there).
"""

from matching.predict import DEFAULT_THRESHOLD, MODEL_PATH, link_records

__all__ = ["DEFAULT_THRESHOLD", "MODEL_PATH", "link_records"]
