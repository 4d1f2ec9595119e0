"""Filing inspections (drafts, photos, hazards), template versions and spot-check draws."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from inspections import services
from inspections.models import Hazard, Inspection, ItemResult, SpotCheckDraw

from .conftest import jpeg_bytes, photo_upload


@pytest.fixture
def draft(crew, fire_template):
    return services.inspection_start(
        actor=crew.reporter,
        school=crew.reporter.unit,
        kind=Inspection.Kind.SELF_WEEKLY,
        template=fire_template,
    )


def form_data(inspection, hazard_index=0, note="二楼东侧灭火器过期"):
    data = {"summary": "本周消防检查"}
    for index, item in enumerate(inspection.checklist.items.all()):
        data[f"result_{item.pk}"] = "hazard" if index == hazard_index else "pass"
        data[f"note_{item.pk}"] = note if index == hazard_index else ""
        data[f"severity_{item.pk}"] = "general"
    return data


def test_template_edit_publishes_new_version_and_keeps_filed_inspection(
    draft, fire_template, people
):
    old_version = draft.checklist
    old_texts = [item.text for item in old_version.items.all()]
    new = services.checklist_publish(
        actor=people.administrator, template=fire_template, items=[*old_texts, "微型消防站配备到位"]
    )
    assert new.number == old_version.number + 1
    draft.refresh_from_db()
    assert draft.checklist_id == old_version.pk
    assert [item.text for item in draft.checklist.items.all()] == old_texts
    with pytest.raises(PermissionDenied):
        services.checklist_publish(actor=people.county_admin, template=fire_template, items=["x"])


def test_every_area_has_a_seeded_checklist(db):
    from inspections.models import ChecklistTemplate
    from safety.models import SafetyArea

    assert set(ChecklistTemplate.objects.values_list("area__key", flat=True)) == set(
        SafetyArea.objects.values_list("key", flat=True)
    )
    fire = ChecklistTemplate.objects.get(area__key="fire").current_version.items.count()
    assert fire >= 7


def test_submitting_creates_one_hazard_per_hazard_item(client_for, draft):
    client = client_for("staff_a")
    data = form_data(draft) | {"submit": "1"}
    item = draft.checklist.items.first()
    data[f"photos_{item.pk}"] = photo_upload()
    response = client.post(f"/inspections/{draft.pk}/save/", data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Inspection.Status.SUBMITTED
    hazard = Hazard.objects.get(inspection=draft)
    assert hazard.source == Hazard.Source.SELF_INSPECTION
    assert "灭火器过期" in hazard.description
    assert hazard.photos.count() == 1
    with pytest.raises(ValidationError):
        services.inspection_save_draft(actor=draft.inspector, inspection=draft, results={})


def test_submit_needs_every_item(draft):
    with pytest.raises(ValidationError):
        services.inspection_submit(actor=draft.inspector, inspection=draft)


def test_other_people_cannot_edit_the_draft(client_for, draft):
    assert (
        client_for("county_official").post(f"/inspections/{draft.pk}/save/", {}).status_code == 403
    )
    assert client_for("staff_a2").post(f"/inspections/{draft.pk}/save/", {}).status_code == 404


def png_header_html() -> bytes:
    return b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>"


def huge_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (9000, 9000)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("notes.jpg", b"this is a text file", "不是"),
        ("page.png", png_header_html(), "不是"),
        ("big.jpg", b"\xff\xd8" + b"0" * (10 * 1024 * 1024 + 10), "10 MB"),
        ("huge.png", huge_png(), "像素"),
    ],
)
def test_rejected_photo_names_the_file_and_keeps_the_form(client_for, draft, name, content, reason):
    client = client_for("staff_a")
    data = form_data(draft) | {"submit": "1"}
    item = draft.checklist.items.first()
    data[f"photos_{item.pk}"] = SimpleUploadedFile(name, content)
    response = client.post(f"/inspections/{draft.pk}/save/", data)
    assert response.status_code == 400
    text = response.content.decode()
    assert name in text and reason in text
    assert "二楼东侧灭火器过期" in text  # the note typed on the phone is still in the form
    draft.refresh_from_db()
    assert draft.status == Inspection.Status.DRAFT
    assert draft.summary == "本周消防检查"  # saved server-side despite the rejected file
    saved = ItemResult.objects.get(inspection=draft, item=item)
    assert saved.result == "hazard" and saved.note == "二楼东侧灭火器过期"
    assert not saved.photos.exists()


def test_ad_hoc_report_keeps_form_when_photo_rejected(client_for, fire_area):
    client = client_for("staff_a")
    response = client.post(
        "/hazards/new/",
        {
            "area": fire_area.pk,
            "description": "配电箱未上锁",
            "kind": "tangible",
            "severity": "general",
            "photos": SimpleUploadedFile("x.jpg", b"text"),
        },
    )
    assert response.status_code == 200
    assert "配电箱未上锁" in response.content.decode()
    assert not Hazard.objects.exists()
    response = client.post(
        "/hazards/new/",
        {
            "area": fire_area.pk,
            "description": "配电箱未上锁",
            "kind": "tangible",
            "severity": "general",
            "photos": SimpleUploadedFile("ok.jpg", jpeg_bytes()),
        },
    )
    assert response.status_code == 302
    assert Hazard.objects.get().source == Hazard.Source.AD_HOC


def test_spot_check_draw_is_recorded_and_reproducible(people, city):
    draw = services.spot_check_draw(
        actor=people.city_official, bureau=city.city, count=2, filters={}
    )
    assert draw.drawn_by == people.city_official
    assert len(draw.drawn_ids) == 2
    assert set(draw.drawn_ids) <= set(draw.candidate_ids)
    assert services.draw_sample(draw.candidate_ids, draw.count, draw.seed) == draw.drawn_ids
    again = services.spot_check_draw(
        actor=people.city_official, bureau=city.city, count=2, filters={}, seed=draw.seed
    )
    assert again.drawn_ids == draw.drawn_ids
    assert SpotCheckDraw.objects.count() == 2


def test_spot_check_draw_guards(people, city):
    with pytest.raises(PermissionDenied):
        services.spot_check_draw(actor=people.staff_a, bureau=city.county_a, count=1, filters={})
    with pytest.raises(PermissionDenied):
        services.spot_check_draw(
            actor=people.other_county_official, bureau=city.county_a, count=1, filters={}
        )
    draw = services.spot_check_draw(
        actor=people.county_official,
        bureau=city.county_a,
        count=5,
        filters={"boarding": "yes"},
    )
    assert draw.drawn_ids == [city.school_a2.pk]


def test_draw_page_is_scoped(client_for, people, city):
    response = client_for("city_official").post(
        "/spot-checks/", {"bureau": city.city.pk, "count": 2}
    )
    assert response.status_code == 302
    draw = SpotCheckDraw.objects.get()
    assert client_for("city_official").get(f"/spot-checks/{draw.pk}/").status_code == 200
    assert client_for("county_official").get(f"/spot-checks/{draw.pk}/").status_code == 404
