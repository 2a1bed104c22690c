"""reports/predictions.html: the back-test of every model beside its baseline, with plots.

Reads the mart prediction_backtests and writes one self-contained HTML file (inline SVG, no
scripts, no downloads): per task a table of figures, the ROC and precision-recall curves,
the calibration curve, lift by decile and permutation feature importance.

    cdp predictions-report [--out reports/predictions.html]
"""

from __future__ import annotations

import argparse
import html
import json
import sys
from pathlib import Path

import duckdb

DEFAULT_REPORT = Path("reports/predictions.html")
COLOURS = {"model": "#1f77b4", "baseline": "#ff7f0e"}
W, H, PAD = 260, 200, 30

FIGURES = [("auc", "AUC"), ("average_precision", "avg precision"), ("ece", "calibration error (ECE)"),
           ("top_decile_lift", "top-decile lift"), ("mae", "MAE"), ("rmse", "RMSE"), ("hit_rate", "hit rate"),
           ("base_rate", "base rate / mean"), ("mean_prediction", "mean prediction"), ("test_rows", "test rows")]


def _frame(title: str, body: str, x_label: str, y_label: str) -> str:
    return (f'<svg width="{W + PAD}" height="{H + PAD + 20}" role="img"><title>{html.escape(title)}</title>'
            f'<text x="{PAD}" y="12" font-size="12" font-weight="bold">{html.escape(title)}</text>'
            f'<g transform="translate({PAD},20)"><rect width="{W - PAD}" height="{H - PAD}" fill="none" stroke="#999"/>'
            f'{body}</g><text x="{W / 2}" y="{H + 5}" font-size="10">{html.escape(x_label)}</text>'
            f'<text x="2" y="{H / 2}" font-size="10" transform="rotate(-90 8 {H / 2})">{html.escape(y_label)}</text>'
            '</svg>')


def _xy(x: float, y: float, x_max: float = 1.0, y_max: float = 1.0) -> str:
    return f"{x / x_max * (W - PAD):.1f},{(1 - y / y_max) * (H - PAD):.1f}"


def _lines(title: str, series: dict[str, list], x_label: str, y_label: str, diagonal: bool = False) -> str:
    body = (f'<line x1="0" y1="{H - PAD}" x2="{W - PAD}" y2="0" stroke="#ccc" stroke-dasharray="3"/>'
            if diagonal else "")
    for method, points in series.items():
        if points:
            path = " ".join(_xy(x, y) for x, y in points)
            body += f'<polyline points="{path}" fill="none" stroke="{COLOURS[method]}" stroke-width="2"/>'
    return _frame(title, body, x_label, y_label)


def _bars(title: str, series: dict[str, list[float]], x_label: str, y_label: str,
          labels: list[str] | None = None) -> str:
    values = [v for vs in series.values() for v in vs]
    top = max([abs(v) for v in values] + [1e-9])
    n, k = max(len(vs) for vs in series.values()), len(series)
    width = (W - PAD) / max(n, 1) / (k + 0.5)
    body = ""
    for j, (method, vs) in enumerate(series.items()):
        for i, v in enumerate(vs):
            height = max(v, 0) / top * (H - PAD)
            x = (i * (k + 0.5) + j) * width
            name = html.escape((labels or [str(i + 1)] * n)[i])
            body += (f'<rect x="{x:.1f}" y="{H - PAD - height:.1f}" width="{width:.1f}" height="{height:.1f}" '
                     f'fill="{COLOURS[method]}"><title>{name}: {v:.3f}</title></rect>')
    if labels:
        for i, label in enumerate(labels):
            x = (i * (k + 0.5)) * width + 2
            body += (f'<text x="{x:.1f}" y="{H - PAD - 2}" font-size="8" transform="rotate(-90 {x:.1f} {H - PAD - 2})">'
                     f'{html.escape(label)}</text>')
    return _frame(title, body, x_label, y_label)


