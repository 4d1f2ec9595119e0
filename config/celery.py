"""The Celery app. Tasks are thin wrappers that load rows by id and call a service.

With no REDIS_URL the settings make every task run eagerly in-process. Task modules are
discovered in every project app and in each of its feature packages (`<app>/<feature>/tasks.py`).
"""

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("safecampus")
app.config_from_object("django.conf:settings", namespace="CELERY")

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def task_packages() -> list[str]:
    """The project's apps and their feature packages (folders holding a tasks.py)."""
    from django.apps import apps

    packages = []
    for config in apps.get_app_configs():
        packages.append(config.name)
        root = Path(config.path)
        if PROJECT_ROOT not in root.parents:
            continue
        packages += [
            f"{config.name}.{child.name}"
            for child in sorted(root.iterdir())
            if (child / "tasks.py").exists() and (child / "__init__.py").exists()
        ]
    return packages


app.autodiscover_tasks(task_packages)
