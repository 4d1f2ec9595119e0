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
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection, connections
from django.db.models import (
    DateField,
    DecimalField,
    Expression,
    F,
    Func,
    IntegerField,
    Model,
    QuerySet,
    Subquery,
    TextField,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Organisation


class ScalarSQL(RawSQL):
    """A scalar subquery without outer references, compiled once to SQL text (see `scalar`).
    Its value is the same for every row of the outer query, so it is never grouped by."""

    def get_group_by_cols(self):
        return []


def scalar(rows: QuerySet, output_field: Any) -> Expression:
    """The one-value queryset `rows` as a scalar subquery of type `output_field`.

    Without an outer reference its SQL is compiled here, once, and kept as text
    (`ScalarSQL`): a page asking fifty counts as `Subquery` expressions had each inner query
    copied and resolved again as the outer query was built (#23: a third of the CPU of a
    school's monthly figures, compiled at every filing step of the month-end rush). A
    queryset with an `OuterRef` is resolved against its outer query (`Subquery`)."""
    try:
        sql, params = rows.query.sql_with_params()
    except ValueError:  # "contains a reference to an outer query": only as a subquery
        return Subquery(rows, output_field=output_field)
    return ScalarSQL(f"({sql})", params, output_field=output_field)  # noqa: S611 - the ORM's


def count_of(queryset: QuerySet) -> Expression:
    """COUNT(*) of `queryset` as a scalar subquery (no GROUP BY: one value, 0 when empty)."""
    rows = queryset.order_by().values(n=Func(F("pk"), function="COUNT"))
    return Coalesce(scalar(rows, IntegerField()), 0)


def sum_of(queryset: QuerySet, value: Any) -> Expression:
    """SUM(`value`) over `queryset` as a scalar subquery (a Decimal, 0 when empty)."""
    rows = queryset.order_by().values(v=Func(value, function="SUM"))
    return Coalesce(scalar(rows, DecimalField()), 0, output_field=DecimalField())


def earliest(queryset: QuerySet, field_name: str) -> Expression:
    """MIN(`field_name`) of `queryset` as a scalar subquery (NULL when empty)."""
    rows = queryset.order_by().values(d=Func(F(field_name), function="MIN"))
    return scalar(rows, DateField())


SQLITE_PAIRS = 60  # key-value pairs per JSON_OBJECT on SQLite (127 arguments at most)


def decode_rows(text: str | None) -> list[dict[str, Any]]:
    """The rows of a `rows_of` column: its JSON text decoded, a row SQLite sent in parts
    (more than SQLITE_PAIRS columns) merged into one dict."""
    return [
        {key: value for part in row for key, value in part.items()} if isinstance(row, list)
        else row
        for row in json.loads(text or "[]")
    ]  # fmt: skip


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
    pairs = [f"'{name}', t.\"{key}\"" for key, name in zip(keys, names or keys, strict=True)]
    if connection.vendor == "postgresql":
        rows = f"COALESCE(JSON_AGG(JSON_BUILD_OBJECT({', '.join(pairs)})), '[]')::text"
    else:
        # SQLite's functions take at most 127 arguments: a row of more columns (a joined
        # model's, `read_together`) is an array of objects of SQLITE_PAIRS columns each,
        # merged back into one by `decode_rows`.
        chunks = [
            f"JSON_OBJECT({', '.join(pairs[start : start + SQLITE_PAIRS])})"
            for start in range(0, len(pairs), SQLITE_PAIRS)
        ]
        row = chunks[0] if len(chunks) == 1 else f"JSON_ARRAY({', '.join(chunks)})"
        rows = f"COALESCE(JSON_GROUP_ARRAY({row}), '[]')"
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
        key: decode_rows(value) if isinstance(columns[key], JsonRows) else value
        for key, value in row.items()
    }


def _empty(expression: Expression) -> Any:
    if isinstance(expression, JsonRows):
        return []
    return None if isinstance(expression, (Subquery, ScalarSQL)) else 0


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
            elif text_json and field.get_internal_type() == "DateTimeField":
                values[key] = _aware(field.to_python(value))
            else:
                values[key] = field.to_python(value)
        instance = model(**values)
        for key, value in extra.items():
            setattr(instance, key, value)
        instances.append(instance)
    return instances


