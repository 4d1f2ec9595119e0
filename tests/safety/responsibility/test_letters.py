"""Responsibility letters: issue, PDF with the embedded CJK font, signing, bulk issue."""

from __future__ import annotations

import datetime
import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from safety.models import LetterEvent, Notification, ResponsibilityLetter
from safety.responsibility import services
from safety.uploads import clean_document
from tests.builders import jpeg_upload
from tests.safety.responsibility.factories import assign, cover_school
from tests.safety.test_pdf import pdffonts

pytestmark = pytest.mark.django_db
YEAR = "2026-2027"


def test_letter_pdf_names_the_holder_in_chinese_and_embeds_the_cjk_font(city, tmp_path):
    assign(city.school_a, "principal", "张伟")
    canteen = assign(city.school_a, "canteen_manager", "陈红梅")
    letter = services.letter_issue(actor=None, assignment=canteen, school_year=YEAR)
    assert letter.issuer_name == "张伟"  # from the school's first responsible person
    assert letter.area_names == ["饮食饮水"]
    pdf = services.letter_pdf(letter)
    assert pdf.startswith(b"%PDF")
    fonts = pdffonts(pdf, tmp_path)
    cjk = [line for line in fonts.splitlines() if "SafeCampus-CJK" in line]
    assert cjk and all(" yes " in line for line in cjk)  # embedded
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "陈红梅" in text
    assert "安全责任书" in text


def test_the_principals_letter_is_issued_by_the_bureau_director(city):
    assign(city.county_a, "bureau_director", "刘局长")
    principal = assign(city.school_a, "principal", "张伟")
    letter = services.letter_issue(actor=None, assignment=principal, school_year=YEAR)
    assert (letter.issuer_unit_name, letter.issuer_name) == (city.county_a.name, "刘局长")


def test_a_letter_is_issued_once_per_year_and_signed_once(city, people):
    assignment = assign(city.school_a, "class_teacher", "李老师")
    letter = services.letter_issue(actor=people.leader_a, assignment=assignment, school_year=YEAR)
    with pytest.raises(ValidationError):
        services.letter_issue(actor=people.leader_a, assignment=assignment, school_year=YEAR)
    services.letter_sign(
        actor=people.leader_a,
        letter=letter,
        signed_on=datetime.date(2026, 9, 10),
        scan=clean_document(jpeg_upload("签字页.jpg")),
    )
    letter.refresh_from_db()
    assert letter.status == "signed" and letter.signed_scan
    with pytest.raises(ValidationError):
        services.letter_sign(
            actor=people.leader_a,
            letter=letter,
            signed_on=datetime.date(2026, 9, 10),
            scan=clean_document(jpeg_upload("签字页.jpg")),
        )
    assert list(LetterEvent.objects.filter(letter=letter).values_list("to_status", flat=True)) == [
        "issued",
        "signed",
    ]


def test_school_staff_cannot_issue_or_sign(city, people):
    assignment = assign(city.school_a, "class_teacher", "李老师")
    with pytest.raises(PermissionDenied):
        services.letter_issue(actor=people.staff_a, assignment=assignment, school_year=YEAR)


def test_bulk_issue_for_a_school_is_idempotent(city, people):
    made = cover_school(city.school_a)
    issued = services.letters_issue_bulk(
        actor=people.leader_a, unit=city.school_a, school_year=YEAR
    )
    assert issued == len(made)
    assert (
        services.letters_issue_bulk(actor=people.leader_a, unit=city.school_a, school_year=YEAR)
        == 0
    )


def test_bulk_issue_for_a_county_runs_as_a_job_and_notifies_the_actor(
    city, people, client_for, django_capture_on_commit_callbacks
):
    cover_school(city.school_a)
    cover_school(city.school_a2)
    cover_school(city.school_b)  # another county: untouched
    client = client_for("county_admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("responsibility:letters_bulk_issue", args=[city.county_a.pk]),
            {"school_year": YEAR},
        )
    assert response.status_code == 302
    letters = ResponsibilityLetter.objects.filter(school_year=YEAR)
    assert letters.exclude(assignment__unit__parent=city.county_a).count() == 0
    assert letters.count() == city.school_a.assignments.count() + city.school_a2.assignments.count()
    notice = Notification.objects.get(recipient=people.county_admin, kind="letters_issued")
    assert str(letters.count()) in notice.title


def test_a_redelivered_bulk_job_issues_and_announces_nothing_twice(city, people):
    from safety.responsibility.tasks import issue_letters

    cover_school(city.school_a)
    first = issue_letters(people.county_admin.pk, city.county_a.pk, YEAR)
    again = issue_letters(people.county_admin.pk, city.county_a.pk, YEAR)
    assert first > 0
    assert again == 0
    assert ResponsibilityLetter.objects.filter(school_year=YEAR).count() == first
    assert Notification.objects.filter(kind="letters_issued").count() == 1


def test_county_official_cannot_bulk_issue(city, client_for):
    cover_school(city.school_a)
    response = client_for("county_official").post(
        reverse("responsibility:letters_bulk_issue", args=[city.county_a.pk]), {"school_year": YEAR}
    )
    assert response.status_code == 403
    assert not ResponsibilityLetter.objects.exists()


def test_signing_through_the_page_stores_the_scan_and_serves_it_scoped(city, client_for):
    assignment = assign(city.school_a, "class_teacher", "李老师")
    letter = services.letter_issue(actor=None, assignment=assignment, school_year=YEAR)
    leader = client_for("leader_a")
    response = leader.post(
        reverse("responsibility:letter_sign", args=[letter.pk]),
        {"signed_on": "2026-09-10", "scan": jpeg_upload("签字页.jpg")},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    letter.refresh_from_db()
    assert letter.status == "signed"
    assert leader.get(reverse("responsibility:letter_scan", args=[letter.pk])).status_code == 200
    assert (
        client_for("staff_a2")
        .get(reverse("responsibility:letter_scan", args=[letter.pk]))
        .status_code
        == 404
    )
    pdf = client_for("county_official").get(reverse("responsibility:letter_pdf", args=[letter.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert (
        client_for("other_county_official")
        .get(reverse("responsibility:letter_pdf", args=[letter.pk]))
        .status_code
        == 404
    )
