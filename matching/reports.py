"""What a trained model and its blocking look like: Splink's charts as HTML, counts as JSON."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from splink import Linker

log = logging.getLogger(__name__)

# Above this many records, blocking counts are estimated from a sample of each side.
EXACT_COUNT_LIMIT = 200_000


def blocking_counts(linker: Linker, n_records: int) -> list[dict]:
    """Comparisons each prediction blocking rule adds (marginal) and in total (cumulative); logged."""
    proportion = 1.0 if n_records <= EXACT_COUNT_LIMIT else EXACT_COUNT_LIMIT / n_records
    rows = linker.blocking_analysis.count_comparisons_from_blocking_rules(record_sample_proportion=proportion)
    counts = [
        {"blocking_rule": row["blocking_rule"], "marginal_comparisons": int(row["marginal_comparison_count"]),
         "cumulative_comparisons": int(row["cumulative_comparison_count"]), "estimated": bool(row["is_estimate"])}
        for row in rows
    ]
    total = counts[-1]["cumulative_comparisons"] if counts else 0
    possible = rows[-1]["total_possible_comparison_count"] if rows else 0
    log.info("blocking: %s candidate comparisons for %s records (%.5f%% of all %s pairs)",
             f"{total:,}", f"{n_records:,}", 100 * total / possible if possible else 0, f"{possible:,}")
    for row in counts:
        log.info("  %12s more from %s", f"{row['marginal_comparisons']:,}", row["blocking_rule"])
    return counts


def write_training_reports(linker: Linker, predictions, clusters, out_dir: Path, n_records: int) -> list[Path]:
    """Match weights, m/u parameters, a few waterfall examples, cluster studio and blocking counts."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, chart in (("match_weights", linker.visualisations.match_weights_chart()),
                        ("m_u_parameters", linker.visualisations.m_u_parameters_chart())):
        path = out_dir / f"{name}.html"
        chart.save(str(path))
        written.append(path)
    examples = predictions.as_record_list(limit=5)
    if examples:
        path = out_dir / "waterfall_examples.html"
        linker.visualisations.waterfall_chart(examples, remove_sensitive_data=True).save(str(path))
        written.append(path)
    path = out_dir / "cluster_studio.html"
    linker.visualisations.cluster_studio_dashboard(predictions, clusters, str(path),
                                                   sampling_method="by_cluster_size", overwrite=True)
    written.append(path)
    path = out_dir / "blocking_rules.json"
    path.write_text(json.dumps(blocking_counts(linker, n_records), indent=2) + "\n", encoding="utf-8")
    written.append(path)
    return written
