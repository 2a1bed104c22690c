"""Start the pipeline when new or changed files appear in the landing folder.

The cursor keeps each file's modification time and size; one run is requested for all
files that are new since the last tick (the load itself skips content already loaded).
"""

import hashlib
import json

from dagster import DefaultSensorStatus, RunRequest, SensorEvaluationContext, SensorResult, SkipReason, sensor

from cdp.ingest.loader import discover
from orchestration.jobs import full_pipeline_job
from orchestration.resources import WarehouseResource


@sensor(job=full_pipeline_job, minimum_interval_seconds=60, default_status=DefaultSensorStatus.RUNNING)
def landing_files_sensor(context: SensorEvaluationContext, warehouse: WarehouseResource):
    seen = json.loads(context.cursor) if context.cursor else {}
    files, _ = discover(warehouse.landing_path)
    current = {}
    for landing_file in files:
        stat = landing_file.path.stat()
        current[landing_file.path.relative_to(warehouse.landing_path).as_posix()] = [stat.st_mtime_ns, stat.st_size]
    new = sorted(name for name, signature in current.items() if seen.get(name) != signature)
    if not new:
        return SkipReason("no new files in the landing folder")
    run_key = hashlib.sha256(json.dumps({n: current[n] for n in new}).encode()).hexdigest()[:16]
    return SensorResult(
        run_requests=[RunRequest(run_key=run_key, tags={"cdp/new_files": str(len(new))})],
        cursor=json.dumps(current),
    )
