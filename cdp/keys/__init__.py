"""Normalised identifying values: name keys and variants, phone numbers in E.164.

    normalize    the functions (pure, cached), with well-kept libraries underneath
    dbt_plugin   the dbt-duckdb plugin that makes them cdp_* SQL functions for the models
"""