def _table(rows: list[dict]) -> str:
    head = "".join(f"<th>{m}</th>" for m in (r["method"] for r in rows))
    out = []
    for key, label in FIGURES:
        values = [r.get(key) for r in rows]
        if all(v is None for v in values):
            continue
        cells = "".join(f"<td>{v:,.3f}</td>" if isinstance(v, float) else f"<td>{'' if v is None else v}</td>"
                        for v in values)
        out.append(f"<tr><th>{label}</th>{cells}</tr>")
    return f"<table><tr><th></th>{head}</tr>{''.join(out)}</table>"


def _task_section(task: str, rows: list[dict]) -> str:
    first = rows[0]
    parts = [f"<h2>{html.escape(task)}</h2>",
             f"<p>horizon {first['horizon_days']} days; learnt at {first['trained_at_cutoff']}, "
             f"judged on ({first['tested_at_cutoff']}, {first['as_of']}]</p>"]
    if first.get("skipped_reason"):
        return "".join(parts) + f"<p><b>not back-tested:</b> {html.escape(first['skipped_reason'])}</p>"
    parts.append(_table(rows))
    curves = {r["method"]: json.loads(r["curves"] or "{}") for r in rows}
    plots = []
    if any("roc" in c for c in curves.values()):
        plots.append(_lines("ROC", {m: c.get("roc", []) for m, c in curves.items()}, "false positive rate",
                            "true positive rate", diagonal=True))
        plots.append(_lines("precision-recall", {m: c.get("pr", []) for m, c in curves.items()}, "recall",
                            "precision"))
        plots.append(_lines("calibration", {m: [[b["predicted"], b["observed"]] for b in c.get("calibration", [])]
                                            for m, c in curves.items()}, "predicted", "observed", diagonal=True))
    if any("lift_by_decile" in c for c in curves.values()):
        plots.append(_bars("lift by decile", {m: c.get("lift_by_decile", []) for m, c in curves.items()},
                           "decile (highest score first)", "lift"))
    importance = next((json.loads(r["importance"] or "{}") for r in rows if r["method"] == "model"), {})
    if importance:
        ranked = sorted(importance.items(), key=lambda kv: -kv[1])
        plots.append(_bars("permutation importance", {"model": [v for _, v in ranked]}, "", "score drop",
                           labels=[k for k, _ in ranked]))
    return "".join(parts) + '<div class="plots">' + "".join(plots) + "</div>"


def render(rows: list[dict]) -> str:
    tasks: dict[str, list[dict]] = {}
    for row in rows:
        tasks.setdefault(row["task"], []).append(row)
    version = rows[0]["model_version"] if rows else "none"
    legend = " ".join(f'<span style="color:{c}">&#9632; {m}</span>' for m, c in COLOURS.items())
    sections = "".join(_task_section(task, sorted(rs, key=lambda r: r["method"] != "model"))
                       for task, rs in tasks.items())
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>Prediction back-tests</title>
<style>body{{font-family:sans-serif;max-width:1200px;margin:1em auto}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ddd;padding:2px 8px;text-align:right}}.plots{{display:flex;flex-wrap:wrap;gap:8px}}</style>
</head><body><h1>Prediction back-tests</h1>
<p>Each model learnt at T - 2h and is judged on (T - h, T], a window it never saw, beside a naive
baseline: a logistic curve over recency alone for the probabilities, last year's revenue for the
value, the most popular category not yet bought for the next category. Model version {html.escape(version)}.
{legend}</p>{sections}</body></html>"""


def write_report(con: duckdb.DuckDBPyConnection, out: Path = DEFAULT_REPORT) -> Path:
    """Write the report of main.prediction_backtests to ``out``."""
    cursor = con.execute("select * from main.prediction_backtests order by task, method desc")
    names = [c[0] for c in cursor.description]
    rows = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(rows), encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    from cdp.ingest.contract import warehouse_path

    parser = argparse.ArgumentParser(prog="cdp predictions-report", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_REPORT)
    args = parser.parse_args(argv)
    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        try:
            path = write_report(con, args.out)
        except duckdb.CatalogException:
            print("no table prediction_backtests: build the warehouse first (dbt build / cdp run)", file=sys.stderr)
            return 2
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
