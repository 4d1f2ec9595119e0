"""Reads shared by views: already scoped, with the joins and aggregates they need."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    Assignment,
    AuditEvent,
    Certificate,
    CertificateKind,
    Organisation,
    Post,
    ResponsibilityLetter,
    ResponsibilitySettings,
    SafetyArea,
    User,
    school_year_bounds,
    school_year_of,
)
from .services import grace_days_by_path, person_name_sort_key, unsigned_letter_grace_days

SCHOOL = Organisation.Kind.SCHOOL


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
    return Organisation.objects.visible_to(user).filter(kind=Organisation.Kind.COUNTY)


def jurisdiction_totals(unit: Organisation) -> dict[str, int]:
    """Headline counts of the active schools below a bureau, in one query."""
    totals = (
        Organisation.objects.below(unit)
        .schools()
        .filter(is_active=True)
        .aggregate(
            schools=Count("id"),
            boarding=Count("id", filter=Q(is_boarding=True)),
            rural=Count("id", filter=Q(locality=Organisation.Locality.RURAL)),
            students=Sum("student_count"),
            staff=Sum("staff_count"),
        )
    )
    return {key: value or 0 for key, value in totals.items()}


def schools_by_type(unit: Organisation) -> list[dict[str, Any]]:
    labels = dict(Organisation.SchoolType.choices)
    rows = (
        Organisation.objects.below(unit)
        .schools()
        .filter(is_active=True)
        .values("school_type")
        .annotate(count=Count("id"), students=Sum("student_count"))
        .order_by("school_type")
    )
    order = list(labels)
    return sorted(
        ({"label": labels[row["school_type"]], **row} for row in rows),
        key=lambda row: order.index(row["school_type"]),
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
    unit_path = account.organisation.path if account.organisation else ""
    return (unit_path, person_name_sort_key(account.display_name), account.pk)


def school_accounts(school: Organisation) -> list[User]:
    """The school's active accounts by role, then by name in pinyin order."""
    accounts = User.objects.filter(organisation=school, is_active=True)
    return sorted(
        accounts, key=lambda account: (account.role, person_name_sort_key(account.display_name))
    )


# --- Coverage of the responsibility system ---------------------------------------------------
# One rule set, used by the school's coverage page and by the bureaus' grid: a gap is a
# required post without a current holder, an active safety area without one, a current
# holder of a post needing a certificate without a valid one, and a current assignment
# whose letter for this school year is not signed when the grace period has run out.


@dataclass
class Gap:
    kind: str  # "post", "area", "certificate" or "letter"
    label: str
    detail: str = ""
    post: Post | None = None
    area: SafetyArea | None = None
    assignment: Assignment | None = None


@dataclass
class PostRow:
    post: Post
    required: bool
    assignments: list[Assignment] = field(default_factory=list)


@dataclass
class AreaRow:
    area: SafetyArea
    assignments: list[Assignment] = field(default_factory=list)


@dataclass
class SchoolCoverage:
    school: Organisation
    school_year: str
    grace_days: int
    gaps: list[Gap]
    posts: list[PostRow]
    areas: list[AreaRow]

    @property
    def gap_count(self) -> int:
        return len(self.gaps)


def letter_is_overdue(
    *, start_date: datetime.date, school_year: str, grace_days: int, today: datetime.date
) -> bool:
    """An unsigned letter becomes a gap `grace_days` after the later of the assignment's
    start and the school year's first day."""
    begins = max(start_date, school_year_bounds(school_year)[0])
    return today > begins + datetime.timedelta(days=grace_days)


