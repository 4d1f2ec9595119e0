"""Every page a school leader and a county official can open from the menus, and the
detail and form pages behind them, has no serious or critical axe-core violation (the
journeys check the pages they pass through; this one walks the rest)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from inspections.models import Hazard
from reporting.models import Incident
from safety.models import Holder, Organisation
from tests.e2e.conftest import axe_violations
from tests.e2e.test_journey import DESKTOP, log_in

PAGES = [
    "/",
    "/schools/",
    "/notifications/",
    "/responsibility/",
    "/responsibility/grid/",
    "/responsibility/holders/",
    "/responsibility/letters/",
    "/responsibility/import/",
    "/hazards/",
    "/hazards/new/",
    "/inspections/",
    "/inspections/new/",
    "/spot-checks/",
    "/incidents/",
    "/incidents/new/",
    "/monthly/",
    "/monthly/console/",
]


def _detail_pages() -> list[str]:
    school = Organisation.objects.get(code="2136080201")
    pages = [
        f"/schools/{school.pk}/",
        f"/responsibility/units/{school.pk}/",
        f"/responsibility/units/{school.pk}/holders/new/",
    ]
    holder = Holder.objects.filter(unit=school).first()
    hazard = Hazard.objects.filter(school=school).first()
    incident = Incident.objects.filter(school=school).first()
    if holder:
        pages.append(f"/responsibility/holders/{holder.pk}/")
        pages.append(f"/responsibility/holders/{holder.pk}/edit/")
    if hazard:
        pages.append(f"/hazards/{hazard.pk}/")
    if incident:
        pages.append(f"/incidents/{incident.pk}/")
    return pages


@pytest.mark.parametrize("username", ["school.leader", "jc.official"])
@pytest.mark.browser_context_args(viewport=DESKTOP)
def test_every_page_of_the_menus_is_accessible(page: Page, live_server, demo_city, username):
    log_in(page, live_server.url, username)
    violations: list[str] = []
    for path in PAGES + _detail_pages():
        page.goto(f"{live_server.url}{path}")
        violations.extend(axe_violations(page))
    assert violations == [], "\n".join(violations)
