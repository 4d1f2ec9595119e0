"""bin/backup and bin/restore: a dump restored into an empty database holds the same records."""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import psycopg2
from django.db import connection

from safety.models import Organisation, User
from tests.conftest import require_postgresql

ROOT = Path(__file__).resolve().parents[2]


def database_url(name: str) -> str:
    settings = connection.settings_dict
    user = settings.get("USER") or "postgres"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{name}"


def test_backup_restores_into_an_empty_database(transactional_db, people, tmp_path):
    require_postgresql("the backup test needs PostgreSQL")
    media = tmp_path / "media"
    (media / "photos").mkdir(parents=True)
    (media / "photos" / "a.jpg").write_bytes(b"photo")
    env = {
        **os.environ,
        "DATABASE_URL": database_url(connection.settings_dict["NAME"]),
        "MEDIA_ROOT": str(media),
    }
    dump = subprocess.run(
        [ROOT / "bin" / "backup", tmp_path / "backups"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()

    target = f"restore_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(database_url("postgres"))
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{target}"')
    try:
        restored_media = tmp_path / "restored-media"
        restore_env = {
            **env,
            "DATABASE_URL": database_url(target),
            "MEDIA_ROOT": str(restored_media),
        }
        media_archive = dump.replace(".dump", "-media.tar.gz")
        subprocess.run(
            [ROOT / "bin" / "restore", dump, media_archive],
            env=restore_env,
            check=True,
            capture_output=True,
        )
        with psycopg2.connect(database_url(target)) as restored:
            cursor = restored.cursor()
            cursor.execute("SELECT code FROM safety_organisation ORDER BY code")
            codes = [row[0] for row in cursor.fetchall()]
            cursor.execute("SELECT username FROM safety_user ORDER BY username")
            usernames = [row[0] for row in cursor.fetchall()]
        restored.close()
        assert codes == list(Organisation.objects.order_by("code").values_list("code", flat=True))
        assert usernames == list(
            User.objects.order_by("username").values_list("username", flat=True)
        )
        assert (restored_media / "photos" / "a.jpg").read_bytes() == b"photo"
    finally:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{target}"')
        admin.close()
