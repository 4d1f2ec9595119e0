"""Reads shared by views: already scoped, with the joins and aggregates they need."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, TypedDict

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models as db_models
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .access import access_object
from .models import AuditEvent, Organisation, SafetyArea, User
from .names import person_name_sort_key
from .onerow import JsonRows, read_together, rows_of
from .validators import MOBILE_PATTERN

SCHOOL = Organisation.Kind.SCHOOL


def access_unit(user: User, pk: int, *, permission: str | None = None) -> Organisation:
    """The unit (school or bureau) `pk`, scoped to the user's jurisdiction.

    Raises `Http404` when it does not exist or lies outside the jurisdiction; with
    `permission` (a safety.roles permission needed to change the unit's records),
    `PermissionDenied` when the user's role lacks it.
    """
    return access_object(Organisation, user, permission=permission, pk=pk)


def access_school(user: User, pk: int) -> Organisation:
    """The school `pk`, scoped to the user's jurisdiction; `Http404` for outsiders and for
    a bureau's id."""
    schools = Organisation.objects.select_related("parent")  # the page names the bureau
    return access_object(schools, user, pk=pk, kind=Organisation.Kind.SCHOOL)


def school_list(*, user: User, filters: dict[str, Any]) -> QuerySet[Organisation]:
    """Schools the user may see, filtered by the school-list form's cleaned data."""
    schools = Organisation.objects.visible_to(user).schools().select_related("parent")
    query = (filters.get("q") or "").strip()
    if query:
        schools = schools.filter(
            Q(name__icontains=query) | Q(code__startswith=query) | Q(address__icontains=query)
        )
    if filters.get("county"):
        schools = schools.below(filters["county"])
    if filters.get("school_type"):
        schools = schools.filter(school_type=filters["school_type"])
    if filters.get("boarding") in ("yes", "no"):
        schools = schools.filter(is_boarding=filters["boarding"] == "yes")
    if filters.get("locality"):
        schools = schools.filter(locality=filters["locality"])
    status = filters.get("status") or "active"
    if status != "all":
        schools = schools.filter(is_active=status == "active")
    return schools


def counties_visible_to(user: User) -> QuerySet[Organisation]:
    """The county bureaus the user may see (for filter choices)."""
    return Organisation.objects.visible_to(user).filter(kind=Organisation.Kind.COUNTY)


def cities_visible_to(user: User) -> QuerySet[Organisation]:
    """The city bureaus the user may see (for a province official's filter choices, #23)."""
    return Organisation.objects.visible_to(user).filter(kind=Organisation.Kind.CITY)


class JurisdictionTotals(TypedDict):
    schools: int
    boarding: int
    rural: int
    students: int
    staff: int


class SchoolTypeRow(TypedDict):
    school_type: str
    label: str
    count: int
    students: int | None
    boarding: int
    rural: int
    staff: int | None


SCHOOL_TYPE_KEYS = ("school_type", "count", "students", "boarding", "rural", "staff")


def schools_by_type_column(unit: Organisation) -> JsonRows:
    """The rows of `schools_by_type` as a column of a page's one-row query (#23)."""
    return rows_of(_schools_by_type_rows(unit), SCHOOL_TYPE_KEYS)


def schools_by_type(
    unit: Organisation, rows: list[dict[str, Any]] | None = None
) -> list[SchoolTypeRow]:
    """Active schools at or below a unit per school type, in the order of the type choices,
    with their boarding and rural schools and headcounts. One query, or none when `rows`
    holds the values of `schools_by_type_column`."""
    labels = dict(Organisation.SchoolType.choices)
    rows = _schools_by_type_rows(unit) if rows is None else rows
    order = list(labels)
    return sorted(
        (SchoolTypeRow(label=labels[row["school_type"]], **row) for row in rows),
        key=lambda row: order.index(row["school_type"]),
    )


def _schools_by_type_rows(unit: Organisation) -> QuerySet:
    return (
        Organisation.objects.below(unit)
        .schools()
        .filter(is_active=True)
        .values("school_type")
        .annotate(
            count=Count("id"),
            students=Sum("student_count"),
            boarding=Count("id", filter=Q(is_boarding=True)),
            rural=Count("id", filter=Q(locality=Organisation.Locality.RURAL)),
            staff=Sum("staff_count"),
        )
        .order_by("school_type")
    )


def jurisdiction_totals(by_type: list[SchoolTypeRow]) -> JurisdictionTotals:
    """Headline counts of the active schools at or below a unit: the sums of its
    `schools_by_type` rows (no query; zeros when there are none)."""
    return JurisdictionTotals(
        schools=sum(row["count"] for row in by_type),
        boarding=sum(row["boarding"] for row in by_type),
        rural=sum(row["rural"] for row in by_type),
        students=sum(row["students"] or 0 for row in by_type),
        staff=sum(row["staff"] or 0 for row in by_type),
    )


def bureau_units(unit: Organisation) -> QuerySet[Organisation]:
    """The units directly below a bureau, each with its school and headcount totals.

    Counties count the schools below them; a school child reports its own headcounts.
    """
    active_schools = Q(children__kind=SCHOOL, children__is_active=True)
    return (
        Organisation.objects.filter(parent=unit)
        .annotate(
            school_count=Count("children", filter=active_schools),
            boarding_count=Count("children", filter=active_schools & Q(children__is_boarding=True)),
            student_total=Sum("children__student_count", filter=active_schools),
            staff_total=Sum("children__staff_count", filter=active_schools),
        )
        .order_by("kind", "name_sort_key")
    )


def account_order_key(account: User) -> tuple[str, str, int]:
    """Accounts unit by unit from the top, then in pinyin order of names with surnames read
    as surnames (which the database cannot do: sort bounded lists with this in Python)."""
    unit_path = account.unit.path if account.unit else ""
    return (unit_path, person_name_sort_key(account.display_name), account.pk)


def school_accounts(school: Organisation) -> list[User]:
    """The school's active accounts by role, then by name in pinyin order."""
    accounts = User.objects.filter(unit=school, is_active=True)
    return sorted(
        accounts, key=lambda account: (account.role, person_name_sort_key(account.display_name))
    )


# The roles that receive urgent notices: an incident report alerts the bureau's officials; a
# rectification order, an urgent notice, an escalated activity or a roll-call absence not
# followed up reaches the school's leaders and staff.
URGENT_RECIPIENT_ROLES = (
    User.Role.BUREAU_OFFICIAL,
    User.Role.SCHOOL_LEADER,
    User.Role.SCHOOL_STAFF,
)


def unreachable_accounts(user: User) -> QuerySet[User]:
    """Active accounts in the user's jurisdiction that receive urgent notices but cannot be
    reached (无法接收紧急通知的账号): no address on any channel the installation uses
    (SAFECAMPUS_CHANNELS: an e-mail address, a mobile number — a landline cannot take an
    SMS —, a WeCom or DingTalk user id, safety.channels). The in-app list does not count: an
    urgent notice must reach the person at once. Returns a QuerySet."""
    channels = {name.strip().lower() for name in settings.SAFECAMPUS_CHANNELS}
    reachable = Q(pk__in=[])
    if "email" in channels:
        reachable |= ~Q(email="")
    if "sms" in channels:
        reachable |= Q(phone__regex=MOBILE_PATTERN)
    if "wecom" in channels:
        reachable |= Q(channel_profile__wecom_user_id__gt="")
    if "dingtalk" in channels:
        reachable |= Q(channel_profile__dingtalk_user_id__gt="")
    return (
        User.objects.visible_to(user)
        .filter(is_active=True, role__in=URGENT_RECIPIENT_ROLES)
        .exclude(reachable)
    )


def active_areas() -> QuerySet[SafetyArea]:
    """The safety areas in use, in their display order."""
    return SafetyArea.objects.filter(is_active=True)


# The records whose history officials can open (a URL word → the model, by label so that
# this lower app imports nothing from the apps above it).
HISTORY_MODELS = {
    "hazard": "inspections.Hazard",
    "inspection": "inspections.Inspection",
    "incident": "reporting.Incident",
    "monthly-report": "reporting.MonthlyReport",
    "assignment": "safety.Assignment",
    "letter": "safety.ResponsibilityLetter",
    "holder": "safety.Holder",
    "unit": "safety.Organisation",
    "account": "safety.User",
    "risk-point": "inspections.RiskPoint",  # #20 risk grading
}


@dataclass
class HistoryChange:
    label: str
    old: Any
    new: Any


def record_history(record: Any) -> QuerySet[AuditEvent]:
    """Every audit row of one record, newest first. The caller has checked the record is
    visible; its history is shown whole (rows of a unit since moved stay with the record)."""
    return (
        AuditEvent.objects.filter(
            target_type=ContentType.objects.get_for_model(type(record)),
            target_id=str(record.pk),
        )
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


def _shown_value(model_field: Any, value: Any, names: dict[Any, dict[Any, str]]) -> Any:
    """One logged value in the reader's words: a linked record by name, a choice by its
    label, a file by its name (not its storage path), yes/no, a local time."""
    if value is None or value == "" or model_field is None:
        return value
    if isinstance(model_field, db_models.ForeignKey):
        return names.get(model_field.related_model, {}).get(value, f"#{value}")
    if model_field.choices:
        return dict(model_field.flatchoices).get(value, value)
    if isinstance(model_field, db_models.FileField):
        return str(value).rsplit("/", 1)[-1]
    if isinstance(model_field, db_models.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(model_field, db_models.DateTimeField):
        moment = parse_datetime(str(value))
        if moment is not None:
            return date_format(timezone.localtime(moment), "DATETIME_FORMAT")
    return value


def with_name_joins(records: QuerySet | type[db_models.Model]) -> QuerySet:
    """`records` (a queryset, or a model: all its records) joined to what a record may name
    itself by (its foreign keys, one level), for records read to be shown by name (#23: no
    query per name). The caller scopes them (`access_object`)."""
    if isinstance(records, type):
        records = records._default_manager.all()
    fields = records.model._meta.concrete_fields
    joins = [f.name for f in fields if isinstance(f, db_models.ForeignKey)]
    return records.select_related(*joins) if joins else records


def history_rows(model: Any, events: list[AuditEvent]) -> list[list[HistoryChange]]:
    """Each event's changes in the reader's words: field names and choice labels translated,
    times in local time, linked records by name (one query per linked model per page)."""
    fields = {}
    for model_field in model._meta.concrete_fields:
        fields[model_field.attname] = model_field
        fields[model_field.name] = model_field
    wanted: dict[Any, set[Any]] = {}
    for event in events:
        for name, value in (event.changes or {}).items():
            model_field = fields.get(name)
            if isinstance(model_field, db_models.ForeignKey) and isinstance(value, list):
                wanted.setdefault(model_field.related_model, set()).update(
                    item for item in value if item is not None
                )
    # #23: every linked model's rows in one query, with the records they link to (their
    # names often include them: a checklist version names its template).
    models = list(wanted)
    read = read_together(
        *(
            with_name_joins(related._base_manager.filter(pk__in=list(wanted[related])).order_by())
            for related in models
        )
    )
    names = {
        related: {obj.pk: str(obj) for obj in objects}
        for related, objects in zip(models, read, strict=True)
    }

    def shown(model_field: Any, value: Any) -> Any:
        return _shown_value(model_field, value, names)

    rows = []
    for event in events:
        changes = []
        for name, value in (event.changes or {}).items():
            model_field = fields.get(name)
            old, new = value if isinstance(value, list) and len(value) == 2 else (None, value)
            label = str(model_field.verbose_name) if model_field is not None else name
            changes.append(
                HistoryChange(label=label, old=shown(model_field, old), new=shown(model_field, new))
            )
        rows.append(changes)
    return rows


def day_start(day: datetime.date) -> datetime.datetime:
    """The first instant of the local `day` (settings.TIME_ZONE), as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def local_days(field: str, first: datetime.date | None, last: datetime.date | None) -> Q:
    """`field` (a timestamp) on the local days `first` to `last` inclusive (either may be
    None: open-ended), written as a range on the timestamp so that an index on it serves the
    filter — a `__date` lookup casts every row and no index serves it (issue #23). A bound
    before 1900 or at the end of the calendar (a date typed as 0001-01-01 or 9999-12-31) is
    no bound: no record is outside it, and its local midnight has no UTC time to compare with
    (OverflowError, a 500 on SQLite)."""
    bounds = {}
    if first is not None and first > EARLIEST_DAY:
        bounds[f"{field}__gte"] = day_start(first)
    if last is not None and last < LATEST_DAY:
        bounds[f"{field}__lt"] = day_start(last + datetime.timedelta(days=1))
    return Q(**bounds)


EARLIEST_DAY = datetime.date(1900, 1, 1)  # before any record of the product
LATEST_DAY = datetime.date(9999, 12, 30)  # the last day whose next midnight exists
