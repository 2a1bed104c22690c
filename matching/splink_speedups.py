"""Splink's fixed cost per prediction, cut where it repeats work.

Every prediction asks each term-frequency level of a comparison for the u probability of
that comparison's exact-match level, and Splink answers by parsing, normalising and
simplifying the SQL of every level above it with sqlglot, again for each asking level. On
the committed model that is 81 such analyses of 23 distinct conditions: under the profiler,
1.1 s of the 2.0 s it took to score the sample's 214 new records (0.90 s unprofiled; with
this and the skipped settings validation, 0.48 s), the same at any file size. Whether a
condition is an exact match on one column depends only on its SQL text and dialect, so the
answer is kept per condition for the life of the process.
"""

from __future__ import annotations

from splink.internals.comparison_level import ComparisonLevel

_ORIGINAL_IS_EXACT_MATCH = ComparisonLevel._is_exact_match.fget  # noqa: SLF001
_ORIGINAL_EXACT_MATCH_COLNAMES = ComparisonLevel._exact_match_colnames.fget  # noqa: SLF001
_is_exact_match_cache: dict[tuple[str, str, bool], bool] = {}
_colnames_cache: dict[tuple[str, str], tuple[str, ...]] = {}


def _cached_is_exact_match(level: ComparisonLevel) -> bool:
    key = (level.sql_condition, level.sqlglot_dialect, level._is_else_level)  # noqa: SLF001
    if key not in _is_exact_match_cache:
        _is_exact_match_cache[key] = _ORIGINAL_IS_EXACT_MATCH(level)
    return _is_exact_match_cache[key]


def _cached_exact_match_colnames(level: ComparisonLevel) -> list[str]:
    key = (level.sql_condition, level.sqlglot_dialect)
    if key not in _colnames_cache:
        _colnames_cache[key] = tuple(_ORIGINAL_EXACT_MATCH_COLNAMES(level))  # raises for a non-exact level
    return list(_colnames_cache[key])


def install() -> None:
    """Make ComparisonLevel's exact-match detection remember its answers (idempotent)."""
    ComparisonLevel._is_exact_match = property(_cached_is_exact_match)  # noqa: SLF001
    ComparisonLevel._exact_match_colnames = property(_cached_exact_match_colnames)  # noqa: SLF001


def original_is_exact_match(level: ComparisonLevel) -> bool:
    """Splink's own answer, uncached (for tests that compare the two)."""
    return _ORIGINAL_IS_EXACT_MATCH(level)


def original_exact_match_colnames(level: ComparisonLevel) -> list[str]:
    """Splink's own answer, uncached (for tests that compare the two)."""
    return _ORIGINAL_EXACT_MATCH_COLNAMES(level)
