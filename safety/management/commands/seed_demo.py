from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from safety import demo, services
from safety.models import Organisation, User


class Command(BaseCommand):
    help = "Load the demo city (bureaus, schools, one account per role). Safe to run again."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        created_units = self._seed_units()
        created_accounts = self._seed_accounts()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo city ready: {created_units} units and {created_accounts} accounts created "
                "(existing rows were left as they were)."
            )
        )
        self.stdout.write(f"\nDemo accounts (password for all: {demo.DEMO_PASSWORD})")
        for username, full_name, _title, code, _role, description in demo.ACCOUNTS:
            self.stdout.write(f"  {username:<16} {full_name:<4}  {description}  [{code}]")

    def _seed_units(self) -> int:
        existing = set(Organisation.objects.values_list("code", flat=True))
        units = {unit.code: unit for unit in Organisation.objects.all()}
        created = 0

        def create(code: str, **fields: Any) -> None:
            nonlocal created
            if code in existing:
                return
            units[code] = services.organisation_create(actor=None, code=code, **fields)
            created += 1

        create(
            demo.CITY["code"],
            name=demo.CITY["name"],
            phone=demo.CITY["phone"],
            kind=Organisation.Kind.CITY,
        )
        for county in demo.COUNTIES:
            create(
                county["code"],
                name=county["name"],
                phone=county["phone"],
                kind=Organisation.Kind.COUNTY,
                parent=units[demo.CITY["code"]],
            )
        for (
            parent,
            code,
            name,
            school_type,
            boarding,
            locality,
            students,
            staff,
            address,
        ) in demo.SCHOOLS:
            create(
                code,
                name=name,
                kind=Organisation.Kind.SCHOOL,
                parent=units[parent],
                school_type=school_type,
                is_boarding=boarding,
                locality=locality,
                student_count=students,
                staff_count=staff,
                address=address,
            )
        return created

    def _seed_accounts(self) -> int:
        units = {unit.code: unit for unit in Organisation.objects.all()}
        existing = set(User.objects.values_list("username", flat=True))
        created = 0
        for username, full_name, title, code, role, _description in demo.ACCOUNTS:
            if username in existing:
                continue
            services.user_create(
                actor=None,
                username=username,
                password=demo.DEMO_PASSWORD,
                full_name=full_name,
                title=title,
                organisation=units[code],
                role=role,
            )
            created += 1
        return created
