"""Daily full run, for channels that drop files without anyone watching."""

from dagster import DefaultScheduleStatus, ScheduleDefinition

from orchestration.jobs import full_pipeline_job, retention_job

daily_full_pipeline = ScheduleDefinition(
    name="daily_full_pipeline",
    job=full_pipeline_job,
    cron_schedule="0 3 * * *",
    execution_timezone="UTC",
    default_status=DefaultScheduleStatus.RUNNING,
)

# Sunday morning, after the daily run: raw detail older than retention.yml is aged
weekly_retention = ScheduleDefinition(
    name="weekly_retention",
    job=retention_job,
    cron_schedule="0 5 * * 0",
    execution_timezone="UTC",
    default_status=DefaultScheduleStatus.RUNNING,
)