def _aware(value: datetime.datetime | None) -> datetime.datetime | None:
    """A datetime SQLite's JSON gave as its stored text: UTC without an offset (as Django
    stores it with USE_TZ), made aware as the ORM's own reads make it (else a time on the
    demo would show 8 hours early in Beijing time)."""
    if value is None or not settings.USE_TZ or timezone.is_aware(value):
        return value
    return timezone.make_aware(value, datetime.UTC)


def as_date(value: str | datetime.date) -> datetime.date:
    """A date read from a `rows_of` column (an ISO string, or a date already)."""
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value[:10])


def read_together(*querysets: QuerySet) -> list[list[Model]]:
    """The rows of several short querysets (of any models) read in one query: a list of
    model instances for each, in its order, with the relations it `select_related` (named
    paths, nested or not) already attached, as the ORM would give them (#23: a page's
    choice lists and short lists in one round trip). Each queryset must stay short (a page
    of rows, a bounded choice list): its rows travel as one JSON text. Only concrete
    fields are read (no annotations, no deferred fields); values pass through each field's
    `to_python`. PostgreSQL and SQLite."""
    if not querysets:
        return []
    plans, columns, params = [], [], []
    for queryset in querysets:
        plan = _plan(queryset.model, queryset.query.select_related)
        keys = [key for node in plan for key in node.keys]
        names = [f"c{index}" for index in range(len(keys))]
        values = queryset.values(*keys)
        if connection.vendor == "postgresql":
            # A row per record, its columns renamed by position: JSON_BUILD_OBJECT takes
            # at most 100 arguments, and a joined model has more columns than that.
            sql, values_params = values.query.sql_with_params()
            renamed = ", ".join(names)
            column = f"(SELECT COALESCE(JSON_AGG(t), '[]')::text FROM ({sql}) t({renamed}))"  # noqa: S608
        else:
            rows = rows_of(values, keys, names)
            column, values_params = rows.sql, rows.params
        plans.append((plan, names))
        columns.append(column)
        params.extend(values_params)
    database = querysets[0].db
    with connections[database].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns), params)  # noqa: S608 - ORM SQL
        texts = cursor.fetchone()
    return [
        [_instance(plan, names, row, database) for row in decode_rows(text)]
        for (plan, names), text in zip(plans, texts, strict=True)
    ]


class _Node(NamedTuple):
    path: tuple[str, ...]  # the relation names from the queryset's model, () for itself
    model: type[Model]
    fields: list[Any]  # its concrete fields
    keys: list[str]  # their values() lookups
    link: Any  # the ForeignKey from the parent node (None for the root)


def _plan(model: type[Model], related: Any, path: tuple[str, ...] = (), link: Any = None):
    if related is True:
        raise ValueError("read_together needs the relations named in select_related")
    fields = list(model._meta.concrete_fields)
    keys = ["__".join((*path, field.name)) for field in fields]
    nodes = [_Node(path, model, fields, keys, link)]
    for name, deeper in (related or {}).items():
        field = model._meta.get_field(name)
        nodes += _plan(field.related_model, deeper, (*path, name), field)
    return nodes


def _instance(plan: list[_Node], names: list[str], row: dict[str, Any], database: str) -> Model:
    values = iter(row[name] for name in names)
    made: dict[tuple[str, ...], Model | None] = {}
    for node in plan:
        read = [_python(field, next(values)) for field in node.fields]
        pk = read[node.fields.index(node.model._meta.pk)]
        instance = None
        if node.path == () or pk is not None:
            instance = node.model.from_db(database, [f.attname for f in node.fields], read)
        made[node.path] = instance
        parent = made.get(node.path[:-1]) if node.path else None
        if parent is not None:
            node.link.set_cached_value(parent, instance)
    return made[()]


def _python(field: Any, value: Any) -> Any:
    if value is None:
        return None
    value = field.to_python(value)
    if isinstance(value, datetime.datetime) and settings.USE_TZ and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)  # SQLite keeps UTC without offset
    return value
