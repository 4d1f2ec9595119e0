"""People's names sort in pinyin order with the surname read as a surname (曾 zeng, not
ceng), everywhere people are listed or offered."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from inspections.forms import AssignForm
from safety.models import Holder, User
from safety.names import name_sort_key, person_name_sort_key
from safety.responsibility.forms import HolderForm
from safety.surnames import COMPOUND_SURNAME_READINGS, SINGLE_SURNAME_READINGS
from tests.factories import UserFactory
from tests.safety.responsibility.factories import holder

SURNAMES = [
    ("曾", ["zeng1"]),
    ("单", ["shan4"]),
    ("解", ["xie4"]),
    ("仇", ["qiu2"]),
    ("区", ["ou1"]),
    ("朴", ["piao2"]),
    ("查", ["zha1"]),
    ("盖", ["ge3"]),
    ("缪", ["miao4"]),
    ("尉迟", ["yu4", "chi2"]),
    ("万俟", ["mo4", "qi2"]),
    ("欧阳", ["ou1", "yang2"]),
    ("长孙", ["zhang3", "sun1"]),
    ("单于", ["chan2", "yu2"]),
    ("司马", ["si1", "ma3"]),
    ("诸葛", ["zhu1", "ge3"]),
    ("上官", ["shang4", "guan1"]),
    ("王", ["wang2"]),
]

# Mixed on purpose: a given name that could join the surname into a phrase (曾经, 解放),
# compound surnames beside single ones sharing their first reading (区 / 欧阳).
ORDERED_NAMES = [
    "陈大伟",
    "丁一",
    "区小明",
    "欧阳修",
    "仇英",
    "单田芳",
    "王五",
    "解放",
    "谢娜",
    "尉迟恭",
    "曾经",
]


@pytest.mark.parametrize(("surname", "readings"), SURNAMES)
def test_a_surname_is_read_as_a_surname(surname, readings):
    for given in ["小明", "经", "放"]:
        key = person_name_sort_key(surname + given).split()
        assert key[: len(readings)] == readings


def test_the_given_name_is_read_on_its_own_and_non_chinese_names_sort_as_before():
    assert person_name_sort_key("曾经") == "zeng1 jing1"
    assert person_name_sort_key("  解放 ") == "xie4 fang4"
    assert person_name_sort_key("school.staff") == name_sort_key("school.staff")
    assert person_name_sort_key("") == ""


def test_surname_readings_are_readings_pypinyin_knows():
    from pypinyin import Style, pinyin

    for character, reading in SINGLE_SURNAME_READINGS.items():
        assert reading in pinyin(character, style=Style.TONE3, heteronym=True)[0], character
    for surname, readings in COMPOUND_SURNAME_READINGS.items():
        assert len(surname) == 2 and len(readings) == 2
        for character, reading in zip(surname, readings, strict=True):
            known = pinyin(character, style=Style.TONE3, heteronym=True)[0]
            assert reading in known, surname


def test_names_sort_by_surname_reading():
    assert sorted(ORDERED_NAMES, key=person_name_sort_key) == ORDERED_NAMES


def _positions(html: str, names: list[str]) -> list[int]:
    return [html.index(name) for name in names]


def test_holder_list_shows_people_in_surname_order(city, people, client_for):
    for name in reversed(ORDERED_NAMES):
        holder(city.school_a, name)

    response = client_for("leader_a").get(reverse("responsibility:holder_list"))

    positions = _positions(response.content.decode(), ORDERED_NAMES)
    assert positions == sorted(positions)


def test_holders_are_offered_and_listed_in_surname_order_by_default(city):
    for name in reversed(ORDERED_NAMES):
        holder(city.school_a, name)
    assert [h.name for h in Holder.objects.filter(unit=city.school_a)] == ORDERED_NAMES


def test_school_page_lists_its_accounts_by_role_then_surname_order(city, people, client_for):
    for index, name in enumerate(reversed(ORDERED_NAMES)):
        UserFactory(username=f"t{index}", full_name=name, unit=city.school_b)

    html = client_for("other_county_official").get(
        reverse("school_detail", args=[city.school_b.pk])
    )

    positions = _positions(html.content.decode(), ORDERED_NAMES)
    assert positions == sorted(positions)


def test_account_selects_offer_people_in_surname_order(city, people):
    for index, name in enumerate(reversed(ORDERED_NAMES)):
        UserFactory(username=f"t{index}", full_name=name, unit=city.school_b)
    accounts_b = [str(user) for user in User.objects.filter(unit=city.school_b)]
    expected = sorted(accounts_b, key=lambda label: ORDERED_NAMES.index(label.split(" ")[0]))

    owner_choices = AssignForm(hazard=SimpleNamespace(school=city.school_b)).fields["owner"]
    holder_user_choices = HolderForm(unit=city.school_b).fields["user"]

    for field in (owner_choices, holder_user_choices):
        assert [label for value, label in field.choices if value] == expected


def test_migration_rewrites_holder_keys_read_the_old_way(city):
    stale = holder(city.school_a, "曾经")
    Holder.objects.filter(pk=stale.pk).update(name_sort_key=name_sort_key("曾经"))

    migration = importlib.import_module("safety.migrations.0009_holder_person_name_sort_keys")
    migration.recompute_holder_keys(django_apps, None)

    stale.refresh_from_db()
    assert stale.name_sort_key == "zeng1 jing1"
