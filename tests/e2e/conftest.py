"""Browser journeys: a real Chromium (the system one, /usr/bin/chromium) drives the app
served by pytest-django's `live_server`, loaded with the demo city."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.conftest import services_required

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# there (seeding, looking up ids) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if E2E_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if not CHROMIUM.exists():
        reason = f"the browser journeys need Chromium at {CHROMIUM}"
        if services_required():
            pytest.fail(f"SAFECAMPUS_REQUIRE_SERVICES=1 but {reason}")
        pytest.skip(reason)
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def demo_city(transactional_db: None) -> None:
    """The demo city, committed so the live server's thread sees it."""
    call_command("seed_demo", stdout=io.StringIO())


@pytest.fixture(autouse=True)
def _no_content_security_policy_violations(request: pytest.FixtureRequest):
    """Fail a journey whose pages break the Content Security Policy (an inline script, a
    resource from another origin): the browser reports each violation on the console."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield
    assert violations == []
