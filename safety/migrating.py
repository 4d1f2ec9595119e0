"""Migration operations the project's migrations share."""

from __future__ import annotations

from django.db import migrations


def postgresql_only(forward: str, backward: str) -> migrations.RunPython:
    """An operation running the SQL `forward` when applied and `backward` when unapplied, on
    PostgreSQL only, a no-op on any other database: what SQLite (the demo's database) does not
    accept, such as an extension, an expression index with NULLS LAST or a covering index
    (INCLUDE). Both statements should be idempotent (IF NOT EXISTS / IF EXISTS): the indexes
    may be created by hand on a large table first (CREATE INDEX CONCURRENTLY)."""

    def run(sql: str):
        def apply(apps, schema_editor) -> None:
            if schema_editor.connection.vendor == "postgresql":
                schema_editor.execute(sql)

        return apply

    return migrations.RunPython(run(forward), run(backward))


def daily_beat_task(
    name: str, task: str, *, hour: int, minute: int, description: str
) -> migrations.RunPython:
    """An operation creating the periodic task `name` (shown to administrators under Periodic
    tasks) that runs `task` every day at hour:minute, Asia/Shanghai; unapplied, it deletes
    it. An existing task of that name is left as an administrator may have edited it. The
    migration must depend on django_celery_beat's 0019."""

    def create(apps, schema_editor) -> None:
        crontab, _ = apps.get_model("django_celery_beat", "CrontabSchedule").objects.get_or_create(
            minute=str(minute),
            hour=str(hour),
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone="Asia/Shanghai",
        )
        apps.get_model("django_celery_beat", "PeriodicTask").objects.get_or_create(
            name=name, defaults={"task": task, "crontab": crontab, "description": description}
        )

    def remove(apps, schema_editor) -> None:
        apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=name).delete()

    return migrations.RunPython(create, remove)