def school_coverage(school: Organisation, *, today: datetime.date | None = None) -> SchoolCoverage:
    """Holders by post and by area, and the gaps, of one unit (a fixed number of queries)."""
    today = today or timezone.localdate()
    school_year = school_year_of(today)
    grace_days = unsigned_letter_grace_days(school)
    kind = Post.UnitKind.SCHOOL if school.is_school else Post.UnitKind.BUREAU
    posts = list(Post.objects.filter(is_active=True, unit_kind=kind))
    areas = list(SafetyArea.objects.filter(is_active=True))
    assignments = list(
        Assignment.objects.current(today)
        .filter(unit=school)
        .select_related("holder", "post")
        .prefetch_related(
            "areas",
            Prefetch(
                "holder__certificates",
                queryset=Certificate.objects.filter(expires_on__gte=today),
                to_attr="valid_certificates",
            ),
            Prefetch(
                "letters",
                queryset=ResponsibilityLetter.objects.filter(school_year=school_year),
                to_attr="year_letters",
            ),
        )
        .order_by("post__order", "holder__name_sort_key", "id")
    )
    post_rows = {post.pk: PostRow(post, post.is_required_for(school)) for post in posts}
    area_rows = {area.pk: AreaRow(area) for area in areas}
    gaps: list[Gap] = []
    for assignment in assignments:
        assignment.letter = assignment.year_letters[0] if assignment.year_letters else None
        if assignment.post_id in post_rows:
            post_rows[assignment.post_id].assignments.append(assignment)
        for area in assignment.areas.all():
            if area.pk in area_rows:
                area_rows[area.pk].assignments.append(assignment)
        certificate_kind = assignment.post.certificate_kind
        assignment.certificate_missing = bool(certificate_kind) and not any(
            c.kind == certificate_kind for c in assignment.holder.valid_certificates
        )
        if assignment.certificate_missing:
            gaps.append(
                Gap(
                    "certificate",
                    _("%(name)s (%(post)s) has no valid %(certificate)s")
                    % {
                        "name": assignment.holder.name,
                        "post": assignment.post.name,
                        "certificate": CertificateKind(certificate_kind).label,
                    },
                    assignment=assignment,
                )
            )
        signed = assignment.letter and assignment.letter.status == "signed"
        assignment.letter_overdue = not signed and letter_is_overdue(
            start_date=assignment.start_date,
            school_year=school_year,
            grace_days=grace_days,
            today=today,
        )
        if assignment.letter_overdue:
            gaps.append(
                Gap(
                    "letter",
                    _("The letter of %(name)s (%(post)s) is not signed")
                    % {"name": assignment.holder.name, "post": assignment.post.name},
                    assignment=assignment,
                )
            )
    post_gaps = [
        Gap("post", _("Nobody holds the post %(post)s") % {"post": row.post.name}, post=row.post)
        for row in post_rows.values()
        if row.required and not row.assignments
    ]
    area_gaps = [
        Gap(
            "area", _("Nobody is responsible for %(area)s") % {"area": row.area.name}, area=row.area
        )
        for row in area_rows.values()
        if not row.assignments and school.is_school
    ]
    shown_posts = [
        row for row in post_rows.values() if row.assignments or row.post.applies_to(school)
    ]
    shown_posts.sort(key=lambda row: (bool(row.assignments) or not row.required, row.post.order))
    shown_areas = sorted(
        area_rows.values(), key=lambda row: (bool(row.assignments), row.area.order)
    )
    return SchoolCoverage(
        school=school,
        school_year=school_year,
        grace_days=grace_days,
        gaps=post_gaps + area_gaps + gaps,
        posts=shown_posts,
        areas=shown_areas,
    )


@dataclass
class GridRow:
    school_id: int
    name: str
    code: str
    county: str
    school_type: str
    covered_areas: set[int]
    missing_posts: int = 0
    missing_areas: int = 0
    certificate_gaps: int = 0
    letter_gaps: int = 0

    @property
    def gap_count(self) -> int:
        return self.missing_posts + self.missing_areas + self.certificate_gaps + self.letter_gaps


