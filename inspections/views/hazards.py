from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from safety import roles
from safety.exports import csv_response
from safety.exportviews import export_start
from safety.operations.replica import read_as_the_view_did
from safety.paging import paginate
from safety.tables import sorted_page
from safety.uploads import file_response

from .. import exports, forms, selectors, services, tables
from ..models import Hazard

# The blank form of each transition the detail page may offer (views: hazard_transitions);
# "assign" needs the hazard and is built in render_hazard_page.
TRANSITION_FORMS: dict[str, type[Form]] = {
    "fix_on_spot": forms.FixOnSpotForm,
    "submit": forms.SubmitForm,
    "verify": forms.VerifyForm,
    "return": forms.ReturnForm,
    "request_extension": forms.ExtensionRequestForm,
    "decide_extension": forms.DecisionForm,
    "reopen": forms.ReopenForm,
}


@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    form = forms.LedgerFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    rows, counts, total = selectors.ledger(user=request.user, filters=filters)
    # The grouped count already gave the total: the paginator needs no COUNT(*).
    table = None
    if request.user.is_bureau_user:
        # #20: bureaus read the ledger as a sortable table at desktop width (the phone keeps
        # the cards); both show the same page of rows.
        table, paged = sorted_page(
            request, tables.HazardTable, tables.with_updated(rows), count=total
        )
    else:
        paged = paginate(request, rows, count=total)
    status_query = request.GET.copy()
    for name in ("page", "status"):
        status_query.pop(name, None)
    context = {
        "form": form,
        **paged.context(),
        "counts": [(value, label, counts[value]) for value, label in Hazard.Status.choices],
        "total_all": sum(counts.values()),
        "current_status": filters.get("status", ""),
        "status_query": status_query.urlencode(),
        "filtered": any(value for value in filters.values()),
        "table": table,
    }
    return render(request, "inspections/hazard_ledger.html", context)


@login_required
def ledger_export(request: HttpRequest) -> HttpResponse:
    """The ledger's rows under the page's filters: a background export (safety.exportjobs:
    the page asks, a job writes .xlsx, or .csv beyond exports.XLSX_MAX_ROWS rows), or with
    `format=csv` the rows streamed as .csv at once (the first bytes leave before any row is
    read, so no request waits for the whole file)."""
    if request.method == "GET" and request.GET.get("format") == "csv":
        filters = exports.ledger_filters(request.user, request.GET)
        sheet = exports.hazard_sheet(selectors.export_rows(user=request.user, filters=filters))
        rows = read_as_the_view_did(sheet.rows)  # the replica, as the view reads (#22)
        return csv_response(sheet.header, rows, filename=f"{exports.file_name()}.csv")
    return export_start(request, exports.LEDGER.name)


@login_required
def hazard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = selectors.access_hazard(request.user, pk)
    return render_hazard_page(request, hazard)


def render_hazard_page(
    request: HttpRequest, hazard: Hazard, *, status: int = 200, **bound: Any
) -> HttpResponse:
    """The hazard page with a form for each transition the user may attempt; `bound` holds
    the refused form of a transition (by name) to show with its errors."""
    actions = selectors.available_actions(request.user, hazard)
    action_forms = {}
    for name in actions:
        if name in bound:
            action_forms[name] = bound[name]
        elif name == "assign":
            action_forms[name] = forms.AssignForm(hazard=hazard)
        else:
            action_forms[name] = TRANSITION_FORMS[name]()
    context = {"hazard": hazard, "actions": actions, "action_forms": action_forms}
    return render(request, "inspections/hazard_detail.html", context, status=status)


@login_required
def hazard_new(request: HttpRequest) -> HttpResponse:
    school = request.user.unit
    if school is None or not school.is_school or not request.user.has_perm(roles.REPORT_HAZARD):
        raise PermissionDenied
    form = forms.HazardReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        hazard = services.hazard_report(actor=request.user, school=school, **form.cleaned_data)
        messages.success(request, _("Hazard reported."))
        return redirect("inspections:hazard_detail", pk=hazard.pk)
    return render(request, "inspections/hazard_form.html", {"form": form})


@login_required
def photo(request: HttpRequest, pk: int, size: str) -> FileResponse:
    stored = selectors.access_photo(request.user, pk)
    field = stored.thumbnail if size == "thumb" else stored.image
    return file_response(field, download_name=stored.original_name or "photo", as_attachment=False)
