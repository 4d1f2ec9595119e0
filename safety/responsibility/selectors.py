"""Reads of the responsibility system shared by views, services and other apps: already
scoped, with the joins and aggregates they need. Nothing here changes a row."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from safety import roles
from safety.access import access_object
from safety.models import Organisation, SafetyArea, User, school_year_bounds, school_year_of
from safety.onerow import instances_of, one_row, rows_of
from safety.preparedness import selectors as preparedness_selectors
from safety.scoping import nearest_unit_setting

from .models import (
    Assignment,
    Certificate,
    CertificateKind,
    Holder,
    LetterEvent,
    LetterIssueRequest,
    Post,
    ResponsibilityLetter,
    ResponsibilitySettings,
)

# --- Access: one helper per object kind (the view's first line) ------------------------------


def _change_permission(for_change: bool) -> str | None:
    return roles.MANAGE_RESPONSIBILITIES if for_change else None


def access_holder(user: User, pk: int, *, for_change: bool = False) -> Holder:
    """The holder `pk` with its unit and account, scoped to the user's jurisdiction.

    Raises `Http404` when it does not exist or lies outside the jurisdiction, and — with
    `for_change` — `PermissionDenied` when the user's role may not manage responsibilities.
    """
    return access_object(
        Holder.objects.select_related("unit", "user"),
        user,
        permission=_change_permission(for_change),
        pk=pk,
    )


def access_assignment(user: User, pk: int, *, for_change: bool = False) -> Assignment:
    """The assignment `pk` with its unit, post, holder, predecessor and successor, scoped to the
    user's jurisdiction. Raises `Http404` for outsiders and, with `for_change`,
    `PermissionDenied` for a role that may not manage responsibilities."""
    related = ("unit", "post", "holder", "handed_over_from__holder", "handed_over_to__holder")
    return access_object(
        Assignment.objects.select_related(*related),
        user,
        permission=_change_permission(for_change),
        pk=pk,
    )


def access_letter(user: User, pk: int, *, for_change: bool = False) -> ResponsibilityLetter:
    """The responsibility letter `pk` with its assignment's unit, scoped to the user's
    jurisdiction. Raises `Http404` for outsiders and, with `for_change`, `PermissionDenied`
    for a role that may not manage responsibilities."""
    return access_object(
        ResponsibilityLetter.objects.select_related("assignment__unit"),
        user,
        permission=_change_permission(for_change),
        pk=pk,
    )


def access_letter_issue(user: User, pk: int) -> LetterIssueRequest:
    """The bulk issue request `pk` (#23: its progress page) with its unit, for those who may
    manage responsibilities there (who could have asked for it). Raises `Http404` when it
    does not exist or its unit lies outside the user's jurisdiction, `PermissionDenied` for a
    role that may not manage responsibilities."""
    return access_object(
        LetterIssueRequest.objects.select_related("unit", "requested_by"),
        user,
        permission=roles.MANAGE_RESPONSIBILITIES,
        pk=pk,
    )


def open_letter_issue(unit: Organisation | None) -> LetterIssueRequest | None:
    """The unit's latest bulk issue request still queued or running (#23: the letter list
    links to its page), or None."""
    if unit is None:
        return None
    return (
        LetterIssueRequest.objects.filter(
            unit=unit,
            status__in=(LetterIssueRequest.Status.QUEUED, LetterIssueRequest.Status.RUNNING),
        )
        .order_by("-requested_at", "-pk")
        .first()
    )


# --- Lists -----------------------------------------------------------------------------------


def holder_list(*, user: User, query: str = "") -> QuerySet[Holder]:
    """The holders the user may see, matching `query` (name, phone prefix or unit name),
    each annotated with `current_posts`, in pinyin order of their names."""
    holders = Holder.objects.visible_to(user).select_related("unit", "user")
    if query:
        holders = holders.filter(
            Q(name__icontains=query) | Q(phone__startswith=query) | Q(unit__name__icontains=query)
        )
    return holders.annotate(
        current_posts=Count("assignments", filter=Q(assignments__end_date__isnull=True))
    ).order_by("name_sort_key", "id")  # Meta.ordering does not survive the aggregate


def letter_list(
    *, user: User, school_year: str, status: str = "", query: str = ""
) -> QuerySet[ResponsibilityLetter]:
    """The letters of a school year the user may see, optionally of one status (ignored
    unless a `ResponsibilityLetter.Status` value) and matching `query` (holder or unit)."""
    letters = ResponsibilityLetter.objects.visible_to(user).select_related("assignment__unit")
    letters = letters.filter(school_year=school_year)
    if status in ResponsibilityLetter.Status.values:
        letters = letters.filter(status=status)
    if query:
        letters = letters.filter(Q(holder_name__icontains=query) | Q(unit_name__icontains=query))
    return letters


def holder_assignments(holder: Holder) -> QuerySet[Assignment]:
    """Every assignment of a holder, newest first, with its post."""
    return holder.assignments.select_related("post").order_by("-start_date")


def assignment_letters(assignment: Assignment) -> QuerySet[ResponsibilityLetter]:
    """The letters of an assignment, newest school year first, with their timelines."""
    events = LetterEvent.objects.select_related("actor")  # #23: the actors with their events
    return assignment.letters.prefetch_related(Prefetch("events", queryset=events)).order_by(
        "-school_year"
    )


def first_responsible_names(units: Iterable[Organisation], on: datetime.date) -> dict[int, str]:
    """Unit id → the name of its current first responsible person (one query); units without
    one are missing from the dict."""
    rows = (
        Assignment.objects.current(on)
        .filter(unit__in=list(units), post__level=Post.Level.FIRST)
        .order_by("unit_id", "start_date", "id")
        .values_list("unit_id", "holder__name")
    )
    names: dict[int, str] = {}
    for unit_id, name in rows:
        names.setdefault(unit_id, name)
    return names


# --- Settings --------------------------------------------------------------------------------


def unsigned_letter_grace_days(unit: Organisation) -> int:
    """The grace period set by the nearest bureau at or above `unit` that has a settings
    row; `ResponsibilitySettings.DEFAULT_GRACE_DAYS` when none has. One query."""
    row = nearest_unit_setting(ResponsibilitySettings.objects.all(), unit, unit_field="unit")
    return row.unsigned_letter_grace_days if row else ResponsibilitySettings.DEFAULT_GRACE_DAYS


def grace_days_by_path() -> Callable[[str], int]:
    """For many units at once: a function unit path → grace days, by the same rule as
    `unsigned_letter_grace_days`, from the settings rows read once (a small table)."""
    by_path = dict(
        ResponsibilitySettings.objects.values_list("unit__path", "unsigned_letter_grace_days")
    )

    def lookup(path: str) -> int:
        best, best_length = ResponsibilitySettings.DEFAULT_GRACE_DAYS, -1
        for prefix, days in by_path.items():
            if path.startswith(prefix) and len(prefix) > best_length:
                best, best_length = days, len(prefix)
        return best

    return lookup


# --- Coverage --------------------------------------------------------------------------------
# One rule set, used by the school's coverage page and by the bureaus' grid: a gap is a
# required post without a current holder, an active safety area without one, a current
# holder of a post needing a certificate without a valid one, and a current assignment
# whose letter for this school year is not signed when the grace period has run out.


@dataclass
class Gap:
    kind: str  # "post", "area", "certificate", "letter" or "team" (emergency team, #14)
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


def _current_assignments(
    unit: Organisation, today: datetime.date, school_year: str
) -> list[Assignment]:
    """The unit's assignments in force, with their areas (one prefetch), whether the holder
    has a valid certificate of the post's kind (`has_valid_certificate`) and this school
    year's letter (`year_letter_id`, `year_letter_status`), annotated in the same query."""
    valid = Certificate.objects.filter(
        holder=OuterRef("holder"), kind=OuterRef("post__certificate_kind"), expires_on__gte=today
    )
    year_letter = ResponsibilityLetter.objects.filter(
        assignment=OuterRef("pk"), school_year=school_year
    ).order_by("pk")[:1]
    return list(
        Assignment.objects.current(today)
        .filter(unit=unit)
        .select_related("holder", "post")
        .prefetch_related("areas")
        .annotate(
            has_valid_certificate=Exists(valid),
            year_letter_id=Subquery(year_letter.values("pk")),
            year_letter_status=Subquery(year_letter.values("status")),
        )
        .order_by("post__order", "holder__name_sort_key", "id")
    )


