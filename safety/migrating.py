"""Migration operations the project's migrations share."""

from __future__ import annotations

from django.db import migrations


def postgresql_only(forward: str, backward: str) -> migrations.RunPython:
    """An operation running the SQL `forward` when applied and `backward` when unapplied, on
    PostgreSQL only, a no-op on any other database: what SQLite (the demo's database) does not
    accept, such as an extension, an expression index with NULLS LAST or a covering index
    (INCLUDE). Both statements should be idempotent (IF NOT EXISTS / IF EXISTS): the indexes
    may be created by hand on a large table first (CREATE INDEX CONCURRENTLY)."""

    def run(sql: str):
        def apply(apps, schema_editor) -> None:
            if schema_editor.connection.vendor == "postgresql":
                schema_editor.execute(sql)

        return apply

    return migrations.RunPython(run(forward), run(backward))
