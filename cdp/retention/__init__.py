"""Retention of raw detail: older rows are aged into daily aggregates, then deleted (retention.yml)."""
