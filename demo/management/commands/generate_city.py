from __future__ import annotations

import datetime
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from demo import generator


class Command(BaseCommand):
    help = (
        "Fill an empty database with a generated city for performance work "
        "(e.g. --schools 2000 --years 3: about 500,000 hazards), or a province with "
        "--cities N. Reproducible from --seed."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--schools", type=int, default=200)
        parser.add_argument("--years", type=int, default=1)
        parser.add_argument(
            "--counties", type=int, default=None, help="default: one per 175 schools"
        )
        parser.add_argument(
            "--cities",
            type=int,
            default=0,
            help="#23: generate a province of this many cities (default: one city, no province)",
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--scale", type=float, default=1.0, help="multiplies hazards, incidents, notices"
        )
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None)
        parser.add_argument("--no-vacuum", action="store_true")
        parser.add_argument(
            "--features",
            action="store_true",
            help="#23: only add the feature steps (demo/features) missing from a generated city",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        plan = generator.Plan(
            schools=options["schools"],
            years=options["years"],
            counties=options["counties"],
            cities=options["cities"],
            seed=options["seed"],
            scale=options["scale"],
            today=options["today"],
        )
        started = time.perf_counter()
        try:
            with transaction.atomic():
                if options["features"]:
                    counts = generator.Generator(plan, self.stdout.write).add_features()
                else:
                    counts = generator.generate(plan, log=self.stdout.write)
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        if not options["no_vacuum"]:
            self.stdout.write("VACUUM ANALYZE …")
            generator.vacuum_analyze()
        for label, count in sorted(counts.items()):
            self.stdout.write(f"  {label:<40} {count:>10,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated city in {time.perf_counter() - started:.0f} s "
                f"(password for every account: {generator.PASSWORD})."
            )
        )
