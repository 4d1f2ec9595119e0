"""Celery tasks of the reporting app (autodiscovered from here)."""

from reporting.monthly.tasks import *  # noqa: F403 - registers the monthly-report tasks
