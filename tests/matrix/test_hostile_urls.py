"""Every URL pattern of the product, asked for with out-of-range, malformed and overlong values
in each of its path parameters and in every query parameter the page reads, as a signed-in
persona who may use it: the answer is a page, a redirect, a form error, 403 or 404, never a 500.

The patterns and the objects come from the permission matrix (tests/safety/
test_permission_matrix.py), so a new URL is walked here as soon as it has its matrix row. The
query parameters are discovered, not listed: the page is asked for once with a probe parameter
while every read of the request's GET dictionary is recorded (a bound filter form reads each
of its fields; a view reads `page`, `draw`, `thumb`… itself). Each parameter is then sent alone,
and beside every choice of the page's filter forms (a month only counts when the period is
"a chosen month").

Meaningful on PostgreSQL as well (CI): there an id beyond the integer column's range is an
error of the database, not an empty result.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import pytest
from django import forms
from django.db import transaction
from django.http import QueryDict
from django.test import Client

from .test_permission_matrix import RULES, SIGNED_IN, url_patterns, world  # noqa: F401
from .world import PERSONAS

HOSTILE = (
    "0",
    "-1",
    str(2**31),
    str(2**63),
    str(10**30),
    "0001-01",
    "0000-00",
    "2026-00",
    "2026-13",
    "9999-12",
    "9999-99",
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "abc",
    "x" * 5000,
)
# Query strings get one value of each kind (a number out of range, a month and a date out of
# range or impossible, text, overlong): every page multiplies them by its filters.
QUERY_HOSTILE = (
    "-1",
    str(2**63),
    "0001-01",
    "9999-99",
    "0001-01-01",
    "2026-02-30",
    "abc",
    "x" * 5000,
)
ANSWERS = frozenset({200, 302, 400, 403, 404, 405})
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
# The parts of a page a request may not change: the CSRF token and the language switch.
NOT_FILTERS = frozenset({"next", "csrfmiddlewaretoken", "_probe"})


def _routes() -> dict[str, str]:
    return dict(url_patterns())


def _persona(name: str) -> tuple[str, str]:
    """A persona who may use the view and the method to use it with."""
    rule = RULES[name]
    allowed, method = (rule.get, "get") if rule.get is not None else (rule.post, "post")
    for persona in PERSONAS:
        if persona in (allowed or SIGNED_IN):
            return persona, method
    raise AssertionError(name)


def _url(route: str, kwargs: dict[str, Any]) -> str:
    return "/" + PARAMETER.sub(lambda match: quote(str(kwargs[match["name"]]), safe=""), route)


def _send(client: Client, method: str, url: str, data: dict[str, Any]):
    with transaction.atomic():
        response = getattr(client, method)(url, data)
        transaction.set_rollback(True)
    return response


class _Reads:
    """Records the keys read from immutable query dictionaries (a request's GET) and the
    forms bound to them, while a probe request runs."""

    def __init__(self, monkeypatch):
        self.keys: set[str] = set()
        self.forms: list[forms.BaseForm] = []
        for method in ("__getitem__", "get", "getlist", "__contains__"):
            original = getattr(QueryDict, method)
            monkeypatch.setattr(QueryDict, method, self._recording(original))
        original_init = forms.BaseForm.__init__

        def init(form, *args, **kwargs):
            original_init(form, *args, **kwargs)
            if isinstance(form.data, QueryDict) and "_probe" in form.data:
                self.forms.append(form)

        monkeypatch.setattr(forms.BaseForm, "__init__", init)

    def _recording(self, original):
        keys = self.keys

        def method(query, key, *args, **kwargs):
            if not query._mutable and isinstance(key, str):
                keys.add(key)
            return original(query, key, *args, **kwargs)

        return method

    def companions(self) -> list[dict[str, str]]:
        """Profiles of the forms' choice fields: the n-th profile sets every field to its n-th
        choice, so each choice of each field meets the hostile values once."""
        choices = {}
        for form in self.forms:
            for key, field in form.fields.items():
                if isinstance(field, forms.ChoiceField) and not isinstance(
                    field, forms.ModelChoiceField
                ):
                    values = [str(value) for value, _label in field.choices if value != ""]
                    if values:
                        choices[form.add_prefix(key)] = values
        longest = max((len(values) for values in choices.values()), default=0)
        return [
            {key: values[index % len(values)] for key, values in choices.items()}
            for index in range(longest)
        ]


def _path_failures(client, name, route, method, target) -> list[str]:
    failures = []
    for parameter in PARAMETER.finditer(route):
        for value in HOSTILE:
            url = _url(route, {**target.kwargs, parameter["name"]: value})
            response = _send(client, method, url, target.data)
            if response.status_code not in ANSWERS:
                failures.append(f"{method.upper()} {url[:90]}: {response.status_code}")
    return failures


def _discover(client, url, monkeypatch) -> _Reads:
    with monkeypatch.context() as patch:
        reads = _Reads(patch)
        _send(client, "get", url, {"_probe": "1"})
    return reads


def _query_failures(client, url, monkeypatch) -> list[str]:
    reads = _discover(client, url, monkeypatch)
    keys = sorted(reads.keys - NOT_FILTERS)
    failures = []
    profiles = reads.companions()
    for key in keys:
        # A hostile choice only makes its form invalid: it needs no companions.
        for profile in [{}] if key in (profiles or [{}])[0] else [{}, *profiles]:
            for value in QUERY_HOSTILE:
                query = {**profile, key: value}
                response = _send(client, "get", url, query)
                if response.status_code not in ANSWERS:
                    shown = {k: v[:20] for k, v in query.items()}
                    failures.append(f"GET {url} {shown}: {response.status_code}")
    return failures


@pytest.mark.parametrize("name", sorted(RULES))
def test_hostile_values_in_urls_never_answer_500(name, world, db, settings, monkeypatch):  # noqa: F811
    settings.MEDIA_ROOT = world.media
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    monkeypatch.setattr(
        "safety.responsibility.services.letter_pdf", lambda letter: b"%PDF-1.4 stub"
    )
    route = _routes()[name]
    persona, method = _persona(name)
    client = Client(raise_request_exception=False)
    client.force_login(getattr(world.people, persona))
    failures = []
    for target in RULES[name].targets(world, persona, "a")[:1]:
        failures += _path_failures(client, name, route, method, target)
        if method == "get":
            failures += _query_failures(client, _url(route, target.kwargs), monkeypatch)
    assert not failures, f"{name} as {persona}:\n" + "\n".join(failures[:40])


def test_the_probe_finds_the_filters_of_a_page(world, db, monkeypatch):  # noqa: F811
    """The discovery the walk relies on: the ledger's filter form and its paginator."""
    client = Client()
    client.force_login(world.people.city_official)
    reads = _discover(client, "/hazards/", monkeypatch)
    assert {"q", "status", "date_from", "date_to", "county", "page"} <= reads.keys
    assert "status" in reads.companions()[0]
