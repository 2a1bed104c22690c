"""The dbt project as Dagster sees it."""

import os
import shutil
import sys
from pathlib import Path

from dagster_dbt import DbtProject

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# dagster-dbt runs `dbt` from PATH; when the virtualenv is not activated (e.g. `.venv/bin/dagster dev`)
# dbt still sits beside this Python interpreter.
if shutil.which("dbt") is None:
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")

DBT_SOURCES = ("dbt_project.yml", "profiles.yml", "models", "seeds", "macros", "snapshots")


def _manifest_is_stale(manifest: Path) -> bool:
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    for name in DBT_SOURCES:
        path = PROJECT_ROOT / name
        files = [path] if path.is_file() else (p for p in path.rglob("*") if p.is_file())
        if any(f.stat().st_mtime > built for f in files):
            return True
    return False


dbt_project = DbtProject(project_dir=PROJECT_ROOT, profiles_dir=PROJECT_ROOT)
# `dagster dev` re-parses on start; other entry points parse when the dbt files changed since.
dbt_project.prepare_if_dev()
if _manifest_is_stale(dbt_project.manifest_path):
    dbt_project.preparer.prepare(dbt_project)
