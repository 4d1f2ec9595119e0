from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from inspections import demo as inspections_demo
from reporting import demo as reporting_demo
from reporting.monthly import demo as monthly_demo
from safety import demo as safety_demo


class Command(BaseCommand):
    help = "Load the demo city and each feature's demo rows. Safe to run again."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        # Each app seeds its own rows, lowest app first (reporting → inspections → safety);
        # this command lives in the highest app so it may call all of them.
        created_units, created_accounts = safety_demo.seed()
        inspections_demo.seed()
        reporting_demo.seed()
        safety_demo.seed_responsibilities()
        monthly_demo.seed()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo city ready: {created_units} units and {created_accounts} accounts created "
                "(existing rows were left as they were)."
            )
        )
        self.stdout.write(f"\nDemo accounts (password for all: {safety_demo.DEMO_PASSWORD})")
        for username, full_name, _title, code, _role, description in safety_demo.ACCOUNTS:
            self.stdout.write(f"  {username:<16} {full_name:<4}  {description}  [{code}]")
