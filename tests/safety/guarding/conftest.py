"""A boarding school (school A2 of tests/personas.py) with the people daily guarding needs:
a leader, a gatekeeper, a dormitory manager and a class teacher holding their posts through
holders linked to their accounts, one dormitory room with three pupils."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from safety.guarding import services
from safety.guarding.models import BoardingPupil
from safety.models import User
from tests.factories import UserFactory

from .factories import give_post


@pytest.fixture
def school(city, people):
    """School A2 with its guarding people and a room of three pupils."""
    return build_school(city, people)


def build_school(city, people):
    """The `school` fixture's world (also used by tests/safety/test_audit_rows.py)."""
    unit = city.school_a2
    leader = UserFactory(
        username="a2leader", unit=unit, role=User.Role.SCHOOL_LEADER, full_name="周校长"
    )
    gatekeeper = UserFactory(username="a2gate", unit=unit, role=User.Role.SCHOOL_STAFF)
    give_post(gatekeeper, "gate_security", "门卫老张")
    manager = UserFactory(username="a2dorm", unit=unit, role=User.Role.SCHOOL_STAFF)
    give_post(manager, "dormitory_manager", "宿管李阿姨")
    teacher = UserFactory(username="a2teacher", unit=unit, role=User.Role.SCHOOL_STAFF)
    give_post(teacher, "class_teacher", "班主任王老师")
    dormitory = services.dormitory_create(actor=leader, unit=unit, name="男生宿舍")
    room = services.room_create(actor=leader, dormitory=dormitory, number="101", beds=4)
    pupils = [
        services.pupil_save(
            actor=leader,
            unit=unit,
            pupil=BoardingPupil(
                name=name,
                class_name="七年级（1）班",
                parent_phone="13800001111",
                room=room,
                bed=bed,
            ),
        )
        for bed, name in enumerate(["张小明", "李小华", "王小强"], start=1)
    ]
    return SimpleNamespace(
        unit=unit,
        leader=leader,
        gatekeeper=gatekeeper,
        manager=manager,
        teacher=teacher,
        staff=people.staff_a2,
        dormitory=dormitory,
        room=room,
        pupils=pupils,
    )
