"""Dagster code location: wires loading, dbt, matching and checks into jobs, schedules and sensors."""
