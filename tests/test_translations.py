"""The Chinese catalogue is complete: every message of the interface has a translation."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise

from safety import audit
from safety.models import AUDIT_ACTION_LABELS
from safety.selectors import HISTORY_MODELS
from safety.services import audit_record
from tests.conftest import services_required
from tests.matrix.world import build_world

CATALOGUE = Path(__file__).resolve().parents[1] / "locale/zh_Hans/LC_MESSAGES/django.po"


def test_every_message_has_a_chinese_translation():
    if shutil.which("msgfmt") is None:
        if services_required():
            pytest.fail("msgfmt (gettext) is missing")
        pytest.skip("msgfmt (gettext) is not installed")
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(CATALOGUE)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr, result.stderr
    assert "fuzzy" not in result.stderr, result.stderr


# --- Every label and value of the interface goes through the catalogue ---------------------

PRODUCT_APPS = ("safety", "inspections", "reporting", "api")
PRODUCT_ROOT = Path(__file__).resolve().parents[1]


def _catalogue_entries() -> list[tuple[str, str, str]]:
    """(msgid, msgid_plural, first msgstr) of every entry of the Chinese catalogue."""
    text = CATALOGUE.read_text(encoding="utf-8")
    entries = []
    for block in text.split("\n\n"):
        if block.lstrip().startswith("#~"):
            continue
        fields: dict[str, str] = {}
        current = ""
        for line in block.splitlines():
            match = re.match(r'^(msgid|msgid_plural|msgstr|msgstr\[0\]) "(.*)"$', line)
            if match:
                current = match.group(1).replace("[0]", "")
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if fields.get("msgid"):
            entries.append(
                (fields["msgid"], fields.get("msgid_plural", ""), fields.get("msgstr", ""))
            )
    return entries


def test_every_model_and_field_has_a_translatable_name():
    missing = []
    for model in apps.get_models():
        if model._meta.app_label not in PRODUCT_APPS:
            continue
        if not isinstance(model._meta.verbose_name, Promise):
            missing.append(model._meta.label)
        for field in model._meta.get_fields():
            if field.auto_created or not hasattr(field, "verbose_name"):
                continue
            if not isinstance(field.verbose_name, Promise):
                missing.append(f"{model._meta.label}.{field.name}")
    assert missing == []


def test_every_audit_action_code_has_a_label():
    """Every action code written anywhere in the product (action="…" in a service or the
    audit recorder) is shown by a translated label, never as the code."""
    codes: set[str] = set()
    for package in PRODUCT_APPS:
        for path in (PRODUCT_ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            source = path.read_text(encoding="utf-8")
            for line in re.findall(r"\baction\s*=\s*([^\n]*)", source):
                codes.update(re.findall(r'"([a-z_]+(?:\.[a-z_]+)?)"', line))
            # The recorder's own codes: _event(model, pk, "delete", …), one argument a line.
            codes.update(re.findall(r'_event\(\s*\w+,\s*[\w.\[\]"]+,\s*"([a-z_]+)"', source))
    codes -= {"action"}  # a form field's name
    assert codes - set(AUDIT_ACTION_LABELS) == set()
    assert {"create", "change", "delete", "bulk_change", "account.login"} <= codes


def test_counted_messages_have_plural_forms():
    """A message that counts things ("%(count)s rows imported") is an ngettext entry, so
    English says "1 row" and "2 rows". Limits ("at most %(count)s characters") are exempt."""
    counted = re.compile(r"%\((count|days|n)\)s [a-z]+s\b|\{\{ ?(count|days) ?\}\} [a-z]+s\b")
    limit = re.compile(r"(more than|at most|at least|longer than) %\(", re.I)
    singular_only = [
        msgid
        for msgid, plural, _msgstr in _catalogue_entries()
        if not plural and counted.search(msgid) and not limit.search(msgid)
    ]
    assert singular_only == []


class _VisibleText(HTMLParser):
    """The text a reader sees: text nodes outside <script> and <style>."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "title"):
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def _visible_text(response) -> str:
    parser = _VisibleText()
    parser.feed(response.content.decode())
    return " ".join(parser.parts)


