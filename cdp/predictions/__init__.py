"""Predictive audiences: churn and purchase propensity, 12-month value, next category and lookalikes.

Plain Python over Arrow tables and an in-memory DuckDB (no dbt or Dagster imports): the dbt
Python models `customer_predictions` and `prediction_backtests` call it, and so do the tests
on hand-made histories. Every model is judged by a back-test on a time split it never saw,
beside a naive baseline, so a user sees what the model adds (docs/predictions.md).
"""
