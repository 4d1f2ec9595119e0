"""The pages the benchmark measures. One entry per page and persona; adding a page is one line
in PAGES.

Each entry: (key, title, persona, path template, stock-admin path template or None).
Templates are filled from `ids` (bench.measure.reference_ids): {school}, {hazard}, {area},
{county}. A page with an admin path is compared with that admin changelist, same rows.
"""

from __future__ import annotations

from urllib.parse import quote

CITY = "city.official"
ANONYMOUS = "anonymous"  # no session, no token (bench.measure, bench.http)
COUNTY = "c01.official"
ADMIN_LEDGER = "/bench-admin/inspections/hazard/"
TWO_FILTERS = "severity=general&area={area}"
ADMIN_TWO_FILTERS = "severity__exact=general&area__id__exact={area}"
ADMIN_COUNTY = "school__parent__id__exact={county}"
# #23: the searched phrase, written into 0.1% of a generated city's hazards before measuring.
SEARCH_PHRASE = "配电箱门锁"
SEARCH = quote(SEARCH_PHRASE)

PAGES: list[tuple[str, str, str, str, str | None]] = [
    ("ledger", "Hazard ledger", CITY, "/hazards/", ADMIN_LEDGER),
    ("ledger_filtered", "Hazard ledger, two filters", CITY, f"/hazards/?{TWO_FILTERS}",
     f"{ADMIN_LEDGER}?{ADMIN_TWO_FILTERS}"),
    ("ledger", "Hazard ledger", COUNTY, "/hazards/", f"{ADMIN_LEDGER}?{ADMIN_COUNTY}"),
    ("ledger_filtered", "Hazard ledger, two filters", COUNTY, f"/hazards/?{TWO_FILTERS}",
     f"{ADMIN_LEDGER}?{ADMIN_TWO_FILTERS}&{ADMIN_COUNTY}"),
    ("console", "Monthly review console", CITY, "/monthly/console/", None),
    ("console", "Monthly review console", COUNTY, "/monthly/console/", None),
    ("incidents", "Incident list", CITY, "/incidents/", "/bench-admin/reporting/incident/"),
    ("incidents", "Incident list", COUNTY, "/incidents/",
     "/bench-admin/reporting/incident/?" + ADMIN_COUNTY),
    ("grid", "Responsibility grid", CITY, "/responsibility/grid/", None),
    ("grid", "Responsibility grid", COUNTY, "/responsibility/grid/", None),
    ("schools", "School list", CITY, "/schools/",
     "/bench-admin/safety/organisation/?kind__exact=school"),
    ("notifications", "Notification inbox", CITY, "/notifications/", None),
    ("school", "School page", CITY, "/schools/{school}/", None),
    ("school", "School page", COUNTY, "/schools/{school}/", None),
    ("hazard", "Hazard detail", CITY, "/hazards/{hazard}/", None),
    ("hazard", "Hazard detail", COUNTY, "/hazards/{hazard}/", None),
    ("home", "Home dashboard", CITY, "/", None),
    ("home", "Home dashboard", COUNTY, "/", None),
    # #23 the homes of every level and role: a city narrowed to a county, the administrators',
    # a school's staff and leader.
    ("home_county", "Home dashboard narrowed to a county", CITY, "/?county={county}", None),
    ("home", "Home dashboard", "city.admin", "/", None),
    ("home", "Home dashboard", "c01.admin", "/", None),
    ("home", "Home dashboard", "s00001.staff", "/", None),
    ("home", "Home dashboard", "s00001.leader", "/", None),
    ("inspections", "Inspection list", CITY, "/inspections/", None),
    ("inspections", "Inspection list", COUNTY, "/inspections/", None),
    ("password", "Own password page", COUNTY, "/accounts/password/", None),
    ("floor", "Empty logged-in page (framework floor)", CITY, "/bench/empty/", None),
    # Bureau supervision (issue #18).
    ("campaigns", "Campaign list", CITY, "/campaigns/", None),
    ("coverage", "Supervisory-inspection coverage", CITY, "/campaigns/coverage/", None),
    ("coverage", "Supervisory-inspection coverage", COUNTY, "/campaigns/coverage/", None),
    ("notices", "Notices", CITY, "/notices/", None),
    ("orders", "Rectification orders", CITY, "/orders/", None),
    ("orders", "Rectification orders", COUNTY, "/orders/", None),
    # #19 the year-end assessment (its run, scoring and results pages: tests/perf)
    ("assessment", "Safe-campus assessment", CITY, "/assessment/", None),
    ("assessment", "Safe-campus assessment", COUNTY, "/assessment/", None),
    ("assessment_catalogue", "Computed indicators", COUNTY, "/assessment/catalogue/", None),
    # #19 accountability: the bureau's list of people barred from honours this year
    ("honours_bar", "Barred from honours", CITY, "/incidents/honours-bar/", None),
    ("honours_bar", "Barred from honours", COUNTY, "/incidents/honours-bar/", None),
    # activities and school buses (issue #16)
    ("activities", "Activity applications", CITY, "/activities/", None),
    ("activities", "Activity applications", COUNTY, "/activities/", None),
    ("calendar", "Activity calendar (week)", CITY, "/activities/calendar/", None),
    ("calendar", "Activity calendar (week)", COUNTY, "/activities/calendar/", None),
    ("buses", "School buses of the jurisdiction", COUNTY, "/activities/buses/", None),
    # Emergency preparedness (issue #14): the bureaus' coverage view.
    ("preparedness", "Preparedness coverage", CITY, "/preparedness/coverage/", None),
    ("preparedness", "Preparedness coverage", COUNTY, "/preparedness/coverage/", None),
    # Daily guarding (issue #15).
    ("guarding", "Daily guarding by school", CITY, "/guarding/bureau/", None),
    ("guarding", "Daily guarding by school", COUNTY, "/guarding/bureau/", None),
    # #17 education and surroundings
    ("education", "Safety education coverage", CITY, "/education/", None),
    ("education", "Safety education coverage", COUNTY, "/education/", None),
    ("surroundings", "Surroundings ledger", CITY, "/surroundings/", None),
    ("surroundings", "Surroundings ledger", COUNTY, "/surroundings/", None),
    # #20 the ledger table sorted by deadline; the risk register and the reported lists.
    ("ledger_sorted", "Hazard ledger table, sorted by deadline", CITY, "/hazards/?sort=deadline",
     None),
    ("risks", "Risk points", CITY, "/risks/", None),
    ("risk_lists", "Yellow-and-above lists", COUNTY, "/risks/lists/", None),
    # #21 the identity platform's refusal page (public; the login page sends the signed-in on).
    ("sso_refused", "Sign-in refused page", COUNTY, "/accounts/sso/refused/", None),
    # #21 delivery channels: undelivered notices and unreachable accounts.
    ("channel_reach", "Undelivered notices", "city.admin", "/channels/reach/", None),
    ("channel_reach", "Undelivered notices", "c01.admin", "/channels/reach/", None),
    # #23 exports as background jobs: the requester's exports, and an export's page with the
    # status fragment it polls ({export}: the persona's latest, bench.measure).
    ("exports", "My exports", CITY, "/exports/", None),
    ("export", "Export page", CITY, "/exports/{export}/", None),
    ("export_status", "Export status fragment (polled)", CITY, "/exports/{export}/status/", None),
    # #22 the REST API: the hazard list of an API client of the persona's unit (persona
    # "api:<username>", bench.api_clients) vs the stock DRF ListAPIView (ModelSerializer,
    # PageNumberPagination) over the same rows, same client (bench.urls).
    ("api_hazards", "API hazard list", f"api:{CITY}", "/api/v1/hazards/",
     "/bench-api/hazards/"),
    ("api_hazards", "API hazard list", f"api:{COUNTY}", "/api/v1/hazards/",
     "/bench-api/hazards/"),
    ("api_hazards_filtered", "API hazard list, two filters", f"api:{CITY}",
     "/api/v1/hazards/?severity=general&area=fire",
     "/bench-api/hazards/?severity=general&area=fire"),
    # #23 ledger text search (trigram indexes) against the stock admin's search of the same
    # fields, same rows: a phrase 0.1% of the hazards carry (bench.measure.search_rows).
    ("ledger_search", "Hazard ledger text search", CITY, f"/hazards/?q={SEARCH}",
     f"{ADMIN_LEDGER}?q={SEARCH}"),
    ("ledger_search", "Hazard ledger text search", COUNTY, f"/hazards/?q={SEARCH}",
     f"{ADMIN_LEDGER}?q={SEARCH}&{ADMIN_COUNTY}"),
    # #22 operations: the load balancers' health check, called without a session (every
    # probe: database, cache, broker, storage, disk, migrations applied).
    ("health", "Health check", ANONYMOUS, "/health/", None),
]  # fmt: skip

