"""retention.yml: how many days of raw detail each entity keeps."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

POLICY_FILE = Path(__file__).resolve().parents[2] / "retention.yml"
SUPPORTED = ("web/events",)


@dataclass(frozen=True)
class Rule:
    entity: str
    keep_days: int


def read_policy(path: Path = POLICY_FILE) -> list[Rule]:
    """The rules of ``path``; a clear error names the file, the rule and what is wrong."""
    document = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    rules = []
    for i, item in enumerate(document.get("retention") or [], 1):
        if not isinstance(item, dict) or set(item) != {"entity", "keep_days"}:
            raise ValueError(f"{path}: rule {i} must have exactly the keys entity and keep_days, not {item!r}")
        if item["entity"] not in SUPPORTED:
            raise ValueError(f"{path}: rule {i}: entity {item['entity']!r} cannot be aged; "
                             f"supported: {', '.join(SUPPORTED)}")
        days = item["keep_days"]
        if not isinstance(days, int) or isinstance(days, bool) or days < 1:
            raise ValueError(f"{path}: rule {i}: keep_days must be a whole number of days >= 1, not {days!r}")
        rules.append(Rule(item["entity"], days))
    if len({r.entity for r in rules}) != len(rules):
        raise ValueError(f"{path}: an entity has more than one rule")
    return rules
