"""Bad input refused in Chinese with the numbers and the input kept; the school-bus
register's reminders (once), gaps and the block on expired buses and drivers."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from reporting.activities import services
from reporting.activities.models import Activity, BusRoute
from safety import workdays
from safety.models import Notification

from .factories import bus, driver, escort, fields, starts_in

pytestmark = pytest.mark.django_db


def _post_data(school, vehicles=(), **overrides):
    data = fields(school, **overrides)
    post = {
        key: (value.pk if hasattr(value, "pk") else value)
        for key, value in data.items()
        if value not in (False, None)
    }
    post["starts_at"] = data["starts_at"].strftime("%Y-%m-%dT%H:%M")
    post["ends_at"] = data["ends_at"].strftime("%Y-%m-%dT%H:%M")
    post.update(
        {
            "vehicles-TOTAL_FORMS": "3",
            "vehicles-INITIAL_FORMS": "0",
            "vehicles-MIN_NUM_FORMS": "0",
            "vehicles-MAX_NUM_FORMS": "10",
        }
    )
    for index, vehicle in enumerate(vehicles):
        for key, value in vehicle.items():
            post[f"vehicles-{index}-{key}"] = value
    return post


def _create(client, data):
    return client.post(reverse("activities:create"), data)


def test_a_45_seat_bus_with_52_pupils_is_refused_in_chinese_and_the_input_kept(
    city, people, client_for
):
    client = client_for("leader_a")
    data = _post_data(
        city.school_a,
        transport="hired",
        operator_name="顺达客运",
        operator_licence="苏交运123",
        vehicles=[
            {
                "plate": "苏A88888",
                "seats": "45",
                "driver_name": "陈师傅",
                "licence_class": "A1",
                "passengers": "52",
            }
        ],
    )
    response = _create(client, data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "车辆 苏A88888 核载 45 座，乘车 52 人，超载 7 人。" in text
    assert 'value="春季植物园研学"' in text and 'value="苏A88888"' in text
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"starts_at": starts_in(-2), "ends_at": starts_in(-2, 16)}, "活动开始时间不能早于现在。"),
        ({"ends_at": starts_in(14, 6)}, "结束时间必须晚于开始时间。"),
        ({"consent_count": 60}, "填写的家长同意书 60 份，参加学生 52 人：同意书不能多于学生人数。"),
    ],
)
def test_bad_dates_and_consents_are_refused(city, people, client_for, overrides, message):
    response = _create(client_for("staff_a"), _post_data(city.school_a, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Activity.objects.exists()


def test_an_expired_bus_or_driver_cannot_be_chosen(city, people, client_for):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    old = bus(city.school_a, insurance_expires=yesterday)
    lapsed = driver(city.school_a, expires=yesterday)
    data = _post_data(
        city.school_a,
        transport="own_buses",
        vehicles=[{"bus": old.pk, "driver": lapsed.pk, "passengers": "40"}],
    )
    response = _create(client_for("staff_a"), data)
    text = response.content.decode()
    assert response.status_code == 400
    assert "校车 苏A12345 不能使用：其保险已过期。" in text
    assert f"驾驶人 王师傅 不能驾驶：驾驶证已于 {yesterday.isoformat()} 过期。" in text
    # The service refuses the same whatever a form let through.
    with pytest.raises(services.ValidationError):
        services.activity_save_draft(
            actor=people.staff_a,
            school=city.school_a,
            fields=fields(city.school_a, transport="own_buses"),
            vehicles=[
                {
                    "bus": old,
                    "driver": None,
                    "passengers": 40,
                    "driver_name": "陈",
                    "licence_class": "A1",
                }
            ],
        )


def test_a_valid_registered_bus_takes_its_plate_and_seats(city, people, client_for):
    ok = bus(city.school_a, plate="苏A00001", seats=45)
    good = driver(city.school_a)
    data = _post_data(
        city.school_a,
        transport="own_buses",
        vehicles=[{"bus": ok.pk, "driver": good.pk, "passengers": "45"}],
    )
    response = _create(client_for("staff_a"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    vehicle = Activity.objects.get().vehicles.get()
    assert (vehicle.plate, vehicle.seats, vehicle.driver_name) == ("苏A00001", 45, "王师傅")


def test_a_route_over_its_bus_seats_is_refused(city, people, client_for):
    small = bus(city.school_a, seats=45)
    data = {
        "name": "东线",
        "bus": small.pk,
        "driver": driver(city.school_a).pk,
        "escort": escort(city.school_a).pk,
        "stops": "王庄\n李村\n学校",
        "pupils": "52",
        "is_active": "on",
    }
    url = reverse("activities:route_new", args=[city.school_a.pk])
    response = client_for("staff_a").post(url, data)
    assert response.status_code == 400
    assert "车辆 苏A12345 核载 45 座，乘车 52 人，超载 7 人。" in response.content.decode()
    assert not BusRoute.objects.exists()


def test_bus_documents_expiring_remind_the_school_once(city, people):
    today = workdays.next_working_day(timezone.localdate())
    bus(city.school_a, permit_expires=today + datetime.timedelta(days=20))
    bus(city.school_a, plate="苏A22222", inspection_expires=today + datetime.timedelta(days=90))
    driver(city.school_a, expires=today + datetime.timedelta(days=5))
    sent = services.bus_reminder_pass(today)
    # The permit and the licence, to each keeper of school A (staff and leader).
    assert sent == 4
    assert services.bus_reminder_pass(today) == 0
    assert services.bus_reminder_pass(today + datetime.timedelta(days=1)) == 0
    titles = set(
        Notification.objects.filter(kind="bus_document_expiry").values_list("recipient", flat=True)
    )
    assert titles == {people.staff_a.pk, people.leader_a.pk}


def test_an_expired_document_is_a_gap_on_the_school_page_and_the_county_view(
    city, people, client_for
):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    bus(city.school_a, plate="苏A99999", permit_expires=yesterday)
    page = client_for("county_official").get(reverse("school_detail", args=[city.school_a.pk]))
    assert "苏A99999（校车使用许可）" in page.content.decode()
    county = client_for("county_official").get(reverse("activities:buses") + "?state=expired")
    assert county.context["register_total"] == 1
    assert "苏A99999" in county.content.decode()
    other = client_for("other_county_official").get(reverse("activities:buses"))
    assert "苏A99999" not in other.content.decode()


def test_a_bureau_may_read_the_register_but_not_change_it(city, people, client_for):
    url = reverse("activities:bus_new", args=[city.school_a.pk])
    assert client_for("county_official").get(url).status_code == 403
    assert client_for("staff_a2").get(url).status_code == 404
    assert client_for("staff_a").get(url).status_code == 200


def test_the_reminder_window_follows_the_nearest_bureau(city, people):
    from reporting.activities import selectors
    from reporting.activities.models import ActivitySettings
    from safety.models import Organisation

    ActivitySettings.objects.create(bureau=city.city, bus_reminder_days=45)
    ActivitySettings.objects.create(bureau=city.county_a, bus_reminder_days=60)
    units = selectors.with_reminder_days(Organisation.objects.all()).in_bulk()
    assert selectors.reminder_days(units[city.school_a.pk]) == 60
    assert selectors.reminder_days(units[city.school_b.pk]) == 45
    assert selectors.reminder_days(city.school_b) == 45  # not annotated: looked up


def test_the_safety_plan_document_is_uploaded_checked_and_served(city, people, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.pdfs import pdf_with_javascript, plain_pdf

    client = client_for("staff_a")
    data = _post_data(city.school_a)
    refused = client.post(
        reverse("activities:create"),
        {**data, "plan_files": SimpleUploadedFile("预案.pdf", pdf_with_javascript())},
    )
    assert refused.status_code == 400
    assert not Activity.objects.exists()
    data["plan_files"] = SimpleUploadedFile("预案.pdf", plain_pdf())
    assert client.post(reverse("activities:create"), data).status_code == 302
    activity = Activity.objects.get()
    assert activity.plan_document.name.endswith(".pdf")
    served = client_for("county_official").get(
        reverse("activities:plan_document", args=[activity.pk])
    )
    assert served.status_code == 200
    assert b"".join(served.streaming_content).startswith(b"%PDF-")