# Pages that are lists or dashboards: held to the 0.3x-admin, flatness and 8-query targets.
LIST_PAGES = {"ledger", "ledger_filtered", "console", "incidents", "grid", "schools",
              "notifications", "home", "inspections"}  # fmt: skip
LIST_PAGES |= {"activities", "calendar", "buses"}  # issue #16
LIST_PAGES |= {"preparedness"}  # issue #14
LIST_PAGES |= {"honours_bar"}  # #19 accountability
LIST_PAGES |= {"api_hazards", "api_hazards_filtered"}  # #22 the REST API
LIST_PAGES |= {"guarding"}  # issue #15
LIST_PAGES |= {"ledger_sorted", "risks", "risk_lists"}  # #20 risk grading, ledger table
LIST_PAGES |= {"exports"}  # #23 exports as background jobs
LIST_PAGES |= {"ledger_search"}  # #23 ledger text search

# #23 the province official's pages, measured on a generated province (`generate_city
# --cities N`: bench.measure adds them when the database has the province.official account);
# {city} is the first city. Held to the same targets as the city official's rows.
PROVINCE = "province.official"
PROVINCE_PAGES: list[tuple[str, str, str, str, str | None]] = [
    ("home", "Home dashboard", PROVINCE, "/", None),
    ("home", "Home dashboard", "province.admin", "/", None),
    ("home_city", "Home dashboard narrowed to a city (drill-down)", PROVINCE, "/?county={city}",
     None),
    ("console", "Monthly review console", PROVINCE, "/monthly/console/", None),
    ("ledger", "Hazard ledger", PROVINCE, "/hazards/", ADMIN_LEDGER),
    ("ledger_city", "Hazard ledger of one city", PROVINCE, "/hazards/?county={city}", None),
    ("incidents", "Incident list", PROVINCE, "/incidents/", "/bench-admin/reporting/incident/"),
    ("schools", "School list", PROVINCE, "/schools/",
     "/bench-admin/safety/organisation/?kind__exact=school"),
    ("school", "School page", PROVINCE, "/schools/{school}/", None),
]  # fmt: skip
LIST_PAGES |= {"home_city", "ledger_city", "home_county"}  # issue #23

# #23 the feature pages, one module per feature package (bench/feature_pages); a row whose
# persona is the province's is measured only on a generated province (bench.measure).
from bench import feature_pages  # noqa: E402

PAGES += [row for row in feature_pages.pages() if not row[2].startswith("province.")]
PROVINCE_PAGES += [row for row in feature_pages.pages() if row[2].startswith("province.")]
LIST_PAGES |= feature_pages.list_keys()
