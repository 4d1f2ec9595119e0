"""Actions that look alike: on every page each submit button says its own action, and a
refused form shows each error once (every URL pattern of the permission matrix, as each
persona allowed to use it)."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.matrix.test_permission_matrix import RULES
from tests.matrix.world import build_world

# --- reading a page -----------------------------------------------------------------------


class Page(HTMLParser):
    """The submit buttons of each POST form, the error messages and the visible text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.buttons: list[str] = []
        self.errors: list[str] = []
        self.text: list[str] = []
        self._form_method = ""
        self._button: list[str] | None = None
        self._error_depth = 0
        self._error: list[str] = []
        self._stack: list[tuple[str, bool, bool]] = []
        self._lists: list[bool] = []
        self._alert = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self._form_method = (attributes.get("method") or "get").lower()
        elif tag == "button" and self._form_method == "post":
            if (attributes.get("type") or "submit") == "submit":
                self._button = []
        elif tag == "input" and attributes.get("type") == "submit" and self._form_method:
            self.buttons.append((attributes.get("value") or "").strip())
        classes = (attributes.get("class") or "").split()
        if tag in ("br", "input", "img", "meta", "link", "hr"):
            return
        in_error_list = bool(self._lists) and self._lists[-1]
        if tag in ("ul", "ol"):
            self._lists.append("errorlist" in classes or self._alert > 0)
        if "alert-danger" in classes:
            self._alert += 1
        is_error = (
            "invalid-feedback" in classes
            or (tag == "li" and in_error_list)
            or ("alert-danger" in classes and self._error_depth == 0)
        )
        self._stack.append((tag, is_error, "alert-danger" in classes))
        if is_error:
            self._error_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form_method = ""
        elif tag == "button" and self._button is not None:
            self.buttons.append(" ".join("".join(self._button).split()))
            self._button = None
        if tag in ("br", "input", "img", "meta", "link", "hr") or not self._stack:
            return
        opened, is_error, is_alert = self._stack.pop()
        if opened in ("ul", "ol") and self._lists:
            self._lists.pop()
        if is_alert:
            self._alert -= 1
        if is_error:
            self._error_depth -= 1
            if self._error_depth == 0:
                self._collect("".join(self._error))
                self._error = []

    def _collect(self, text: str) -> None:
        # An alert listing its errors is read item by item; its lead sentence is not an error.
        for part in text.split("\n") if "\n" in text else [text]:
            part = " ".join(part.split())
            if part:
                self.errors.append(part)

    def handle_data(self, data: str) -> None:
        if self._button is not None:
            self._button.append(data)
        if self._error_depth:
            self._error.append(data)
        self.text.append(data)

    @property
    def visible_text(self) -> str:
        return " ".join(" ".join(self.text).split())


# --- every page: no two submit buttons share a label ---------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.test import override_settings

    media = tmp_path_factory.mktemp("actions-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        built = build_world()
        built.media = media
        yield built
        transaction.set_rollback(True)


def _walk(world, method: str):
    """(persona, url, response) for every URL pattern of the permission matrix, as each
    persona allowed to use it, on the object of side A; each request rolled back."""
    for name, rule in sorted(RULES.items()):
        allowed = rule.get if method == "get" else rule.post
        for persona in sorted(allowed or ()):
            client = Client()
            client.force_login(getattr(world.people, persona))
            for target in rule.targets(world, persona, "a"):
                url = reverse(name, kwargs=target.kwargs)
                data = {} if method == "post" else dict(target.data)
                data.pop("_mine", None)
                with transaction.atomic():
                    response = getattr(client, method)(url, data)
                    transaction.set_rollback(True)
                if "text/html" in response.get("Content-Type", "") and response.status_code in (
                    200,
                    400,
                ):
                    yield persona, url, response


@pytest.mark.django_db
def test_no_page_shows_two_submit_buttons_with_the_same_label(world, settings):
    settings.MEDIA_ROOT = world.media
    failures = []
    for persona, url, response in _walk(world, "get"):
        labels = Counter(Page(response.content.decode()).buttons)
        twice = sorted(label for label, count in labels.items() if count > 1)
        if twice:
            failures.append(f"{persona:22} {url}: {twice}")
    assert not failures, "\n" + "\n".join(failures)


@pytest.mark.django_db
def test_no_page_shows_an_error_twice_after_an_invalid_post(world, settings, monkeypatch):
    settings.MEDIA_ROOT = world.media
    monkeypatch.setattr(
        "safety.responsibility.services.letter_pdf", lambda letter: b"%PDF-1.4 stub"
    )
    failures = []
    for persona, url, response in _walk(world, "post"):
        page = Page(response.content.decode())
        text = page.visible_text
        for error in set(page.errors):
            # Two fields may fail with the same message; one failure shown twice may not.
            if text.count(error) > page.errors.count(error):
                failures.append(f"{persona:22} POST {url}: {error!r} shown {text.count(error)}×")
    assert not failures, "\n" + "\n".join(failures)


def test_the_page_reader_finds_a_repeated_error():
    html = (
        '<div class="alert alert-danger"><ul><li>负责人: 必填</li></ul></div>'
        '<form method="post"><div class="invalid-feedback"><strong>必填</strong></div>'
        "<button>确认</button></form><form method=post><button>确认</button></form>"
    )
    page = Page(html)
    assert page.buttons == ["确认", "确认"]
    assert page.visible_text.count("必填") == 2 and "必填" in page.errors
