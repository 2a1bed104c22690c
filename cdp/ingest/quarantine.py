"""A file that cannot load as a whole: the error that says why, and the quarantine copy beside its reason."""

from __future__ import annotations

import shutil
from pathlib import Path


class BatchRejected(Exception):
    """A whole file cannot be loaded; the message names file, row and column where known."""


def reason_for(exc: Exception, rel: str) -> str:
    # Keep DuckDB's location (line, column, byte) but not the offending line's content,
    # which may be personal data and ends up in logs.
    text = [line for line in str(exc).split("LINE 1:")[0].strip().splitlines()
            if line.strip() and not line.startswith("Original Line")]
    first = " ".join(line.strip() for line in text[:4]).split(" Possible fixes")[0]
    return first if first.startswith(rel) else f"{rel}: {type(exc).__name__}: {first}"


def copy_to_quarantine(path: Path, rel: str, file_hash: str, reason: str, quarantine: Path) -> Path:
    """A copy of the file under ``quarantine`` with its reason beside it; the landing file stays."""
    target = quarantine / Path(rel).parent / f"{file_hash[:12]}__{path.name}"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(path, target)
    target.with_name(target.name + ".reason.txt").write_text(reason + "\n", encoding="utf-8")
    return target
