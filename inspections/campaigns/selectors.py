"""Reads of the special campaigns and of supervisory-inspection coverage (issue #18)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, When
from django.utils import timezone

from safety import roles
from safety.access import access_object
from safety.models import (  # noqa: F401  (semester_of and semester_from_key: used through this module)
    Organisation,
    Semester,
    User,
    school_year_bounds,
    semester_from_key,
    semester_of,
)
from safety.onerow import count_of
from safety.scoping import jurisdiction_path
from safety.selectors import counties_visible_to

from ..models import Hazard, Inspection
from .models import Campaign, CampaignForward, CampaignTask

BOARD_STATUSES = ("not_started", "in_progress", "submitted", "late")


def is_bureau_user(user: User) -> bool:
    return bool(user.is_authenticated and user.unit_id and user.unit.is_bureau)


def access_campaign(user: User, pk: Any, *, for_change: bool = False) -> Campaign:
    """The campaign (404 outside the jurisdiction); `for_change`: 403 unless the user
    supervises (bureau officials)."""
    queryset = Campaign.objects.select_related("bureau", "checklist__template", "created_by")
    return access_object(queryset, user, permission=roles.SUPERVISE if for_change else None, pk=pk)


def access_board(user: User, pk: Any) -> Campaign:
    """A campaign's board: bureau accounts only (403 for schools)."""
    campaign = access_campaign(user, pk)
    if not is_bureau_user(user):
        raise PermissionDenied
    return campaign


def access_task(user: User, pk: Any, *, for_change: bool = False) -> CampaignTask:
    # #23: the school's county (the forward looked up) and the submitter the page names.
    queryset = CampaignTask.objects.select_related(
        "campaign__bureau",
        "campaign__checklist__template",
        "school__parent",
        "inspection",
        "submitted_by",
    )
    task = access_object(
        queryset, user, permission=roles.ANSWER_SUPERVISION if for_change else None, pk=pk
    )
    if for_change and user.unit_id != task.school_id:
        raise PermissionDenied
    return task


def counties_below(user: User) -> QuerySet[Organisation]:
    """The county bureaus strictly below the user's unit (none for a county or a school):
    the county choices of the campaign and notice forms."""
    unit = user.unit
    return counties_visible_to(user).exclude(pk=unit.pk if unit else None)


def target_schools(bureau: Organisation, filters: dict[str, Any]) -> QuerySet[Organisation]:
    """The active schools below `bureau` matching `filters` (county id, school_type,
    boarding "yes"/"no"; empty values ignored). A county outside `bureau` matches nothing."""
    schools = Organisation.objects.below(bureau).schools().filter(is_active=True)
    if filters.get("county"):
        schools = schools.filter(parent_id=filters["county"])
    if filters.get("school_type"):
        schools = schools.filter(school_type=filters["school_type"])
    if filters.get("boarding") in ("yes", "no"):
        schools = schools.filter(is_boarding=filters["boarding"] == "yes")
    return schools


def campaign_list(user: User, state: str = "") -> QuerySet[Campaign]:
    """Campaigns the user sees, with the counts of the tasks in the user's jurisdiction;
    `state="to_forward"`: only those waiting for the user's county to forward them."""
    path = jurisdiction_path(user) or ""
    campaigns = Campaign.objects.visible_to(user)
    if state == "to_forward":
        campaigns = campaigns.filter(pk__in=awaiting_forward(user).values("pk"))
    # #23: a campaign of a bureau within the jurisdiction has every task in it: its kept
    # counts (a province campaign has 20,000 tasks to count per row). A campaign of a bureau
    # above (a county reading the city's) counts the jurisdiction's own tasks, a subquery
    # evaluated for the page's rows only (CASE evaluates the branch it takes).
    counts = {"task_count": F("tasks_total"), "submitted_count": F("tasks_submitted")}
    if path:  # not the whole installation
        mine = CampaignTask.objects.filter(campaign=OuterRef("pk"), school__path__startswith=path)
        submitted = mine.filter(status=CampaignTask.Status.SUBMITTED)
        whole = Q(bureau__path__startswith=path)
        counts = {
            "task_count": Case(When(whole, then=counts["task_count"]), default=count_of(mine)),
            "submitted_count": Case(
                When(whole, then=counts["submitted_count"]), default=count_of(submitted)
            ),
        }
    return campaigns.select_related("bureau").annotate(**counts).order_by("-created_at", "-id")


def school_tasks(user: User, state: str = "") -> QuerySet[CampaignTask]:
    """The campaign tasks of the user's jurisdiction, open ones first (a school's to-do);
    `state="open"`: only those not submitted yet."""
    tasks = CampaignTask.objects.visible_to(user)
    if state == "open":
        tasks = tasks.exclude(status=CampaignTask.Status.SUBMITTED)
    return tasks.select_related("campaign__bureau", "school").order_by("status", "deadline", "id")


