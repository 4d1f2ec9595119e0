"""The benchmark's rows of activities and school buses (reporting/activities, #23): the
school's applications and bus register as its staff keep them (the school of s00001.staff
always has buses: demo/features/activities.py), an application's PDF and plan document as the
city reads them, the calendar export, the province's list of applications."""

from __future__ import annotations

STAFF, CITY, PROVINCE = "s00001.staff", "city.official", "province.official"
REGISTER = "/activities/buses"

PAGES: list[tuple[str, str, str, str, str | None]] = [
    ("activity_new", "New activity application", STAFF, "/activities/new/", None),
    ("activity", "Activity application", STAFF, "/activities/{activity}/", None),
    ("activity", "Activity application", CITY, "/activities/{activity_city}/", None),
    ("activity_edit", "Edit an application", STAFF, "/activities/{activity_draft}/edit/", None),
    ("activity_summary", "File an activity's summary", STAFF,
     "/activities/{activity_held}/summary/", None),
    ("activity_pdf", "Activity application PDF", CITY, "/activities/{activity_city}/pdf/", None),
    ("activity_plan", "Activity safety plan document (file)", CITY,
     "/activities/{activity_plan}/plan/", None),
    ("activity_calendar_export", "Activity calendar export (start)", CITY,
     "/activities/calendar/export/", None),
    ("bus_register", "School-bus register of a school", STAFF,
     f"{REGISTER}/school/{{activity_school}}/", None),
    ("bus_register", "School-bus register of a school", CITY,
     f"{REGISTER}/school/{{bus_school_city}}/", None),
    ("bus_new", "Register a school bus", STAFF, f"{REGISTER}/school/{{activity_school}}/bus/new/",
     None),
    ("bus_edit", "Edit a school bus", STAFF, f"{REGISTER}/bus/{{bus}}/", None),
    ("bus_driver_new", "Register a driver", STAFF,
     f"{REGISTER}/school/{{activity_school}}/driver/new/", None),
    ("bus_driver_edit", "Edit a driver", STAFF, f"{REGISTER}/driver/{{bus_driver}}/", None),
    ("bus_escort_new", "Register an escort", STAFF,
     f"{REGISTER}/school/{{activity_school}}/escort/new/", None),
    ("bus_escort_edit", "Edit an escort", STAFF, f"{REGISTER}/escort/{{bus_escort}}/", None),
    ("bus_route_new", "Add a bus route", STAFF, f"{REGISTER}/school/{{activity_school}}/route/new/",
     None),
    ("bus_route_edit", "Edit a bus route", STAFF, f"{REGISTER}/route/{{bus_route}}/", None),
    ("activities", "Activity applications", PROVINCE, "/activities/", None),
]  # fmt: skip

LIST_KEYS = {"bus_register"}


def ids() -> dict[str, int]:
    """The school of s00001.staff, its applications (one submitted, one editable, one held),
    and its register's rows; for city.official (in a province, the first city's), a submitted
    application, a study tour with a plan document and a school with buses of its city."""
    from reporting.activities.models import (
        Activity,
        BusEscort,
        BusRoute,
        SchoolBus,
        SchoolBusDriver,
    )
    from safety.models import Organisation, User

    school = User.objects.filter(username=STAFF).values_list("unit_id", flat=True).first()
    city = Organisation.objects.get(members__username=CITY).path
    in_city = Activity.objects.filter(school__path__startswith=city).order_by("id")
    own = Activity.objects.filter(school_id=school).order_by("-starts_at", "id")

    def first(queryset) -> int | None:
        return queryset.values_list("pk", flat=True).first()

    found = {
        "activity_school": school,
        "activity": first(own.filter(latest_version__isnull=False)),
        "activity_draft": first(own.filter(status__in=["draft", "returned"])),
        "activity_held": first(own.filter(status="held")),
        "activity_city": first(in_city.filter(latest_version__isnull=False)),
        "activity_plan": first(in_city.exclude(plan_document="")),
        "bus_school_city": first(
            Organisation.objects.filter(path__startswith=city, has_school_buses=True).order_by("id")
        ),
        "bus": first(SchoolBus.objects.filter(school_id=school).order_by("id")),
        "bus_driver": first(SchoolBusDriver.objects.filter(school_id=school).order_by("id")),
        "bus_escort": first(BusEscort.objects.filter(school_id=school).order_by("id")),
        "bus_route": first(BusRoute.objects.filter(school_id=school).order_by("id")),
    }
    return {key: value for key, value in found.items() if value is not None}
