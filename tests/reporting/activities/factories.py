"""Builders for activities and the school-bus register, through the services."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from reporting.activities import services
from reporting.activities.models import Activity, BusEscort, BusRoute, SchoolBus, SchoolBusDriver
from safety.models import Organisation
from tests.safety.responsibility.factories import holder

FAR = datetime.date(2030, 1, 1)


def starts_in(days: int, hours: int = 8) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    zone = timezone.get_current_timezone()
    return datetime.datetime.combine(day, datetime.time(hours), tzinfo=zone)


def fields(school: Organisation, **overrides: Any) -> dict[str, Any]:
    person = holder(school, "张校长", phone="13900001111")
    officer = holder(school, "李安全", phone="13900002222")
    data = {
        "kind": "outing",
        "title": "春季植物园研学",
        "starts_at": starts_in(14),
        "ends_at": starts_in(14, 16),
        "place": "市植物园",
        "is_off_campus": False,
        "is_overnight": False,
        "is_outside_city": False,
        "pupils": 52,
        "staff": 5,
        "person_in_charge": person,
        "safety_officer": officer,
        "safety_plan": "分组活动，每组一名教师。",
        "emergency_measures": "随队校医，就近医院联系人。",
        "insurance": "平安校园综合险",
        "consent_count": 50,
        "transport": Activity.Transport.NONE,
        "operator_name": "",
        "operator_licence": "",
    }
    data.update(overrides)
    return data


def draft(actor, school: Organisation, vehicles=(), **overrides: Any) -> Activity:
    return services.activity_save_draft(
        actor=actor, school=school, fields=fields(school, **overrides), vehicles=list(vehicles)
    )


def bus(school: Organisation, plate: str = "苏A12345", seats: int = 45, **dates: Any) -> SchoolBus:
    return SchoolBus.objects.create(
        school=school,
        plate=plate,
        seats=seats,
        permit_number="XC-001",
        permit_expires=dates.get("permit_expires", FAR),
        inspection_expires=dates.get("inspection_expires", FAR),
        insurance_expires=dates.get("insurance_expires", FAR),
    )


def driver(school: Organisation, name: str = "王师傅", expires=FAR) -> SchoolBusDriver:
    return SchoolBusDriver.objects.create(
        school=school,
        name=name,
        licence_class="A1",
        licence_number="320100000000",
        licence_expires=expires,
    )


def escort(school: Organisation, name: str = "赵阿姨") -> BusEscort:
    return BusEscort.objects.create(school=school, name=name)


def matrix_records(school: Organisation, staff) -> dict[str, Any]:
    """One record of every kind of this feature for the permission matrix: an application
    waiting for the school leader (with a plan document), a bus, driver, escort and route."""
    from django.core.files.base import ContentFile

    from tests.pdfs import plain_pdf

    activity = draft(staff, school, is_off_campus=True)
    activity.plan_document.save("plan.pdf", ContentFile(plain_pdf()), save=True)
    services.activity_submit(actor=staff, activity=activity)
    school_bus, bus_driver, bus_escort = bus(school), driver(school), escort(school)
    route = services.register_save(
        actor=None,
        school=school,
        instance=BusRoute(),
        fields={
            "name": "东线",
            "bus": school_bus,
            "driver": bus_driver,
            "escort": bus_escort,
            "stops": "王庄\n学校",
            "pupils": 30,
            "is_active": True,
        },
    )
    return {
        "activity": activity,
        "bus": school_bus,
        "bus_driver": bus_driver,
        "escort": bus_escort,
        "bus_route": route,  # "route" is the guarding patrol route in the matrix world
    }
