from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reporting.monthly import services


class Command(BaseCommand):
    help = "Run the monthly-report reminder pass for a date (default: today). Safe to repeat."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", help="YYYY-MM-DD, in Asia/Shanghai")
        parser.add_argument("--days-before", type=int, default=services.DEFAULT_DAYS_BEFORE)
        parser.add_argument("--days-after", type=int, default=services.DEFAULT_DAYS_AFTER)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = (
                datetime.date.fromisoformat(options["date"])
                if options["date"]
                else timezone.localdate()
            )
        except ValueError as exc:
            raise CommandError("--date must be YYYY-MM-DD") from exc
        written = services.reminder_pass(
            day=day, days_before=options["days_before"], days_after=options["days_after"]
        )
        self.stdout.write(f"{day}: {written} reminder notifications recorded.")
