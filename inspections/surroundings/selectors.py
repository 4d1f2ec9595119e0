"""Scoped reads of the surroundings ledger, joint meetings and public reports; the access
helpers every view fetches through (404 outside the jurisdiction, 403 for a role that may
not act). A department liaison sees its county's spots and meetings (models.LiaisonScoped…)
and no public report."""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.core import signing
from django.db.models import Count, Q
from django.http import Http404
from django.urls import reverse
from django.utils.safestring import mark_safe

from safety import roles
from safety.access import access_object
from safety.models import Organisation
from safety.pdf import render_pdf

from .models import JointMeeting, MeetingDecision, PublicReport, SurroundingsSpot

POSTER_SALT = "surroundings.public-report"


def access_spot(user: Any, pk: int, *, permission: str | None = None) -> SurroundingsSpot:
    queryset = SurroundingsSpot.objects.select_related(
        "school", "reported_by", "answered_by", "public_report"
    )
    return access_object(queryset, user, permission=permission, pk=pk)


def access_meeting(user: Any, pk: int) -> JointMeeting:
    return access_object(JointMeeting.objects.select_related("bureau", "recorded_by"), user, pk=pk)


def access_decision(user: Any, pk: int, *, for_change: bool = False) -> MeetingDecision:
    permission = roles.COMPLETE_DECISION if for_change else None
    return access_object(
        MeetingDecision.objects.select_related("meeting__bureau"),
        user,
        permission=permission,
        pk=pk,
    )


def access_report(user: Any, pk: int, *, for_change: bool = False) -> PublicReport:
    permission = roles.HANDLE_PUBLIC_REPORT if for_change else None
    return access_object(
        PublicReport.objects.select_related("school", "decided_by"),
        user,
        permission=permission,
        pk=pk,
    )


def access_school(user: Any, pk: int) -> Organisation:
    return access_object(Organisation.objects.schools(), user, pk=pk)


def spots(user: Any, filters: dict[str, Any]):
    rows = SurroundingsSpot.objects.visible_to(user).select_related("school")
    for name in ("status", "kind", "department", "found_by"):
        if filters.get(name):
            rows = rows.filter(**{name: filters[name]})
    if filters.get("open"):
        rows = rows.open()
    if filters.get("q"):
        text = filters["q"]
        rows = rows.filter(
            Q(place__icontains=text)
            | Q(description__icontains=text)
            | Q(school__name__icontains=text)
        )
    return rows


def open_spots_by_kind(user: Any) -> list[tuple[str, int]]:
    """(kind label, number of open spots) for the user's jurisdiction, largest first."""
    labels = dict(SurroundingsSpot.Kind.choices)
    counts = (
        SurroundingsSpot.objects.visible_to(user)
        .open()
        .values("kind")
        .annotate(n=Count("id"))
        .order_by("-n", "kind")
    )
    return [(str(labels.get(row["kind"], row["kind"])), row["n"]) for row in counts]


def poster_token(school: Organisation) -> str:
    """The signed token of a school's public form (the QR code's address): it names the
    school without letting anyone walk through the others."""
    return signing.Signer(salt=POSTER_SALT).sign(str(school.pk)).replace(":", ".")


def school_for_token(token: str) -> Organisation:
    """The active school of a public-form token, or Http404."""
    try:
        pk = signing.Signer(salt=POSTER_SALT).unsign(token[:120].replace(".", ":"))
        return Organisation.objects.schools().get(pk=int(pk), is_active=True)
    except (signing.BadSignature, ValueError, Organisation.DoesNotExist) as exc:
        raise Http404 from exc


POSTER_TEMPLATE = "inspections/surroundings/pdf/poster.html"


def poster_pdf(school: Organisation) -> bytes:
    """The school's printable poster: its name and the QR code of its public form (segno
    draws the code as SVG; WeasyPrint prints it with the bundled fonts)."""
    address = settings.PUBLIC_BASE_URL.rstrip("/") + reverse(
        "surroundings:public_form", args=[poster_token(school)]
    )
    qr = segno.make(address, error="m")
    context = {
        "school": school,
        "address": address,
        "qr_svg": mark_safe(qr.svg_inline(scale=6, border=2)),  # noqa: S308  (segno's SVG)
    }
    return render_pdf(POSTER_TEMPLATE, context)
