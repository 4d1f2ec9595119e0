from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from api import demo as api_demo
from demo.seed import seed_demo_city
from safety import demo as safety_demo


class Command(BaseCommand):
    help = "Load the demo city and each feature's demo rows. Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        seeded = seed_demo_city()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo city ready: {seeded.created_units} units and {seeded.created_accounts} "
                "accounts created (existing rows were left as they were)."
            )
        )
        self.stdout.write(f"\nDemo accounts (password for all: {safety_demo.DEMO_PASSWORD})")
        for username, full_name, _title, code, _role, description in safety_demo.ACCOUNTS:
            self.stdout.write(f"  {username:<16} {full_name:<4}  {description}  [{code}]")
        self.stdout.write(
            f"\nDemo API client (江城区, read and report; docs/api.md): "
            f"Authorization: Bearer {api_demo.DEMO_TOKEN}"
        )