def coverage_rows(
    schools: QuerySet[Organisation], *, today: datetime.date | None = None
) -> list[GridRow]:
    """Gap counts of many schools, computed with a fixed number of grouped queries whatever
    the number of schools (each returns at most one row per school and area or post)."""
    today = today or timezone.localdate()
    school_year = school_year_of(today)
    school_values = list(
        schools.values("id", "name", "code", "path", "school_type", "is_boarding", "parent__name")
    )
    areas = list(SafetyArea.objects.filter(is_active=True).values_list("id", flat=True))
    posts = list(Post.objects.filter(is_active=True, unit_kind=Post.UnitKind.SCHOOL))
    current = Assignment.objects.current(today).filter(unit__in=schools)
    covered: dict[int, set[int]] = {}
    for unit_id, area_id in (
        Assignment.areas.through.objects.filter(assignment__in=current.values("pk"))
        .values_list("assignment__unit_id", "safetyarea_id")
        .distinct()
    ):
        covered.setdefault(unit_id, set()).add(area_id)
    held: dict[int, set[int]] = {}
    for unit_id, post_id in current.values_list("unit_id", "post_id").distinct():
        held.setdefault(unit_id, set()).add(post_id)
    valid = Certificate.objects.filter(
        holder=OuterRef("holder"), kind=OuterRef("post__certificate_kind"), expires_on__gte=today
    )
    certificate_gaps = dict(
        current.exclude(post__certificate_kind="")
        .filter(~Exists(valid))
        .values("unit_id")
        .annotate(count=Count("id"))
        .values_list("unit_id", "count")
    )
    signed = ResponsibilityLetter.objects.filter(
        assignment=OuterRef("pk"), school_year=school_year, status="signed"
    )
    unsigned = (
        current.filter(~Exists(signed))
        .values("unit_id", "start_date")
        .annotate(count=Count("id"))
        .values_list("unit_id", "start_date", "count")
    )
    grace = grace_days_by_path(ResponsibilitySettings.objects.all())
    paths = {row["id"]: row["path"] for row in school_values}
    letter_gaps: dict[int, int] = {}
    for unit_id, start_date, count in unsigned:
        if letter_is_overdue(
            start_date=start_date,
            school_year=school_year,
            grace_days=grace(paths[unit_id]),
            today=today,
        ):
            letter_gaps[unit_id] = letter_gaps.get(unit_id, 0) + count
    type_labels = dict(Organisation.SchoolType.choices)
    rows = []
    probe = Organisation(kind=Organisation.Kind.SCHOOL)
    for values in school_values:
        probe.school_type, probe.is_boarding = values["school_type"], values["is_boarding"]
        school_held = held.get(values["id"], set())
        school_covered = covered.get(values["id"], set())
        rows.append(
            GridRow(
                school_id=values["id"],
                name=values["name"],
                code=values["code"],
                county=values["parent__name"],
                school_type=str(type_labels.get(values["school_type"], "")),
                covered_areas=school_covered,
                missing_posts=sum(
                    1
                    for post in posts
                    if post.is_required_for(probe) and post.pk not in school_held
                ),
                missing_areas=sum(1 for area_id in areas if area_id not in school_covered),
                certificate_gaps=certificate_gaps.get(values["id"], 0),
                letter_gaps=letter_gaps.get(values["id"], 0),
            )
        )
    return rows


def coverage_grid(
    *, user: User, filters: dict[str, Any], today: datetime.date | None = None
) -> list[GridRow]:
    """The bureau's grid: its active schools, filtered by county and type, worst first
    (or by name)."""
    schools = Organisation.objects.visible_to(user).schools().filter(is_active=True)
    if filters.get("county"):
        schools = schools.below(filters["county"])
    if filters.get("school_type"):
        schools = schools.filter(school_type=filters["school_type"])
    query = (filters.get("q") or "").strip()
    if query:
        schools = schools.filter(Q(name__icontains=query) | Q(code__startswith=query))
    rows = coverage_rows(schools.order_by("name_sort_key", "id"), today=today)
    if filters.get("sort") != "name":
        rows.sort(key=lambda row: -row.gap_count)  # stable: name order within a gap count
    return rows


def school_gap_count(school: Organisation) -> int:
    """The number of gaps of one school, by the grid's rules (for summaries)."""
    rows = coverage_rows(Organisation.objects.filter(pk=school.pk))
    return rows[0].gap_count if rows else 0


def active_areas() -> QuerySet[SafetyArea]:
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
}


@dataclass
class HistoryChange:
    label: str
    old: Any
    new: Any


def record_history(record: Any) -> QuerySet[AuditEvent]:
    """Every audit row of one record, newest first. The caller has checked the record is
    visible; its history is shown whole (rows of a unit since moved stay with the record)."""
    from django.contrib.contenttypes.models import ContentType

    return (
        AuditEvent.objects.filter(
            target_type=ContentType.objects.get_for_model(type(record)),
            target_id=str(record.pk),
        )
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


def history_rows(model: Any, events: list[AuditEvent]) -> list[list[HistoryChange]]:
    """Each event's changes in the reader's words: field names and choice labels translated,
    times in local time, linked records by name (one query per linked model per page)."""
    from django.db import models as db_models
    from django.utils.dateparse import parse_datetime
    from django.utils.formats import date_format

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
    names = {
        related: {pk: str(obj) for pk, obj in related._base_manager.in_bulk(list(pks)).items()}
        for related, pks in wanted.items()
    }

    def shown(model_field: Any, value: Any) -> Any:
        if value is None or value == "" or model_field is None:
            return value
        if isinstance(model_field, db_models.ForeignKey):
            return names.get(model_field.related_model, {}).get(value, f"#{value}")
        if model_field.choices:
            return dict(model_field.flatchoices).get(value, value)
        if isinstance(model_field, db_models.BooleanField):
            return _("Yes") if value else _("No")
        if isinstance(model_field, db_models.DateTimeField):
            moment = parse_datetime(str(value))
            if moment is not None:
                return date_format(timezone.localtime(moment), "DATETIME_FORMAT")
        return value

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