def _assignment_gaps(
    assignment: Assignment, *, school_year: str, grace_days: int, today: datetime.date
) -> list[Gap]:
    """The certificate and letter gaps of one current assignment; also sets the flags the
    coverage page shows on its row (`letter`, `certificate_missing`, `letter_overdue`)."""
    gaps = []
    assignment.letter = None  # the page shows its status only (id, school year, status)
    if assignment.year_letter_id is not None:
        assignment.letter = ResponsibilityLetter(
            pk=assignment.year_letter_id,
            assignment_id=assignment.pk,
            school_year=school_year,
            status=assignment.year_letter_status,
        )
    certificate_kind = assignment.post.certificate_kind
    assignment.certificate_missing = bool(certificate_kind) and not (
        assignment.has_valid_certificate
    )
    names = {"name": assignment.holder.name, "post": assignment.post.name}
    if assignment.certificate_missing:
        label = _("%(name)s (%(post)s) has no valid %(certificate)s") % {
            **names,
            "certificate": CertificateKind(certificate_kind).label,
        }
        gaps.append(Gap("certificate", label, assignment=assignment))
    signed = assignment.letter and assignment.letter.status == "signed"
    assignment.letter_overdue = not signed and letter_is_overdue(
        start_date=assignment.start_date,
        school_year=school_year,
        grace_days=grace_days,
        today=today,
    )
    if assignment.letter_overdue:
        label = _("The letter of %(name)s (%(post)s) is not signed") % names
        gaps.append(Gap("letter", label, assignment=assignment))
    return gaps


