"""Writing many rows' fields at once (issue #23: the assessment run at 2,000 schools).

Django's `bulk_update` builds one `CASE WHEN pk = … THEN …` expression per object and field,
resolved and compiled in Python: 32,000 indicator scores × 3 fields took 32 s, past the
30 s request limit, almost all of it in Django's expression code. `bulk_set` writes the same
values with one `UPDATE … FROM UNNEST(…)` per batch on PostgreSQL (the values as typed
arrays, so the SQL text does not grow with the rows), and falls back to `bulk_update`
elsewhere (SQLite: development and the demo). Either way the change is audited as a
`QuerySet.update` of the model is (safety.audit.record_bulk_update: old and new values of
the rows that changed).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models

from . import audit

BATCH_SIZE = 5000


def bulk_set(objs: Sequence[models.Model], fields: Sequence[str]) -> int:
    """Store the current values of `fields` (model field names, not the primary key, no
    relations to many) of `objs` (saved instances of one model) in their rows. Returns the
    rows written. Audited like `QuerySet.update` when the model is (domain records). No
    signals are sent (as `bulk_update`)."""
    if not objs:
        return 0
    model = type(objs[0])
    meta = model._meta
    targets = [meta.get_field(name) for name in fields]
    pks = [obj.pk for obj in objs]

    def write() -> int:
        if connection.vendor != "postgresql":
            return model._base_manager.bulk_update(objs, fields, batch_size=500)
        written = 0
        for start in range(0, len(objs), BATCH_SIZE):
            written += _update_batch(model, objs[start : start + BATCH_SIZE], targets)
        return written

    if not audit.is_audited(model):
        return write()
    rows = model._default_manager.filter(pk__in=pks)
    return audit.record_bulk_update(rows, dict.fromkeys(fields), write)


def _update_batch(model: type[models.Model], objs: Sequence[models.Model], targets: list) -> int:
    meta = model._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    pk = meta.pk
    columns = [pk, *targets]
    # Each column as a typed array: UNNEST gives the rows back, NULLs included.
    arrays = ", ".join(f"%s::{_array_type(field)}" for field in columns)
    names = ", ".join(quote(field.column) for field in columns)
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in targets)
    sql = (
        f"UPDATE {table} SET {assignments} FROM UNNEST({arrays}) AS v({names}) "  # noqa: S608
        f"WHERE {table}.{quote(pk.column)} = v.{quote(pk.column)}"
    )
    params: list[Any] = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for obj in objs]
        for field in columns
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _array_type(field: models.Field) -> str:
    """The PostgreSQL array type of a column: "bigint[]", "numeric(5, 2)[]", "text[]"…"""
    kind = field.rel_db_type(connection) if field.primary_key else field.db_type(connection)
    return f"{kind}[]"
