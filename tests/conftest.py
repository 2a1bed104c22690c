"""Shared fixtures: a landing folder and warehouse file of a test's own, and the session's
sample warehouse (tests/samples.py)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# pytest-xdist's workers run as `python -c`, so __main__ has neither a spec nor a file; the
# pyspark.sql.connect package (which Great Expectations imports) then takes the process for
# a doctest run and exits it. A file of our own tells it otherwise; processes started with
# spawn (the dbt plugin's phone parsing) run that file, which does nothing.
_main = sys.modules["__main__"]
if getattr(_main, "__spec__", None) is None and not hasattr(_main, "__file__"):
    _main.__file__ = str(Path(__file__).with_name("worker_main.py"))
DBT = str(Path(sys.executable).parent / "dbt")  # the dbt of this environment, activated or not


def pytest_configure(config):
    """Under pytest-xdist, before the workers start: the dbt manifest Dagster reads, parsed
    once if the dbt files changed since it was built, so no two workers parse the project
    into target/ at the same time (a run without workers parses it where it is first needed)."""
    if config.getoption("numprocesses", None) and not hasattr(config, "workerinput"):
        import orchestration.project  # noqa: F401 - parses on import when stale


@pytest.fixture
def cdp_paths(tmp_path, monkeypatch):
    """CDP_LANDING_DIR / CDP_WAREHOUSE pointing into a fresh temporary folder."""
    landing = tmp_path / "landing"
    warehouse = tmp_path / "warehouse.duckdb"
    landing.mkdir()
    monkeypatch.setenv("CDP_LANDING_DIR", str(landing))
    monkeypatch.setenv("CDP_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("DBT_PROFILES_DIR", str(PROJECT_ROOT))
    return landing, warehouse


@pytest.fixture(scope="session")
def sample(tmp_path_factory):
    """The sample warehouse of tests/samples.py, built once per session; read it, or copy it
    to change it."""
    from tests.samples import build_sample

    return build_sample(tmp_path_factory.mktemp("sample"))


def dbt_env(warehouse: Path, tmp: Path) -> dict[str, str]:
    """Environment for a dbt subprocess writing to ``warehouse`` with logs and target under ``tmp``."""
    env = dict(os.environ)
    env.update({
        "CDP_WAREHOUSE": str(warehouse),
        "DBT_PROFILES_DIR": str(PROJECT_ROOT),
        "DBT_TARGET_PATH": str(tmp / "target"),
        "DBT_LOG_PATH": str(tmp / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    })
    return env
