"""Copy the media kept on local disk into the configured storage (the S3 bucket) and verify
every file (size and SHA-256 read back from the bucket). Idempotent: a file already in the
bucket with the same size and checksum is skipped; run it again after a failure.

    MEDIA_STORAGE=s3 … manage.py copy_media_to_storage [--source /srv/safecampus/media]

Exit status 1 when a file could not be copied or verified (each is listed).
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

CHUNK = 1024 * 1024


def _digest(handle) -> tuple[int, str]:
    size, digest = 0, hashlib.sha256()
    while chunk := handle.read(CHUNK):
        size += len(chunk)
        digest.update(chunk)
    return size, digest.hexdigest()


def _stored_digest(name: str) -> tuple[int, str] | None:
    if not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as handle:
        return _digest(handle)


class Command(BaseCommand):
    help = "Copy media from local disk to the configured storage and verify every file."

    def add_arguments(self, parser):
        parser.add_argument("--source", default=str(settings.MEDIA_ROOT), help="local folder")
        parser.add_argument(
            "--dry-run", action=argparse.BooleanOptionalAction, default=False, help="copy nothing"
        )

    def handle(self, *args, source: str, dry_run: bool, **options):
        root = Path(source)
        if not root.is_dir():
            raise CommandError(f"No media folder at {root}")
        if settings.MEDIA_STORAGE != "s3":
            raise CommandError("Set MEDIA_STORAGE=s3 (and the bucket's variables) first.")
        copied = skipped = 0
        failed: list[str] = []
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            name = path.relative_to(root).as_posix()
            with path.open("rb") as handle:
                local = _digest(handle)
            if _stored_digest(name) == local:
                skipped += 1
                continue
            if dry_run:
                self.stdout.write(f"would copy {name}")
                continue
            with path.open("rb") as handle:
                # _save keeps the exact name (save() would pick another one if it exists).
                default_storage._save(name, File(handle, name=name))
            if _stored_digest(name) != local:
                failed.append(name)
                self.stderr.write(f"NOT VERIFIED: {name}")
                continue
            copied += 1
        self.stdout.write(
            f"copied and verified {copied}, already there {skipped}, failed {len(failed)}"
        )
        if failed:
            raise CommandError(f"{len(failed)} file(s) not verified; run the command again.")