def open_tasks(user: User) -> QuerySet[CampaignTask]:
    """The campaign tasks of the user's own school not submitted yet (the home's to-do;
    the same rows as `school_tasks(user, "open")` for a school account)."""
    return CampaignTask.objects.filter(school_id=user.unit_id).exclude(
        status=CampaignTask.Status.SUBMITTED
    )


def awaiting_forward(user: User) -> QuerySet[Campaign]:
    """Campaigns of a bureau above the user's county that cover its schools, are still
    running (deadline not passed: a forwarding must not be later) and that the county has
    not forwarded yet. Empty for any other unit."""
    unit = user.unit if user.is_authenticated else None
    if unit is None or unit.kind != Organisation.Kind.COUNTY:
        return Campaign.objects.none()
    covered = CampaignTask.objects.filter(
        campaign=OuterRef("pk"), school__path__startswith=unit.path
    )
    forwarded = CampaignForward.objects.filter(campaign=OuterRef("pk"), county=unit)
    return (
        Campaign.objects.exclude(bureau=unit)
        .filter(Exists(covered), deadline__gte=timezone.localdate())
        .exclude(Exists(forwarded))
    )


def open_task_count(user: User) -> int:
    return school_tasks(user).exclude(status=CampaignTask.Status.SUBMITTED).count()


def _late() -> Q:
    return ~Q(status=CampaignTask.Status.SUBMITTED) & Q(deadline__lt=timezone.localdate())


def board_tasks(user: User, campaign: Campaign, filters: dict[str, Any]) -> QuerySet:
    """The campaign's tasks in the user's jurisdiction, filtered by county and status."""
    tasks = (
        CampaignTask.objects.visible_to(user)
        .filter(campaign=campaign)
        .select_related("school__parent", "inspection")
        .annotate(
            hazard_count=Count("inspection__hazards", distinct=True),
            closed_count=Count(
                "inspection__hazards",
                filter=Q(inspection__hazards__status=Hazard.Status.CLOSED),
                distinct=True,
            ),
        )
    )
    if filters.get("county"):
        tasks = tasks.filter(school__parent_id=filters["county"])
    status = filters.get("status")
    if status == "late":
        tasks = tasks.filter(_late())
    elif status in ("not_started", "in_progress"):
        tasks = tasks.filter(status=status).exclude(_late())
    elif status == "submitted":
        tasks = tasks.filter(status=status)
    return tasks.order_by("school__parent__name_sort_key", "school__name_sort_key", "id")


@dataclass
class CountyRow:
    county: Organisation
    total: int
    not_started: int
    in_progress: int
    submitted: int
    late: int
    forward: CampaignForward | None

    @property
    def percent(self) -> int:
        return round(100 * self.submitted / self.total) if self.total else 0


def board_counties(
    user: User, campaign: Campaign, forwards: dict[int, CampaignForward] | None = None
) -> list[CountyRow]:
    """Completion per county (the school's parent unit), with the county's forwarding: two
    queries (one without `forwards`), flat in schools."""
    today = timezone.localdate()
    submitted = Q(status=CampaignTask.Status.SUBMITTED)
    rows = (
        CampaignTask.objects.visible_to(user)
        .filter(campaign=campaign)
        .values("school__parent", "school__parent__name", "school__parent__name_sort_key")
        .annotate(
            total=Count("id"),
            submitted=Count("id", filter=submitted),
            late=Count("id", filter=~submitted & Q(deadline__lt=today)),
            in_progress=Count(
                "id", filter=Q(status=CampaignTask.Status.IN_PROGRESS) & Q(deadline__gte=today)
            ),
        )
    )
    if forwards is None:
        forwards = campaign_forwards(campaign)
    result = []
    for row in rows:
        unit_id = row["school__parent"]
        county = Organisation(
            pk=unit_id,
            name=row["school__parent__name"],
            name_sort_key=row["school__parent__name_sort_key"],
        )
        result.append(
            CountyRow(
                county=county,
                total=row["total"],
                submitted=row["submitted"],
                late=row["late"],
                in_progress=row["in_progress"],
                not_started=row["total"] - row["submitted"] - row["late"] - row["in_progress"],
                forward=forwards.get(unit_id),
            )
        )
    return sorted(result, key=lambda r: (r.county.name_sort_key, r.county.pk))


def campaign_forwards(campaign: Campaign) -> dict[int, CampaignForward]:
    """The campaign's forwardings by county id (one query)."""
    return {f.county_id: f for f in CampaignForward.objects.filter(campaign=campaign)}


