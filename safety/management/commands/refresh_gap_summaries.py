from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from safety.responsibility import services


class Command(BaseCommand):
    help = (
        "Rewrite every active unit's coverage gap summary for today (what the nightly task "
        "safety.refresh_gap_summaries does); safe to run at any time."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = services.gap_summaries_refresh()
        self.stdout.write(self.style.SUCCESS(f"Gap summaries written for {count} units."))
