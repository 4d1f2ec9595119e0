"""The Celery app. Tasks are thin wrappers that load rows by id and call a service.

With no REDIS_URL the settings make every task run eagerly in-process. Task modules are
discovered in every project app and in each of its feature packages (`<app>/<feature>/tasks.py`).
"""

import os

from celery import Celery

from safety.jobs import task_packages

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("safecampus")
app.config_from_object("django.conf:settings", namespace="CELERY")


app.autodiscover_tasks(task_packages)