def _unfilled_gaps(
    unit: Organisation, post_rows: Iterable[PostRow], area_rows: Iterable[AreaRow]
) -> list[Gap]:
    """Required posts nobody holds, then (schools only) areas nobody covers."""
    post_gaps = [
        Gap("post", _("Nobody holds the post %(post)s") % {"post": row.post.name}, post=row.post)
        for row in post_rows
        if row.required and not row.assignments
    ]
    area_gaps = [
        Gap(
            "area", _("Nobody is responsible for %(area)s") % {"area": row.area.name}, area=row.area
        )
        for row in area_rows
        if not row.assignments and unit.is_school
    ]
    return post_gaps + area_gaps


# The catalogue fields the coverage page reads of a post and of an area (the post's duty
# text, for the letters, is left out).
_POST_FIELDS = (
    "id",
    "key",
    "name_zh",
    "name_en",
    "unit_kind",
    "level",
    "is_required",
    "boarding_only",
    "school_types",
    "certificate_kind",
    "order",
    "is_active",
)
_AREA_FIELDS = ("id", "key", "name_zh", "name_en", "description", "order", "is_active")


def _coverage_reads(unit: Organisation) -> dict[str, Any]:
    """The unit's letter grace period, the active posts of its kind, the active safety areas
    and its emergency team gaps (#14), in one query (safety.onerow)."""
    kind = Post.UnitKind.SCHOOL if unit.is_school else Post.UnitKind.BUREAU
    nearest = (
        ResponsibilitySettings.objects.filter(unit_id__in=unit.ancestor_ids)
        .order_by(Length("unit__path").desc())
        .values("unsigned_letter_grace_days")[:1]
    )
    row = one_row(
        unit.pk,
        {
            "grace_days": Subquery(nearest, output_field=IntegerField()),
            "posts": rows_of(
                Post.objects.filter(is_active=True, unit_kind=kind).values(*_POST_FIELDS),
                _POST_FIELDS,
            ),
            "areas": rows_of(
                SafetyArea.objects.filter(is_active=True).values(*_AREA_FIELDS), _AREA_FIELDS
            ),
            "team_gaps": rows_of(
                preparedness_selectors.team_gap_members(unit).values("holder__name", "team__name"),
                ("holder__name", "team__name"),
            ),
        },
    )
    return {
        "grace_days": (
            ResponsibilitySettings.DEFAULT_GRACE_DAYS
            if row["grace_days"] is None
            else row["grace_days"]
        ),
        "posts": instances_of(Post, row["posts"]),
        "areas": instances_of(SafetyArea, row["areas"]),
        "team_gaps": row["team_gaps"],
    }


