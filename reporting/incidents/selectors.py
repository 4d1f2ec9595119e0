"""Reads of incidents shared by views, the PDF and the school page: scoped, with their joins."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Case, Prefetch, Q, QuerySet, When
from django.http import Http404
from django.utils import timezone

from inspections.models import Hazard
from safety import roles
from safety.access import access_object
from safety.models import Holder, Organisation, User
from safety.onerow import read_together
from safety.selectors import local_days

from .models import (
    AccountabilityAction,
    ClosureItem,
    Incident,
    IncidentAttachment,
    IncidentEvent,
    IncidentReport,
    LateExplanation,
    PersonDealtWith,
    SchoolVeto,
    late_q,
    missed_q,
)

FLAG_CHOICES = ("late", "missed", "concealed", "on_time")


def access_incident(
    user: User, pk: int, *, for_change: bool = False, for_detail: bool = False
) -> Incident:
    """The incident `pk` if the user may see it (its school lies in their jurisdiction); with
    `for_detail`, loaded with the detail page's joins (`incident_for_detail`, without the
    lists the page reads with `detail_lists`) in the same read, so the page does not fetch
    it twice.

    Raises `Http404` for an incident that does not exist or lies outside the jurisdiction;
    with `for_change`, `PermissionDenied` unless the role may act on incidents at all
    (every such role may report one; the service checks the action's own permission).
    """
    permission = roles.REPORT_INCIDENT if for_change else None
    incidents = Incident.objects.select_related("school", "school__parent")
    return access_object(
        incident_for_detail(incidents, lists=False) if for_detail else incidents,
        user,
        permission=permission,
        pk=pk,
    )


def access_incident_attachment(user: User, pk: int) -> IncidentAttachment:
    """An attachment of an incident the user may see; `Http404` otherwise."""
    return access_object(IncidentAttachment, user, pk=pk)


def incident_list(*, user: User, filters: dict[str, Any]) -> QuerySet[Incident]:
    """Incidents the user may see, filtered by the incident-list form's cleaned data."""
    incidents = Incident.objects.visible_to(user).select_related("school", "school__parent")
    query = (filters.get("q") or "").strip()
    if query:
        incidents = incidents.filter(
            Q(summary__icontains=query)
            | Q(place__icontains=query)
            | Q(school__name__icontains=query)
        )
    for field in ("status", "category", "severity"):
        if filters.get(field):
            incidents = incidents.filter(**{field: filters[field]})
    flag = filters.get("flag")
    now = timezone.now()
    if flag == "late":
        incidents = incidents.filter(late_q(now))
    elif flag == "on_time":
        incidents = incidents.exclude(late_q(now)).exclude(missed_q())
    elif flag == "missed":
        incidents = incidents.filter(missed_q())
    elif flag == "concealed":
        incidents = incidents.filter(concealed_at__isnull=False)
    if filters.get("county"):
        incidents = incidents.filter(school__path__startswith=filters["county"].path)
    if filters.get("school"):
        incidents = incidents.filter(school=filters["school"])
    if filters.get("date_from") or filters.get("date_to"):
        dates = local_days("occurred_at", filters.get("date_from"), filters.get("date_to"))
        incidents = incidents.filter(dates)
    explanation = filters.get("explanation")
    if explanation == "to_write":
        incidents = incidents.filter(late_explanation__in=LateExplanation.objects.to_write())
    elif explanation == "to_decide":
        incidents = incidents.filter(late_explanation__in=LateExplanation.objects.to_decide())
    if filters.get("veto"):
        vetoes = SchoolVeto.objects.filter(year=filters["veto"])
        incidents = incidents.filter(pk__in=vetoes.values("incident_id"))
    return incidents


def incident_for_detail(queryset: QuerySet[Incident], *, lists: bool = True) -> QuerySet[Incident]:
    """The detail page's joins: reports with their files, closure items, and with `lists`
    the items' files and hazards, the events with their actors and the people dealt with
    (the page reads these with its choice lists instead: `detail_lists`)."""
    listed = (
        Prefetch("events", queryset=IncidentEvent.objects.select_related("actor")),
        Prefetch(
            "people_dealt_with",
            queryset=PersonDealtWith.objects.select_related("holder__unit", "action"),
        ),
    )
    return queryset.select_related(
        "school",
        "school__parent",
        "late_explanation__submitted_by",
        "late_explanation__decided_by",
        "created_by",
        "acknowledged_by",
        "closed_by",
        "concealed_by",
    ).prefetch_related(
        Prefetch(
            "reports",
            queryset=IncidentReport.objects.select_related("submitted_by").prefetch_related(
                "attachments"
            ),
        ),
        *(listed if lists else ()),
        Prefetch(
            "closure_items",
            queryset=ClosureItem.objects.select_related("recorded_by").prefetch_related(
                *(
                    (
                        "attachments",
                        Prefetch("hazards", queryset=Hazard.objects.select_related("area")),
                    )
                    if lists
                    else ()
                )
            ),
        ),
    )


def incident_with_timeline(incident: Incident, *, lists: bool = True) -> Incident:
    """The incident (already fetched through `access_incident`) again with the detail page's
    joins (`incident_for_detail`, `lists` alike): a constant number of queries however long
    its history."""
    return incident_for_detail(Incident.objects.filter(pk=incident.pk), lists=lists).get()


@dataclass(frozen=True)
class DetailLists:
    """The incident page's short lists, read together (`detail_lists`)."""

    events: list[IncidentEvent]  # with their actors, oldest first
    people_dealt_with: list[PersonDealtWith]  # with holder, holder's unit and action
    holders: list[Holder] | None  # the choices of the forms, None when not offered
    actions: list[AccountabilityAction] | None
    hazards: list[Hazard] | None


def detail_lists(user: User, incident: Incident, *, choices: bool) -> DetailLists:
    """The incident's events and people dealt with and, with `choices`, the closure forms'
    choice lists (`dealt_with_candidates`, `offered_actions`, `linkable_hazards`): all in
    one query (#23), with the files and linked hazards of its closure items, which are
    attached to `incident.closure_items` (loaded by `incident_for_detail(lists=False)`) as
    a prefetch would. Each list is what its queryset gives, in its order."""
    links = ClosureItem.hazards.through.objects.filter(closureitem__incident=incident)
    lists = [
        IncidentAttachment.objects.filter(closure_item__incident=incident),
        links.select_related("hazard__area").order_by("id"),
        IncidentEvent.objects.filter(incident=incident).select_related("actor"),
        PersonDealtWith.objects.filter(incident=incident).select_related("holder__unit", "action"),
    ]
    if choices:
        lists += [
            dealt_with_candidates(user, incident),
            offered_actions(),
            linkable_hazards(user, incident.school),
        ]
    attachments, links, *read = read_together(*lists)
    for item in incident.closure_items.all():
        _as_prefetched(
            item, "attachments", [a for a in attachments if a.closure_item_id == item.pk]
        )
        _as_prefetched(
            item, "hazards", [link.hazard for link in links if link.closureitem_id == item.pk]
        )
    return DetailLists(*read, *[None] * (5 - len(read)))


def _as_prefetched(instance: Any, name: str, objects: list[Any]) -> None:
    """`objects` as the prefetched result of `instance.<name>` (a related manager)."""
    manager = getattr(instance, name)
    rows = manager.get_queryset()
    rows._result_cache, rows._prefetch_done = objects, True
    key = getattr(manager, "prefetch_cache_name", None) or manager.field.remote_field.cache_name
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[key] = rows


def current_closure_items(incident: Incident) -> dict[str, ClosureItem | None]:
    """The latest record of each of the four items, in the order of the rule."""
    latest: dict[str, ClosureItem] = {}
    for item in incident.closure_items.all():  # ordered newest first within each kind
        latest.setdefault(item.kind, item)
    return {kind: latest.get(kind) for kind in ClosureItem.Kind.values}


LINKABLE_HAZARDS = 50


def linkable_hazards(user: User, school: Organisation) -> QuerySet[Hazard]:
    """The hazards a rectification item may link: the school's, visible to the user, the
    LINKABLE_HAZARDS most recent with open ones first (a bounded list, evaluated lazily)."""
    order = (Case(When(status=Hazard.Status.CLOSED, then=1), default=0), "-created_at", "-id")
    recent = Hazard.objects.visible_to(user).filter(school=school).order_by(*order)
    return (
        Hazard.objects.filter(pk__in=recent.values("pk")[:LINKABLE_HAZARDS])
        .select_related("area")
        .order_by(*order)
    )


def latest_report(incident: Incident) -> IncidentReport | None:
    reports = list(incident.reports.all())
    return reports[-1] if reports else None


# A picture is drawn into the incident file when its stored file (the thumbnail when there is
# one) is at most this size; larger ones, and PDFs, are listed only.
PDF_PICTURE_MAX_BYTES = 512 * 1024


@dataclass
class FileAttachment:
    """One attachment as the incident file lists it."""

    name: str
    is_image: bool  # a photo, or else a PDF document
    size: int  # bytes of the stored file
    report: IncidentReport | None  # the report version it came with, or
    closure_item: ClosureItem | None  # the closure item it is evidence of
    picture: str = ""  # a data: URI of the picture, when small enough to draw


def _picture_uri(attachment: IncidentAttachment) -> str:
    if not attachment.is_image:
        return ""
    stored = attachment.thumbnail or attachment.file
    if stored.size > PDF_PICTURE_MAX_BYTES:
        return ""
    with stored.open("rb") as handle:
        encoded = base64.b64encode(handle.read()).decode("ascii")
    return f"data:{attachment.content_type};base64,{encoded}"


def incident_file_attachments(incident: Incident) -> list[FileAttachment]:
    """Every attachment of the incident's reports and closure items, in upload order, with
    its name, kind, size and what it belongs to; small pictures carry a data: URI so the PDF
    needs no storage URL. Reads each stored file's size (and a small picture's bytes): for the
    PDF job, not for a page."""
    attachments = IncidentAttachment.objects.filter(incident=incident).select_related(
        "report", "closure_item"
    )
    return [
        FileAttachment(
            name=attachment.original_name,
            is_image=attachment.is_image,
            size=attachment.file.size,
            report=attachment.report,
            closure_item=attachment.closure_item,
            picture=_picture_uri(attachment),
        )
        for attachment in attachments
    ]


def incident_file_context(incident: Incident) -> dict[str, Any]:
    incident = incident_with_timeline(incident)
    items = current_closure_items(incident)
    return {
        "attachments": incident_file_attachments(incident),
        "incident": incident,
        "reports": list(incident.reports.all()),
        "events": list(incident.events.all()),
        "closure_items": [(ClosureItem.Kind(kind).label, item) for kind, item in items.items()],
        "veto": SchoolVeto.objects.filter(incident=incident).first(),
        "site_url": settings.SITE_URL.rstrip("/"),
        "now": timezone.now(),
    }


def school_vetoes_query(school: Organisation) -> QuerySet[SchoolVeto]:
    """The school's one-vote vetoes, newest year first, as a queryset."""
    return SchoolVeto.objects.filter(school=school)


def school_vetoes(school: Organisation) -> list[SchoolVeto]:
    """The school's one-vote vetoes, newest year first (for the school page and assessments)."""
    return list(school_vetoes_query(school).select_related("incident"))


def school_is_vetoed(school: Organisation, year: int) -> bool:
    """For later assessments: is the school under the one-vote veto for `year`?"""
    return SchoolVeto.objects.filter(school=school, year=year).exists()


# --- accountability (责任追究, issue #19) -----------------------------------------------------


def person_dealt_with_of(incident: Incident, pk: int) -> PersonDealtWith:
    """A person dealt with of `incident` (already fetched through `access_incident`), with
    the holder and action; `Http404` when `pk` is not one of the incident's."""
    try:
        return incident.people_dealt_with.select_related("holder", "action").get(pk=pk)
    except PersonDealtWith.DoesNotExist as missing:
        raise Http404 from missing


def dealt_with_candidates(user: User, incident: Incident) -> QuerySet[Holder]:
    """The responsibility holders who may be recorded as dealt with after `incident`: the
    active holders of its school and of the bureau the school reports to, that the user can
    see, the school's first then by name (pinyin)."""
    units = [incident.school_id, incident.school.parent_id]
    return (
        Holder.objects.visible_to(user)
        .filter(unit_id__in=units, is_active=True)
        .select_related("unit")
        .order_by(Case(When(unit_id=incident.school_id, then=0), default=1), "name_sort_key")
    )


def offered_actions() -> QuerySet[AccountabilityAction]:
    """The accountability actions offered in forms (the setting list, mildest first)."""
    return AccountabilityAction.objects.filter(is_active=True)


def honours_barred(*, user: User, year: int, county: Organisation | None = None):
    """The people barred from honours (评优评先) in `year` the user may see (by the person's
    unit: a county its bureau's and schools' people, the city all), optionally of one
    county: one row per person dealt with for a liability incident of that year, with the
    person, unit, action and incident; ordered by unit then name. One query."""
    records = PersonDealtWith.objects.visible_to(user).barring_honours(year)
    if county is not None:
        records = records.filter(holder__unit__path__startswith=county.path)
    return records.select_related("holder__unit", "action", "incident__school").order_by(
        "holder__unit__name", "holder__name_sort_key", "incident__occurred_at", "id"
    )


def holder_accountability(holder: Holder) -> list[PersonDealtWith]:
    """Every time the holder was dealt with after an incident, newest first, each with
    `bars_year`: the year it bars them from honours (a liability incident closed as such),
    or None. One query."""
    records = list(
        PersonDealtWith.objects.filter(holder=holder)
        .select_related("action", "incident__school")
        .order_by("-incident__occurred_at", "-id")
    )
    for record in records:
        incident = record.incident
        barring = incident.is_closed and incident.is_liability
        record.bars_year = timezone.localtime(incident.occurred_at).year if barring else None
    return records


# --- the written explanation of a late report (issue #19) -------------------------------------


def explanation_of(incident: Incident) -> LateExplanation | None:
    """The incident's late-report explanation, if one was requested (no query when the
    incident came through `incident_for_detail`)."""
    try:
        return incident.late_explanation
    except LateExplanation.DoesNotExist:
        return None


def explanations_to_write(user: User) -> QuerySet[LateExplanation]:
    """Explanations the user's school owes (requested, or returned for revision): the school
    to-do item, for accounts that report incidents."""
    return LateExplanation.objects.visible_to(user).to_write()


def explanations_to_decide(user: User) -> QuerySet[LateExplanation]:
    """Submitted explanations of the user's jurisdiction waiting for a decision: the bureau
    to-do item."""
    return LateExplanation.objects.visible_to(user).to_decide()
