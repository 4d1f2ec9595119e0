"""Safety education: the coverage rules, the legal vice-principal gap and its reminder, the
recording form (permissions, bad input kept) and the bureau's minimum."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from safety.education import selectors, services
from safety.education.models import EducationRecord, LegalVicePrincipal, term_of
from safety.models import Notification, Post
from tests.builders import jpeg_upload
from tests.safety.responsibility.test_import import upload, xlsx

pytestmark = pytest.mark.django_db

AUTUMN = term_of(datetime.date(2026, 10, 1))


def lesson(actor, school, **fields):
    values = {
        "topic": "drowning",
        "held_on": datetime.date(2026, 10, 12),
        "classes": "三年级1班",
        "pupils": 40,
        "hours": Decimal("1"),
    }
    values.update(fields)
    return services.record_create(actor=actor, school=school, fields=values)


def test_terms_run_from_september_and_february():
    assert term_of(datetime.date(2026, 9, 1)).key == "2026-autumn"
    assert term_of(datetime.date(2027, 1, 31)).key == "2026-autumn"
    assert term_of(datetime.date(2027, 2, 1)).key == "2027-spring"
    assert term_of(datetime.date(2027, 8, 31)).end == datetime.date(2027, 8, 31)


def test_coverage_counts_pupil_hours_topics_and_classes(city, people):
    school = city.school_a
    school.student_count = 100
    school.save()
    services.plan_save(
        actor=people.staff_a,
        school=school,
        term=AUTUMN.key,
        fields={"classes": "三年级1班\n三年级2班\n四年级1班"},
    )
    lesson(people.staff_a, school, hours=Decimal("2"), pupils=40)
    lesson(people.staff_a, school, topic="traffic", classes="三年级2班，四年级1班", pupils=60)
    # A staff training reaches no pupils: it counts neither hours nor topics.
    lesson(people.staff_a, school, kind="staff_training", topic="fire", pupils=0, classes="")
    # Last term does not count.
    lesson(people.staff_a, school, topic="law", held_on=datetime.date(2026, 6, 1))
    row = selectors.school_coverage(school, AUTUMN)
    assert row.pupil_hours == Decimal("140")
    assert row.hours_per_pupil == Decimal("1.4")
    assert row.short_of_minimum  # default minimum 6
    assert "交通安全" not in row.topics_missing and "防溺水" not in row.topics_missing
    assert "消防安全" in row.topics_missing and "法治教育" in row.topics_missing
    assert row.classes_without_lesson == []
    assert row.activities == 3


def test_classes_without_a_lesson_are_listed(city, people):
    services.plan_save(
        actor=people.staff_a,
        school=city.school_a,
        term=AUTUMN.key,
        fields={"classes": "一班\n二班"},
    )
    lesson(people.staff_a, city.school_a, classes="一班")
    assert selectors.school_coverage(city.school_a, AUTUMN).classes_without_lesson == ["二班"]


def test_the_nearest_bureau_minimum_applies(city, people):
    services.settings_save(
        actor=people.city_official, bureau=city.city, min_hours_per_pupil=Decimal("2")
    )
    assert selectors.minimum_for(city.school_a) == Decimal("2")
    services.settings_save(
        actor=people.county_official, bureau=city.county_a, min_hours_per_pupil=Decimal("1")
    )
    assert selectors.minimum_for(city.school_a) == Decimal("1")
    assert selectors.minimum_for(city.school_b) == Decimal("2")
    with pytest.raises(PermissionDenied):
        services.settings_save(
            actor=people.county_official, bureau=city.county_b, min_hours_per_pupil=Decimal("9")
        )


def test_a_school_without_a_legal_vice_principal_in_office_is_a_gap(city, people):
    today = datetime.date(2026, 11, 1)
    row = selectors.coverage_rows([city.school_a], AUTUMN, today=today)[0]
    assert row.legal_vp_gap
    services.legal_vp_appoint(
        actor=people.leader_a,
        school=city.school_a,
        fields={
            "name": "王警官",
            "organisation_kind": "police",
            "organisation": "城关派出所",
            "starts_on": datetime.date(2026, 9, 1),
            "ends_on": datetime.date(2027, 8, 31),
        },
    )
    assert not selectors.coverage_rows([city.school_a], AUTUMN, today=today)[0].legal_vp_gap
    after = datetime.date(2027, 9, 1)
    assert selectors.coverage_rows([city.school_a], AUTUMN, today=after)[0].legal_vp_gap
    schools = type(city.school_a).objects.filter(pk__in=[city.school_a.pk, city.school_b.pk])
    assert selectors.legal_vp_gap_count(schools, today=today) == 1


def test_the_standard_post_is_in_the_catalogue():
    post = Post.objects.get(key="legal_vice_principal")
    assert post.name_zh == "法制副校长" and not post.is_required


def test_overlapping_appointments_are_refused(city, people):
    fields = {
        "name": "王警官",
        "organisation_kind": "police",
        "organisation": "城关派出所",
        "starts_on": datetime.date(2026, 9, 1),
        "ends_on": datetime.date(2027, 8, 31),
    }
    services.legal_vp_appoint(actor=people.leader_a, school=city.school_a, fields=fields)
    with pytest.raises(ValidationError):
        services.legal_vp_appoint(
            actor=people.leader_a, school=city.school_a, fields={**fields, "name": "李法官"}
        )
    with pytest.raises(PermissionDenied):
        services.legal_vp_appoint(actor=people.staff_a, school=city.school_a, fields=fields)


def test_term_end_reminder_is_sent_once(city, people):
    services.legal_vp_appoint(
        actor=people.leader_a,
        school=city.school_a,
        fields={
            "name": "王警官",
            "organisation_kind": "police",
            "organisation": "城关派出所",
            "starts_on": datetime.date(2025, 9, 1),
            "ends_on": datetime.date(2026, 12, 20),
        },
    )
    assert services.legal_vp_remind_term_end(today=datetime.date(2026, 11, 1)) == 0
    assert services.legal_vp_remind_term_end(today=datetime.date(2026, 12, 1)) == 1
    assert services.legal_vp_remind_term_end(today=datetime.date(2026, 12, 2)) == 0
    notices = Notification.objects.filter(kind="legal_vp_term_end")
    assert [n.recipient for n in notices] == [people.leader_a]


def test_a_teacher_records_a_lesson_with_a_photo(client, city, people):
    client.force_login(people.staff_a)
    url = reverse("education:record_new", args=[city.school_a.pk])
    response = client.post(
        url,
        {
            "kind": "lesson",
            "topic": "drowning",
            "held_on": "2026-10-12",
            "classes": "三年级1班",
            "pupils": "40",
            "hours": "1",
            "material": jpeg_upload("课堂.jpg"),
        },
    )
    assert response.status_code == 302, re.findall(
        r"<strong>(.*?)</strong>", response.content.decode()
    )
    record = EducationRecord.objects.get()
    assert (record.school, record.recorded_by, record.pupils) == (city.school_a, people.staff_a, 40)
    assert record.material and record.material_name == "课堂.jpg"
    detail = client.get(response.url)
    assert "三年级1班" in detail.content.decode()


def test_bad_input_is_refused_in_chinese_and_kept(client, city, people):
    client.force_login(people.staff_a)
    url = reverse("education:record_new", args=[city.school_a.pk])
    response = client.post(
        url,
        {
            "kind": "parent_letter",
            "topic": "traffic",
            "held_on": "2999-01-01",
            "title": "致家长的一封信",
            "letters_sent": "10",
            "receipts_returned": "12",
            "hours": "1",
            "pupils": "0",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "日期不能晚于今天" in page
    assert "回执数多于发出的告知书" in page
    assert "致家长的一封信" in page
    assert not EducationRecord.objects.exists()


def test_only_the_school_records_and_only_its_own(client, city, people):
    client.force_login(people.county_official)
    assert client.get(reverse("education:record_new", args=[city.school_a.pk])).status_code == 403
    client.force_login(people.staff_a)
    assert client.get(reverse("education:record_new", args=[city.school_b.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        lesson(people.staff_a, city.school_b)


def test_the_bureau_sees_coverage_across_its_schools(client, city, people):
    lesson(people.staff_a, city.school_a, held_on=timezone.localdate())
    client.force_login(people.county_official)
    page = client.get(reverse("education:coverage")).content.decode()
    assert city.school_a.name in page and city.school_a2.name in page
    assert city.school_b.name not in page


def test_a_law_lesson_links_to_the_legal_vice_principal(city, people):
    vp = services.legal_vp_appoint(
        actor=people.leader_a,
        school=city.school_a,
        fields={
            "name": "王警官",
            "organisation_kind": "police",
            "organisation": "城关派出所",
            "starts_on": datetime.date(2026, 9, 1),
            "ends_on": datetime.date(2027, 8, 31),
        },
    )
    record = lesson(people.staff_a, city.school_a, topic="law", legal_vice_principal=vp)
    assert list(vp.lessons.all()) == [record]
    assert LegalVicePrincipal.objects.get().lessons.count() == 1


def test_the_responsibility_import_accepts_the_legal_vice_principal(city, client_for):
    row = [city.school_a.code, "法制副校长", "王警官", "13900000009", "", "", "2026-09-01"]
    response = upload(client_for("leader_a"), xlsx([row + ["", "", "", ""]]))
    check = response.context["check"]
    assert check.is_valid, [r.error for r in check.rows]


def test_the_database_figures_agree_with_the_rows_and_drive_the_cards_and_gaps(
    client, city, people
):
    """#23: the coverage page counts its cards and filters "gaps only" in the database
    (`coverage_figures`), and builds full rows only for its page: both give the same answer
    for every school — the nearest bureau's minimum, half-up rounding (1.25 → 1.3), topics,
    the legal vice-principal."""
    from safety.education.models import Topic

    today = timezone.localdate()
    term = selectors.current_term()
    services.settings_save(
        actor=people.city_official, bureau=city.city, min_hours_per_pupil=Decimal("2")
    )
    services.settings_save(
        actor=people.county_official, bureau=city.county_a, min_hours_per_pupil=Decimal("1.3")
    )
    school_a, full = city.school_a, city.school_a2
    for school, students in ((school_a, 100), (full, 10)):
        school.student_count = students
        school.save()
    lesson(people.staff_a, school_a, held_on=today, pupils=125, hours=Decimal("1"))
    for topic in Topic.values:
        lesson(people.staff_a2, full, topic=topic, held_on=today, pupils=10, hours=Decimal("1"))
    LegalVicePrincipal.objects.create(
        school=full,
        name="李警官",
        organisation_kind="police",
        organisation="城关派出所",
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=300),
    )
    schools = type(school_a).objects.schools().filter(is_active=True)
    rows = {r.school.pk: r for r in selectors.coverage_rows(list(schools), term, today=today)}
    figures = {s.pk: s for s in selectors.coverage_figures(schools, term, today=today)}
    assert rows[school_a.pk].hours_per_pupil == Decimal("1.3") == figures[school_a.pk].per_pupil
    assert not figures[school_a.pk].short and figures[school_a.pk].gap  # topics, no VP
    assert figures[city.school_b.pk].minimum == Decimal("2")
    for pk, row in rows.items():
        gap = row.short_of_minimum or bool(row.topics_missing) or row.legal_vp_gap
        assert (figures[pk].minimum, figures[pk].short) == (row.minimum, row.short_of_minimum)
        assert (figures[pk].has_legal_vp, figures[pk].gap) == (not row.legal_vp_gap, gap)
    assert not figures[full.pk].gap

    client.force_login(people.county_official)
    page = client.get(reverse("education:coverage")).content.decode()
    cards = dict(re.findall(r'data-testid="([a-z-]+)">(\d+)<', page))
    in_county = [r for pk, r in rows.items() if r.school.parent_id == city.county_a.pk]
    assert cards == {
        "schools": str(len(in_county)),
        "short": str(sum(r.short_of_minimum for r in in_county)),
        "vp-gaps": str(sum(r.legal_vp_gap for r in in_county)),
    }
    gaps = client.get(reverse("education:coverage"), {"gaps": "on"}).content.decode()
    assert school_a.name in gaps and full.name not in gaps


def test_the_term_summary_follows_every_record_and_can_be_rebuilt(city, people):
    """#23: each record written through the service updates its school's summary of its term
    (pupil-hours of the pupil kinds, topics covered), which the homes and the coverage page
    read instead of the records; `refresh_all` (the migration's and the generated city's
    path) writes the same rows from the records alone."""
    from safety.education import summaries
    from safety.education.models import EducationTermSummary

    school = city.school_a

    def kept() -> dict[str, tuple[Decimal, list[str], int]]:
        rows = EducationTermSummary.objects.filter(school=school).order_by("term")
        return {r.term: (r.pupil_hours, r.topics, r.topic_count) for r in rows}

    lesson(people.staff_a, school, pupils=40, hours=Decimal("1.5"))
    assert kept() == {"2026-autumn": (Decimal("60"), ["drowning"], 1)}
    lesson(people.staff_a, school, topic="traffic", pupils=10, kind="themed_week")
    lesson(people.staff_a, school, topic="drowning", pupils=5)
    # A staff training and a letter reach no pupils in class: neither hours nor topics.
    lesson(people.staff_a, school, kind="staff_training", topic="fire", pupils=30, classes="")
    lesson(people.staff_a, school, kind="parent_letter", topic="food", pupils=0, classes="")
    lesson(people.staff_a, school, topic="law", held_on=datetime.date(2027, 3, 1), pupils=7)
    expected = {
        "2026-autumn": (Decimal("75"), ["drowning", "traffic"], 2),
        "2027-spring": (Decimal("7"), ["law"], 1),
    }
    assert kept() == expected
    assert not EducationTermSummary.objects.filter(school=city.school_b).exists()

    EducationTermSummary.objects.all().delete()
    assert summaries.refresh_all() == 2
    assert kept() == expected
    EducationTermSummary.objects.filter(term="2027-spring").update(pupil_hours=0, topics=[])
    call_command("refresh_education_summaries", stdout=io.StringIO())  # the operator's
    assert kept() == expected


def test_the_home_counts_education_hours_from_the_summaries(city, people, staff_b):
    """The bureau home's hours per pupil this term: the summaries of the jurisdiction's
    schools (the city's, the county's own only for a county official)."""
    from reporting.dashboards import selectors as dashboard_selectors

    today = timezone.localdate()
    city.school_a.student_count, city.school_b.student_count = 100, 100
    city.school_a.save()
    city.school_b.save()
    lesson(people.staff_a, city.school_a, held_on=today, pupils=100, hours=Decimal("3"))
    lesson(staff_b, city.school_b, held_on=today, pupils=50, hours=Decimal("2"))
    for persona, unit, expected in (
        ("city_official", city.city, Decimal("400")),
        ("county_official", city.county_a, Decimal("300")),
    ):
        scope = dashboard_selectors.Scope(user=getattr(people, persona), unit=unit)
        figures = {f.key: f for f in dashboard_selectors.education_figures(scope, today)}
        students = sum(
            s.student_count or 0
            for s in type(unit).objects.visible_to(scope.user).filter(kind="school", is_active=True)
        )
        assert figures["education_hours"].value == f"{expected / students:.1f}"