# Not ours to translate: Django's own admin strings missing from its Chinese catalogue, and
# permission names, which Django stores in English.
FOREIGN_TEXT = re.compile(
    r"Model name|Add link|Change or view list link|Can (add|change|delete|view) [^\n]*"
)


# A stored file's generated name (safety.uploads.generated_name: a uuid's 32 hex digits) is no
# word: "3bed9…" must not read as the English "bed".
STORED_FILE_NAME = re.compile(r"[0-9a-f]{32}")


def _shows(word: str, text: str) -> bool:
    text = STORED_FILE_NAME.sub(" ", FOREIGN_TEXT.sub(" ", text))
    pattern = rf"(?<![A-Za-z_.-]){re.escape(word)}(?![A-Za-z_-]|\.[A-Za-z])"
    return re.search(pattern, text) is not None


def _raw_codes() -> set[str]:
    """Stored codes a reader must never see: choice values and audit action codes."""
    codes = set(AUDIT_ACTION_LABELS)
    for model in apps.get_models():
        if model._meta.app_label in PRODUCT_APPS:
            for field in model._meta.concrete_fields:
                codes.update(str(value) for value, _label in field.flatchoices if value)
    return {code for code in codes if re.search(r"[a-z]{3}", code)}


def _pages(world, client) -> dict[str, str]:
    """Every history page kind and every registered model's admin list and change form."""
    records = world.a
    history = {
        "hazard": records.hazard,
        "inspection": records.inspection,
        "incident": records.incident,
        "monthly-report": records.report,
        "assignment": records.assignment,
        "letter": records.letter,
        "holder": records.holder,
        "unit": records.school,
        "account": world.people.staff_a,
        "risk-point": records.risk_point,  # #20 risk grading
    }
    assert set(history) == set(HISTORY_MODELS)
    urls = [reverse("record_history", args=[kind, obj.pk]) for kind, obj in history.items()]
    for model in admin.site._registry:
        if model._meta.app_label not in PRODUCT_APPS:
            continue  # third-party admin pages (their catalogues are theirs)
        if model._meta.label == "safety.SafetyArea":
            continue  # shows each area's English name (a field of its own) by design
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = _visible_text(response)
    return pages


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # Written by someone using English: what is stored must still read in Chinese.
    with translation.override("en"):
        world = build_world()
    # A change of every kind the history shows: a choice, a link, a file, a count.
    with audit.atomic():
        audit_record(
            actor=world.people.administrator,
            action="account.login",
            target=world.people.administrator,
            unit=world.city.city,
        )
    return world


def test_history_and_admin_pages_show_no_english_and_no_raw_codes(world, client):
    world.people.administrator.is_superuser = True  # every admin page, technical ones too
    world.people.administrator.save()
    client.force_login(world.people.administrator)
    english = {
        msgid
        for msgid, _plural, msgstr in _catalogue_entries()
        if msgstr and msgstr != msgid and "%(" not in msgid and "{" not in msgid and len(msgid) >= 3
    }
    codes = _raw_codes()
    found = {}
    for url, text in _pages(world, client).items():
        words = {item for item in english | codes if _shows(item, text)}
        if words:
            found[url] = sorted(words)
    assert found == {}


def test_history_and_admin_pages_in_english_show_no_raw_codes(world, client):
    world.people.administrator.is_superuser = True
    world.people.administrator.save()
    client.force_login(world.people.administrator)
    client.cookies["django_language"] = "en"
    codes = {code for code in _raw_codes() if "_" in code or "." in code}
    found = {}
    for url, text in _pages(world, client).items():
        words = {code for code in codes if _shows(code, text)}
        if words:
            found[url] = sorted(words)
    assert found == {}