def school_coverage(school: Organisation, *, today: datetime.date | None = None) -> SchoolCoverage:
    """Holders by post and by area, and the gaps, of one unit (school or bureau), on `today`
    (default: today). Three queries: the catalogue, grace period and team gaps in one
    (`_coverage_reads`), the current assignments with their certificate and letter state,
    and their areas. The caller has checked the unit is visible."""
    today = today or timezone.localdate()
    school_year = school_year_of(today)
    reads = _coverage_reads(school)
    grace_days = reads["grace_days"]
    post_rows = {post.pk: PostRow(post, post.is_required_for(school)) for post in reads["posts"]}
    area_rows = {area.pk: AreaRow(area) for area in reads["areas"]}
    assignment_gaps: list[Gap] = []
    for assignment in _current_assignments(school, today, school_year):
        if assignment.post_id in post_rows:
            post_rows[assignment.post_id].assignments.append(assignment)
        for area in assignment.areas.all():
            if area.pk in area_rows:
                area_rows[area.pk].assignments.append(assignment)
        assignment_gaps += _assignment_gaps(
            assignment, school_year=school_year, grace_days=grace_days, today=today
        )
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
        gaps=_unfilled_gaps(school, post_rows.values(), area_rows.values())
        + assignment_gaps
        + _team_gaps(reads["team_gaps"]),
        posts=shown_posts,
        areas=shown_areas,
    )


def _team_gaps(members: list[dict[str, str]]) -> list[Gap]:
    """Emergency preparedness (issue #14): members of the unit's emergency teams who left
    (rows of holder and team names)."""
    return [
        Gap(
            "team",
            _("%(name)s of the %(team)s has left the school")
            % {"name": member["holder__name"], "team": member["team__name"]},
        )
        for member in members
    ]


@dataclass
class GridRow:
    """One unit of the coverage grid: a school, or a bureau with its own posts (a bureau has
    no safety areas to cover: its `missing_areas` stay 0). `school_id` is the unit's id."""

    school_id: int
    name: str
    code: str
    county: str
    school_type: str
    covered_areas: set[int]
    is_school: bool = True
    missing_posts: int = 0
    missing_areas: int = 0
    certificate_gaps: int = 0
    letter_gaps: int = 0
    team_gaps: int = 0  # emergency team members who left (issue #14)

    @property
    def gap_count(self) -> int:
        return (
            self.missing_posts
            + self.missing_areas
            + self.certificate_gaps
            + self.letter_gaps
            + self.team_gaps
        )


def _held_and_covered(
    current: QuerySet[Assignment],
) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    """Unit id → the posts held there, and unit id → the safety areas covered there, by the
    current assignments, in one query (a row per assignment and area it covers, or one row
    with no area)."""
    held: dict[int, set[int]] = {}
    covered: dict[int, set[int]] = {}
    rows = current.order_by().values_list("unit_id", "post_id", "areas").distinct()
    for unit_id, post_id, area_id in rows:
        held.setdefault(unit_id, set()).add(post_id)
        if area_id is not None:
            covered.setdefault(unit_id, set()).add(area_id)
    return held, covered


