"""The erasure job: erase a person, rebuild the marts and re-publish (logic in cdp.privacy.requests).

The person is named by customer id, or by a request file (JSON with "email" and/or
"phone") that the job deletes once read, so e-mails and phones never enter Dagster's run
config, logs or metadata.
"""

import json
from pathlib import Path

from dagster import Config, OpExecutionContext, job, op

from orchestration.resources import WarehouseResource


class ErasureConfig(Config):
    customer_id: str = ""
    request_file: str = ""
    request_id: str = ""


@op(description="Erase one person from raw, suppress their identifiers, rebuild the marts and re-publish.")
def erase_subject(context: OpExecutionContext, config: ErasureConfig, warehouse: WarehouseResource) -> None:
    from cdp.privacy.requests import erase, rebuild_and_publish

    request = {}
    if config.request_file:
        path = Path(config.request_file)
        request = json.loads(path.read_text(encoding="utf-8"))
        path.unlink()
    with warehouse.connect() as con:
        report = erase(con, config.customer_id or None, request.get("email"), request.get("phone"),
                       config.request_id or None)
    context.log.info(report.describe())
    rebuild_and_publish(warehouse.warehouse_path)
    context.add_output_metadata({"customers": report.customers, "identifiers_suppressed": report.identifiers,
                                 "raw_rows_deleted": sum(report.raw_rows_deleted.values())})


@job(description="Right to erasure: remove a person everywhere and keep them out of later loads.")
def erase_subject_job():
    erase_subject()
