"""The rules an application and a bus route must keep, as plain checks shared by the forms
(errors shown next to the field, the input kept) and the services (which refuse anything a
form let through). Every message names the numbers."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _

from .models import SchoolBus, SchoolBusDriver


def over_seats_error(plate: str, seats: int | None, passengers: int | None) -> str | None:
    """ "Vehicle 苏A12345 has 45 seats but carries 52 people: 7 over its seats." or None."""
    if seats is None or passengers is None or passengers <= seats:
        return None
    return _(
        "Vehicle %(plate)s has %(seats)s seats but carries %(passengers)s people: "
        "%(over)s more than its seats."
    ) % {
        "plate": plate or "—",
        "seats": seats,
        "passengers": passengers,
        "over": passengers - seats,
    }


def time_errors(
    starts_at: datetime.datetime | None, ends_at: datetime.datetime | None, now: datetime.datetime
) -> dict[str, str]:
    errors = {}
    if starts_at is not None and starts_at < now:
        errors["starts_at"] = _("The activity cannot start in the past.")
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        errors["ends_at"] = _("The end must come after the start.")
    return errors


def consent_error(pupils: int | None, consents: int | None) -> str | None:
    if pupils is None or consents is None or consents <= pupils:
        return None
    return _(
        "%(consents)s parents' consents were entered for %(pupils)s pupils: there cannot be "
        "more consents than pupils."
    ) % {"consents": consents, "pupils": pupils}


def bus_block(bus: SchoolBus | None, day: datetime.date) -> str | None:
    """Why the bus cannot be chosen for an activity on `day` (an expired document), or None."""
    if bus is None:
        return None
    expired = bus.expired_on(day)
    if not bus.is_active:
        return _("School bus %(plate)s is out of service.") % {"plate": bus.plate}
    if expired:
        return _("School bus %(plate)s cannot be used: its %(documents)s has expired.") % {
            "plate": bus.plate,
            "documents": "、".join(expired),
        }
    return None


def driver_block(driver: SchoolBusDriver | None, day: datetime.date) -> str | None:
    if driver is None:
        return None
    if not driver.is_active or driver.licence_expires < day:
        return _("Driver %(name)s cannot drive: the licence expired on %(date)s.") % {
            "name": driver.name,
            "date": driver.licence_expires.isoformat(),
        }
    return None


def vehicle_errors(vehicle: dict[str, Any], day: datetime.date) -> list[str]:
    """Every reason a vehicle row cannot carry the activity on `day`."""
    errors = [
        bus_block(vehicle.get("bus"), day),
        driver_block(vehicle.get("driver"), day),
        over_seats_error(vehicle.get("plate", ""), vehicle.get("seats"), vehicle.get("passengers")),
    ]
    return [error for error in errors if error]