def _certificate_and_letter_gaps(
    current: QuerySet[Assignment], paths: dict[int, str], school_year: str, today: datetime.date
) -> tuple[dict[int, int], dict[int, int]]:
    """Unit id → current holders of a post needing a certificate without a valid one, and
    unit id → current assignments whose letter is unsigned past the grace period: one grouped
    query (by unit and start date, which decides a letter's deadline) and the grace days."""
    valid = Certificate.objects.filter(
        holder=OuterRef("holder"), kind=OuterRef("post__certificate_kind"), expires_on__gte=today
    )
    signed = ResponsibilityLetter.objects.filter(
        assignment=OuterRef("pk"), school_year=school_year, status="signed"
    )
    rows = (
        current.order_by()
        .values("unit_id", "start_date")
        .annotate(
            certificates=Count("id", filter=Q(~Q(post__certificate_kind=""), ~Exists(valid))),
            unsigned=Count("id", filter=~Exists(signed)),
        )
        .values_list("unit_id", "start_date", "certificates", "unsigned")
    )
    grace = grace_days_by_path()
    certificate_gaps: dict[int, int] = {}
    letter_gaps: dict[int, int] = {}
    for unit_id, start_date, certificates, unsigned in rows:
        if certificates:
            certificate_gaps[unit_id] = certificate_gaps.get(unit_id, 0) + certificates
        if unsigned and letter_is_overdue(
            start_date=start_date,
            school_year=school_year,
            grace_days=grace(paths[unit_id]),
            today=today,
        ):
            letter_gaps[unit_id] = letter_gaps.get(unit_id, 0) + unsigned
    return certificate_gaps, letter_gaps


def coverage_rows(
    schools: QuerySet[Organisation],
    *,
    today: datetime.date | None = None,
    area_ids: list[int] | None = None,
) -> list[GridRow]:
    """Gap counts of many units — schools and bureaus, by the rules of `school_coverage` —
    computed with a fixed number of queries whatever the number of units (six: the units,
    the active areas, the posts, the posts held and areas covered, the certificate and
    letter gaps, the grace days; each returns at most one row per unit and area, post or
    start date). `schools` is already scoped by the
    caller; rows keep its order. `area_ids`: the active safety areas, when the caller
    already holds them."""
    today = today or timezone.localdate()
    school_year = school_year_of(today)
    school_values = list(
        schools.values(
            "id",
            "name",
            "code",
            "path",
            "kind",
            "school_type",
            "is_boarding",
            "parent__name",
            team_gaps=preparedness_selectors.team_gap_count(),  # emergency teams (#14)
        )
    )
    areas = area_ids
    if areas is None:
        areas = list(SafetyArea.objects.filter(is_active=True).values_list("id", flat=True))
    posts = list(Post.objects.filter(is_active=True))
    current = Assignment.objects.current(today).filter(unit__in=schools)
    held, covered = _held_and_covered(current)
    paths = {row["id"]: row["path"] for row in school_values}
    certificate_gaps, letter_gaps = _certificate_and_letter_gaps(current, paths, school_year, today)
    rows = []
    for values in school_values:
        row = _grid_row(values, covered.get(values["id"], set()))
        row.missing_posts = _missing_posts(values, posts, held.get(values["id"], set()))
        row.missing_areas = (
            sum(1 for area_id in areas if area_id not in row.covered_areas) if row.is_school else 0
        )
        row.certificate_gaps = certificate_gaps.get(values["id"], 0)
        row.letter_gaps = letter_gaps.get(values["id"], 0)
        row.team_gaps = values["team_gaps"]
        rows.append(row)
    return rows


def _grid_row(values: dict[str, Any], covered: set[int]) -> GridRow:
    labels = dict(Organisation.SchoolType.choices)
    return GridRow(
        school_id=values["id"],
        name=values["name"],
        code=values["code"],
        county=values["parent__name"],
        school_type=str(labels.get(values["school_type"], "")),
        covered_areas=covered,
        is_school=values["kind"] == Organisation.Kind.SCHOOL,
    )