def board_count(rows: list[CountyRow], filters: dict[str, Any]) -> int:
    """The number of school rows `board_tasks` gives for `filters`, from the county table
    (saves the paginator its COUNT)."""
    if filters.get("county"):
        rows = [row for row in rows if row.county.pk == filters["county"]]
    status = filters.get("status")
    if status in BOARD_STATUSES:
        return sum(getattr(row, status) for row in rows)
    return sum(row.total for row in rows)


def board_hazards(user: User, campaign: Campaign) -> dict[str, int]:
    """Hazards the campaign found in the user's jurisdiction, and how many are closed."""
    return (
        Hazard.objects.visible_to(user)
        .filter(campaign=campaign)
        .aggregate(found=Count("id"), rectified=Count("id", filter=Q(status=Hazard.Status.CLOSED)))
    )


def summary_context(user: User, campaign: Campaign) -> dict[str, Any]:
    """What the campaign summary PDF shows to `user` (their jurisdiction's part)."""
    return {
        "campaign": campaign,
        "unit": user.unit,
        "counties": board_counties(user, campaign),
        "hazards": board_hazards(user, campaign),
        "late_tasks": list(board_tasks(user, campaign, {"status": "late"})[:200]),
        "generated": timezone.localtime(),
    }


def forward_of(campaign: Campaign, unit: Organisation | None) -> CampaignForward | None:
    if unit is None:
        return None
    return CampaignForward.objects.filter(campaign=campaign, county=unit).first()


def may_forward(user: User, campaign: Campaign) -> bool:
    """A county official may forward a campaign of a bureau above the county."""
    unit = user.unit if user.is_authenticated else None
    return bool(
        unit is not None
        and unit.kind == Organisation.Kind.COUNTY
        and user.has_perm(roles.SUPERVISE)
        and campaign.bureau_id != unit.pk
        and unit.is_within(campaign.bureau)
    )


# --- supervisory-inspection coverage -------------------------------------------------------


def _supervisions(semester: Semester) -> QuerySet[Inspection]:
    return Inspection.objects.filter(
        kind=Inspection.Kind.COUNTY,
        status=Inspection.Status.SUBMITTED,
        inspected_on__gte=semester.start,
        inspected_on__lte=semester.end,
    )


def county_coverage(county: Organisation, semester: Semester) -> QuerySet[Organisation]:
    """The county's active schools, each with its latest supervisory inspection of the
    semester (date, inspector, id) or none: one query."""
    latest = _supervisions(semester).filter(school=OuterRef("pk")).order_by("-inspected_on", "-id")
    return (
        Organisation.objects.filter(parent=county)
        .schools()
        .filter(is_active=True)
        .annotate(
            inspected_on=Subquery(latest.values("inspected_on")[:1]),
            inspection_id=Subquery(latest.values("pk")[:1]),
            inspector_name=Subquery(latest.values("inspector__full_name")[:1]),
        )
        .order_by("inspected_on", "name_sort_key", "id")
    )


@dataclass
class CoverageRow:
    county: Organisation
    total: int
    done: int
    late: bool

    @property
    def missing(self) -> int:
        return self.total - self.done


def city_coverage(city: Organisation, semester: Semester) -> list[CoverageRow]:
    """Per county under `city`: schools, schools with a supervisory inspection this semester,
    and "late" once the semester has ended with schools missing. Three queries."""
    counties = list(Organisation.objects.filter(parent=city, kind=Organisation.Kind.COUNTY))
    totals = dict(
        Organisation.objects.filter(parent__in=counties, kind=Organisation.Kind.SCHOOL)
        .filter(is_active=True)
        .values_list("parent")
        .annotate(n=Count("id"))
    )
    done = dict(
        _supervisions(semester)
        .filter(school__parent__in=counties, school__is_active=True)
        .values_list("school__parent")
        .annotate(n=Count("school", distinct=True))
    )
    ended = semester.end < timezone.localdate()
    rows = [CoverageRow(c, totals.get(c.pk, 0), done.get(c.pk, 0), False) for c in counties]
    for row in rows:
        row.late = ended and row.done < row.total
    return rows


def spot_check_results(school: Organisation, school_year: str) -> QuerySet[Inspection]:
    """The city's spot checks of `school` in the school year, each with its hazard counts."""
    first, last = school_year_bounds(school_year)
    return (
        Inspection.objects.filter(
            school=school,
            kind=Inspection.Kind.SPOT_CHECK,
            inspected_on__gte=first,
            inspected_on__lte=last,
        )
        .select_related("inspector", "checklist__template")
        .annotate(
            hazard_count=Count("hazards"),
            major_count=Count("hazards", filter=Q(hazards__severity=Hazard.Severity.MAJOR)),
            closed_count=Count("hazards", filter=Q(hazards__status=Hazard.Status.CLOSED)),
        )
        .order_by("-inspected_on", "-id")
    )
