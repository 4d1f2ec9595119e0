from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from safety.preparedness import services


class Command(BaseCommand):
    help = (
        "Rewrite every active school's preparedness summary for today (what the nightly task "
        "safety.refresh_preparedness_summaries does); safe to run at any time."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = services.preparedness_summaries_refresh()
        message = f"Preparedness summaries written for {count} schools."
        self.stdout.write(self.style.SUCCESS(message))