def _missing_posts(values: dict[str, Any], posts: list[Post], held: set[int]) -> int:
    """Posts required of a unit of this kind (type, boarding) that nobody holds there."""
    probe = Organisation(
        kind=values["kind"], school_type=values["school_type"], is_boarding=values["is_boarding"]
    )
    return sum(1 for post in posts if post.is_required_for(probe) and post.pk not in held)


SUMMARY_FIELDS = ("missing_posts", "missing_areas", "certificate_gaps", "letter_gaps", "team_gaps")


def kept_coverage_values(units: QuerySet[Organisation]) -> QuerySet:
    """The units as `values()` rows with their gap summary's columns (models.GapSummary):
    one query when evaluated, which a caller may page first (the API's cursor pages); turned
    into rows by `coverage_rows_from_kept`."""
    kept = {f"kept_{name}": F(f"gap_summary__{name}") for name in SUMMARY_FIELDS}
    return units.values(
        "id",
        "name",
        "code",
        "kind",
        "school_type",
        "parent__name",
        kept_on=F("gap_summary__on"),
        kept_areas=F("gap_summary__covered_areas"),
        **kept,
    )


def kept_coverage_rows(
    units: QuerySet[Organisation], *, today: datetime.date | None = None
) -> list[GridRow]:
    """`coverage_rows(units)` read from the units' gap summaries (models.GapSummary, kept by
    the services and the nightly task): one query for the units with a summary of `today`;
    the units without one (new, or stale because the nightly task did not run) are counted
    live by `coverage_rows` in its fixed number of queries. Same rows, same order."""
    return coverage_rows_from_kept(list(kept_coverage_values(units)), today=today)


def coverage_rows_from_kept(
    values: list[dict[str, Any]], *, today: datetime.date | None = None
) -> list[GridRow]:
    """Rows of `kept_coverage_values`, in their order, as `GridRow`s: the summary of `today`
    where there is one, else counted live (`coverage_rows`, six queries for all of them)."""
    today = today or timezone.localdate()
    stale = [row["id"] for row in values if row["kept_on"] != today]
    live = {}
    if stale:
        live_rows = coverage_rows(Organisation.objects.filter(pk__in=stale), today=today)
        live = {row.school_id: row for row in live_rows}
    rows = []
    for row in values:
        if row["id"] in live:
            rows.append(live[row["id"]])
            continue
        grid_row = _grid_row(row, set(row["kept_areas"] or ()))
        for name in SUMMARY_FIELDS:
            setattr(grid_row, name, row[f"kept_{name}"])
        rows.append(grid_row)
    return rows


def coverage_grid(
    *, user: User, filters: dict[str, Any], today: datetime.date | None = None
) -> list[GridRow]:
    """The bureau's grid: the active units the user may see — its schools and bureaus, its
    own included — filtered by the coverage filter form's cleaned data (county, type, search;
    a school type leaves the bureaus out), worst first (or by name)."""
    schools = Organisation.objects.visible_to(user).filter(is_active=True)
    if filters.get("county"):
        schools = schools.below(filters["county"])
    if filters.get("school_type"):
        schools = schools.filter(school_type=filters["school_type"])
    query = (filters.get("q") or "").strip()
    if query:
        schools = schools.filter(Q(name__icontains=query) | Q(code__startswith=query))
    rows = kept_coverage_rows(schools.order_by("name_sort_key", "id"), today=today)
    if filters.get("sort") != "name":
        rows.sort(key=lambda row: -row.gap_count)  # stable: name order within a gap count
    return rows


def unit_gap_count(unit: Organisation) -> int:
    """The number of gaps of one unit (school or bureau), by the grid's rules (for the
    summaries on the home pages; the same number as `school_coverage(unit).gap_count`)."""
    rows = kept_coverage_rows(Organisation.objects.filter(pk=unit.pk))
    return rows[0].gap_count if rows else 0


school_gap_count = unit_gap_count  # the name the school pages use
