"""Irreversible steps ask once: a POST without `confirm=yes` runs the step's service inside a
savepoint that is rolled back, so the same guards and validation answer (403, the form's
errors) and nothing changes; when the step would succeed, a confirmation page asks, carrying
the posted fields. It works without any script (the CSP allows none inline).

    with transaction.atomic():
        services.incident_close(...)
        if not confirm.is_confirmed(request):
            return confirm.ask(request, question=..., button=..., back_url=...)

`ask` marks the savepoint for rollback, so it must be called inside that `atomic` block.
Forms with uploaded files cannot be carried over a page (a file input cannot be refilled);
they ask in the form itself instead.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

CONFIRM_FIELD = "confirm"
CONFIRMED = "yes"
CARRIED_OVER_EXCLUDED = {"csrfmiddlewaretoken", CONFIRM_FIELD}


def is_confirmed(request: HttpRequest) -> bool:
    """Whether the POST carries the confirmation of its irreversible step."""
    return request.POST.get(CONFIRM_FIELD) == CONFIRMED


def ask(request: HttpRequest, *, question: str, button: str, back_url: str) -> HttpResponse:
    """Roll back the enclosing savepoint (the dry run of the step) and render the page that
    asks `question` once; its only submit button says `button` (the action) and posts the
    same fields again with `confirm=yes` to the same URL. Returns a 200 response."""
    transaction.set_rollback(True)
    fields = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in CARRIED_OVER_EXCLUDED
        for value in values
    ]
    context = {
        "question": question,
        "button": button,
        "back_url": back_url,
        "fields": fields,
        "action_url": request.get_full_path(),
        "confirm_field": CONFIRM_FIELD,
        "confirmed": CONFIRMED,
    }
    # Rendered once the view has returned, after the rolled-back block: a block marked for
    # rollback accepts no query, and the page's context processors query.
    return TemplateResponse(request, "safety/confirm.html", context)
