"""The OpenAPI schema validates, and its documentation page runs under the site's Content
Security Policy (vendored Swagger UI, no inline script, no CDN)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_schema_validates_without_a_warning(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text()
    assert "/api/v1/hazards/" in text
    assert "bearerAuth" in text


def test_the_docs_page_needs_no_cdn_and_no_inline_script(client_for, api_clients):
    page = client_for("county_official").get(reverse("api:docs"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Content-Security-Policy" in page.headers
    assert "script-src 'self'" in page["Content-Security-Policy"]
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts, html[:500]
    for attributes, body in scripts:
        assert "src=" in attributes and not body.strip(), attributes
        src = re.search(r'src="([^"]+)"', attributes).group(1)
        assert src.startswith("/"), f"{src}: not served by SafeCampus"
        if src.startswith(settings.STATIC_URL) or src.startswith("/" + settings.STATIC_URL):
            # Vendored by drf-spectacular-sidecar, served with the other static files.
            assert finders.find(src.split(settings.STATIC_URL, 1)[1]), src
        else:
            script = client_for("county_official").get(src.replace("&amp;", "&"))
            assert script.status_code == 200, src
    assert "//cdn" not in html and "https://" not in html


def test_the_schema_is_served_to_a_client(api_clients):
    response = api_clients.county.http.get(reverse("api:schema"))
    assert response.status_code == 200
    assert b"openapi" in response.content
    assert Client().get(reverse("api:schema")).status_code == 401
