from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from safety.education import services


class Command(BaseCommand):
    help = (
        "Rewrite every school's term education summary (pupil-hours and topics per term) from "
        "its education records; safe to run at any time (the service keeps them otherwise)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            count = services.education_summaries_refresh()
        self.stdout.write(self.style.SUCCESS(f"Education summaries written: {count}."))
