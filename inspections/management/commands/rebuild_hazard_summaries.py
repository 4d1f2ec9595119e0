from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from inspections import tally


class Command(BaseCommand):
    help = (
        "Rebuild the hazard tally and the hazards of each month from the hazard table "
        "(PostgreSQL; after a bulk load with the triggers off, or to repair). Nothing on SQLite."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not tally.is_kept():
            self.stdout.write("Not PostgreSQL: no summaries are kept; nothing to do.")
            return
        tally.rebuild()
        self.stdout.write(self.style.SUCCESS("Hazard tally and monthly summaries rebuilt."))
