"""The short report printed after a run: counts only, no personal data."""

from __future__ import annotations

from pathlib import Path

import duckdb

EXAMPLE_QUERY = ("select customer_id, full_name, city, channels, order_count, revenue "
                 "from dim_customers order by revenue desc limit 5")


def print_summary(warehouse: Path, truth: Path | None) -> None:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        print("\nrows loaded per channel export (all batches so far):")
        for key, files, rows, rejected, quarantined, suppressed in con.execute("""
            select channel || '/' || entity, count(*) filter (where status = 'loaded'),
                   coalesce(sum(rows_loaded), 0), coalesce(sum(rows_rejected), 0),
                   count(*) filter (where status = 'quarantined'), coalesce(sum(rows_suppressed), 0)
            from raw._load_ledger group by 1 order by 1""").fetchall():
            extra = f", {rejected} rows rejected" if rejected else ""
            extra += f", {quarantined} file(s) quarantined" if quarantined else ""
            extra += f", {suppressed} rows of erased people dropped" if suppressed else ""
            print(f"  {key:<28} {rows:>9,} rows from {files} file(s){extra}")
        if not _exists(con, "main", "dim_customers"):
            print("\nthe marts were not built")
            return
        records, customers = con.execute(
            "select count(*), count(distinct customer_id) from main.customer_crosswalk").fetchall()[0]
        multi = con.execute("select count(*) from main.dim_customers where source_record_count > 1").fetchall()[0][0]
        print(f"\nidentity records matched: {records:,} -> customers: {customers:,} "
              f"({multi:,} seen in more than one record)")
        if _exists(con, "main", "int_match_models"):
            print(_model_line(con))
        print("RFM segment sizes:")
        for segment, size in con.execute(
                "select rfm_segment, count(*) from main.seg_rfm group by 1 order by 2 desc").fetchall():
            print(f"  {segment:<22} {size:>7,}")
        if _exists(con, "main", "segment_memberships"):
            print("segment sizes (segments.yml, current members):")
            for segment, size in con.execute(
                    "select segment_name, count(*) from main.segment_memberships where is_current "
                    "group by 1 order by 2 desc, 1").fetchall():
                print(f"  {segment:<22} {size:>7,}")
        if _exists(con, "main", "prediction_backtests"):
            print(_backtest_lines(con))
    if truth is not None:
        from cdp.quality.evaluate import evaluate_warehouse

        print("\nmatch quality against the sample's ground truth:")
        print("  " + evaluate_warehouse(warehouse, truth).describe())
    print(f"\nwarehouse: {warehouse.resolve()}")
    from cdp.serve.publish import published_path

    if published_path().exists():
        print(f"published for BI (open read-only): {published_path().resolve()}")
    print("try:  .venv/bin/python -c \"import duckdb; "
          f"duckdb.connect('{warehouse}', read_only=True).sql('{EXAMPLE_QUERY}').show()\"")


def _model_line(con) -> str:
    """Which model scored this run: the latest choice of int_match_models."""
    row = con.execute("""select model_hash, source, reason, records, estimated_on_records, chosen_at
                         from main.int_match_models order by chosen_at desc, model_hash desc limit 1""").fetchall()
    if not row:
        return "matching model: none chosen yet"
    model_hash, source, reason, records, estimated_on, chosen_at = row[0]
    how = (f"estimated on {estimated_on:,} of {records:,} identity records" if source == "estimated"
           else {"committed": "the committed model", "pinned": "pinned"}[source])
    return f"matching model: {model_hash}, {how}, chosen {chosen_at:%Y-%m-%d %H:%M} UTC ({reason})"


def _backtest_lines(con) -> str:
    """The back-test of each prediction model beside its baseline (prediction_backtests)."""
    lines = ["prediction back-tests (model / baseline on a window the model never saw; "
             "reports/predictions.html):"]
    rows = con.execute("""
        select task, max(horizon_days), any_value(skipped_reason),
               {figures}
        from main.prediction_backtests group by 1 order by 1""".format(figures=", ".join(
        f"max({f}) filter (where method = 'model'), max({f}) filter (where method = 'baseline')"
        for f in ("auc", "ece", "top_decile_lift", "mae", "hit_rate")))).fetchall()
    for task, horizon, skipped, *values in rows:
        if skipped:
            lines.append(f"  {task:<26} not back-tested: {skipped}")
            continue
        pairs = dict(zip(("AUC", "ECE", "top-decile lift", "MAE", "hit rate"), zip(values[::2], values[1::2],
                                                                                  strict=True), strict=True))
        shown = ", ".join(f"{name} {m:,.3f} / {b:,.3f}" for name, (m, b) in pairs.items()
                          if m is not None and b is not None)
        lines.append(f"  {task:<26} {horizon:>3} days: {shown}")
    return "\n".join(lines)


def _exists(con, schema: str, table: str) -> bool:
    return bool(con.execute("select count(*) from information_schema.tables where table_schema = ? "
                            "and table_name = ?", [schema, table]).fetchall()[0][0])
