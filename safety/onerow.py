"""Many small reads of a page in one query (issue #23: every page within 8 queries).

A page that shows many counts and short lists (the home dashboards) asks for each of them as
a column of one row: a count, a sum or an earliest date is a scalar subquery, and a short
grouped list (a few dozen rows: per area, per month, per category) is a JSON array built by
the database from the same queryset. `one_row(unit_id, columns)` evaluates them all in one
round trip, on the row of the user's unit. The querysets are the ones a page would run on
its own: scoping (`visible_to`) and filters stay with the callers.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import (
    DateField,
    DecimalField,
    Expression,
    F,
    Func,
    IntegerField,
    QuerySet,
    Subquery,
    TextField,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from .models import Organisation


def count_of(queryset: QuerySet) -> Expression:
    """COUNT(*) of `queryset` as a scalar subquery (no GROUP BY: one value, 0 when empty)."""
    rows = queryset.order_by().values(n=Func(F("pk"), function="COUNT"))
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def sum_of(queryset: QuerySet, value: Any) -> Expression:
    """SUM(`value`) over `queryset` as a scalar subquery (a Decimal, 0 when empty)."""
    rows = queryset.order_by().values(v=Func(value, function="SUM"))
    return Coalesce(Subquery(rows, output_field=DecimalField()), 0, output_field=DecimalField())


def earliest(queryset: QuerySet, field_name: str) -> Expression:
    """MIN(`field_name`) of `queryset` as a scalar subquery (NULL when empty)."""
    rows = queryset.order_by().values(d=Func(F(field_name), function="MIN"))
    return Subquery(rows, output_field=DateField())


class JsonRows(RawSQL):
    """The rows of a `values()` queryset as one JSON text: `[{key: value, …}, …]`, in the
    queryset's order. Decoded by `one_row` (see `rows_of`)."""


def rows_of(
    queryset: QuerySet, keys: Sequence[str], names: Sequence[str] | None = None
) -> JsonRows:
    """A short list as a column: the rows of `queryset` (a `values(*keys)` queryset, grouped
    or limited so that it stays short) as JSON, decoded by `one_row` to a list of dicts
    keyed by `keys` (or by `names`, one for each key, in the same order).
    Dates come back as ISO strings (`as_date`), booleans as true/false (PostgreSQL) or 1/0
    (SQLite), decimals as numbers. PostgreSQL and SQLite."""
    # The inner SQL is the ORM's, with its parameters kept apart; the keys are the caller's
    # constants (the values() names), never user input.
    sql, params = queryset.query.sql_with_params()
    pairs = ", ".join(
        f"'{name}', t.\"{key}\"" for key, name in zip(keys, names or keys, strict=True)
    )
    if connection.vendor == "postgresql":
        rows = f"COALESCE(JSON_AGG(JSON_BUILD_OBJECT({pairs})), '[]')::text"
    else:
        rows = f"COALESCE(JSON_GROUP_ARRAY(JSON_OBJECT({pairs})), '[]')"
    wrapped = f"(SELECT {rows} FROM ({sql}) t)"  # noqa: S608 - see above
    return JsonRows(wrapped, params, output_field=TextField())


def one_row(unit_id: int | None, columns: dict[str, Expression]) -> dict[str, Any]:
    """`columns` evaluated in one query on the row of the unit `unit_id`: counts and sums as
    numbers, `rows_of` columns as lists of dicts. Without a unit (or without columns) every
    count is 0, every date None and every list empty, in no query."""
    row = None
    if columns and unit_id is not None:
        row = Organisation.objects.filter(pk=unit_id).values(**columns).first()
    if row is None:
        return {key: _empty(expression) for key, expression in columns.items()}
    return {
        key: json.loads(value or "[]") if isinstance(columns[key], JsonRows) else value
        for key, value in row.items()
    }


def _empty(expression: Expression) -> Any:
    if isinstance(expression, JsonRows):
        return []
    return None if isinstance(expression, Subquery) else 0


def instances_of(model: type, rows: Sequence[dict[str, Any]]) -> list[Any]:
    """Rows of a `rows_of` column keyed by `model`'s field attnames (`id`, `school_id`, …) as
    `model` instances, each value through its field's `to_python` (ISO dates and times back
    to dates and datetimes, 1/0 back to booleans, JSON text back to lists); a key that names
    no field is set as a plain attribute. Only the fields read are filled: for display."""
    fields = {field.attname: field for field in model._meta.concrete_fields}
    text_json = connection.vendor == "sqlite"  # its JSON_OBJECT keeps a JSON column as text
    instances = []
    for row in rows:
        values, extra = {}, {}
        for key, value in row.items():
            field = fields.get(key)
            if field is None:
                extra[key] = value
            elif text_json and field.get_internal_type() == "JSONField":
                values[key] = json.loads(value) if isinstance(value, str) else value
            else:
                values[key] = field.to_python(value)
        instance = model(**values)
        for key, value in extra.items():
            setattr(instance, key, value)
        instances.append(instance)
    return instances


def as_date(value: str | datetime.date) -> datetime.date:
    """A date read from a `rows_of` column (an ISO string, or a date already)."""
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value[:10])
