"""Shared fixtures: a landing folder and warehouse file of a test's own, and the session's
sample warehouse (tests/samples.py)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT = str(Path(sys.executable).parent / "dbt")  # the dbt of this environment, activated or not


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

    tmp = tmp_path_factory.mktemp("sample")
    return build_sample(tmp, DBT, PROJECT_ROOT, dbt_env(tmp / "warehouse.duckdb", tmp))


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
