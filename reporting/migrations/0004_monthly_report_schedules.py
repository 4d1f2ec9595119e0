"""Beat schedule of the monthly-report reminder pass, in django-celery-beat's tables so that
administrators can change the time and, through the task's kwargs, the days (by default
three days before the due date, on it, and daily for seven days after)."""

import json

from django.db import migrations

NAME = "安全工作月报提醒"
TASK = "reporting.monthly_report_reminders"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="9",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Shanghai",
    )
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": TASK,
            "crontab": crontab,
            "kwargs": json.dumps({"days_before": 3, "days_after": 7}),
            "description": "每天9点：月报截止前3天、当天及逾期后7天内提醒未报送单位，并告知上级未报单位。",
        },
    )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0003_monthly_reports"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create_schedule, remove_schedule)]
