"""Browser journeys: a real Chromium (the system one, /usr/bin/chromium) drives the app
served by pytest-django's `live_server`, loaded with the demo city."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.conftest import services_required
from tests.e2e import snapshot

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# there (seeding, looking up ids) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
E2E_DIR = Path(__file__).resolve().parent

# axe-core, vendored for the tests only (MPL-2.0, licence beside it); see docs/decisions.md.
AXE_CORE_VERSION = "4.14.1"
AXE_SCRIPT = E2E_DIR / "vendor" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")
UNCHECKED_DOCUMENT = "html:not([data-axe-checked])"
AXE_RUN = """async (impacts) => {
  document.documentElement.dataset.axeChecked = "";
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations
    .filter((violation) => impacts.includes(violation.impact))
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} at `
      + violation.nodes.map((node) => node.target.join(" ")).join(", "));
}"""


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
    """The demo city, committed so the live server's thread sees it (seeded once per run on
    PostgreSQL and copied back for each journey: tests/e2e/snapshot.py)."""
    snapshot.load_demo_city()


def axe_violations(page: Page) -> list[str]:
    """The serious and critical axe-core violations of the page as it is now (none again for
    a document already checked). axe is loaded with page.evaluate, which DevTools runs outside
    the Content Security Policy; page.add_script_tag would insert an inline <script>, which
    the policy blocks."""
    if not page.url.startswith("http") or page.locator(UNCHECKED_DOCUMENT).count() == 0:
        return []
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    return [f"{page.url}: {found}" for found in page.evaluate(AXE_RUN, list(BLOCKING_IMPACTS))]


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page)
    assert violations == [], "\n".join(violations)


def check_accessibility_of_every_page(page: Page, violations: list[str]) -> None:
    """Run axe on each document of `page` before the journey's first action or assertion on
    it (a Playwright locator handler: the action waits for it), so every page a journey looks
    at is checked as it loaded. A document is marked once checked."""
    page.add_locator_handler(
        page.locator(UNCHECKED_DOCUMENT),
        lambda: violations.extend(axe_violations(page)),
        no_wait_after=True,
    )


@pytest.fixture(autouse=True)
def _every_page_accessible(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """Fail a journey whose pages have serious or critical accessibility violations (axe-core),
    on its `page` and on any page it opens with `browser.new_page`."""
    if "page" not in request.fixturenames and "browser" not in request.fixturenames:
        yield
        return
    violations: list[str] = []
    pages: list[Page] = []

    def watch(page: Page) -> Page:
        check_accessibility_of_every_page(page, violations)
        pages.append(page)
        close = page.close

        def check_then_close(*args, **kwargs) -> None:
            violations.extend(axe_violations(page))
            close(*args, **kwargs)

        monkeypatch.setattr(page, "close", check_then_close)
        return page

    if "browser" in request.fixturenames:
        browser = request.getfixturevalue("browser")
        new_page = browser.new_page
        monkeypatch.setattr(browser, "new_page", lambda *a, **k: watch(new_page(*a, **k)))
    if "page" in request.fixturenames:
        watch(request.getfixturevalue("page"))
    yield
    for page in pages:
        if not page.is_closed():
            violations.extend(axe_violations(page))
    assert violations == [], "\n".join(violations)


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
