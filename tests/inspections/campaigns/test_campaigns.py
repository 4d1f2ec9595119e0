"""Special campaigns (issue #18): targeting, forwarding, the school's task, the board,
reminders once a day, permissions and bad input."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from inspections import services as inspection_services
from inspections.campaigns import selectors, services
from inspections.campaigns.models import Campaign, CampaignTask
from inspections.models import ChecklistTemplate, Hazard, Inspection
from safety import workdays
from safety.models import AuditEvent, Notification

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def launch(actor, bureau, **extra):
    fields = {
        "title": "开学安全大检查",
        "purpose": "全面排查校园安全隐患",
        "deadline": TODAY() + datetime.timedelta(days=20),
        "filters": {},
        "template": ChecklistTemplate.objects.get(area__key="fire"),
    }
    return services.campaign_launch(actor=actor, bureau=bureau, **(fields | extra))


def test_city_campaign_covers_every_school_and_tells_each_once(city, people):
    campaign = launch(people.city_official, city.city)
    schools = set(campaign.tasks.values_list("school_id", flat=True))
    assert schools == {city.school_a.pk, city.school_a2.pk, city.school_b.pk, city.city_school.pk}
    told = Notification.objects.filter(kind="campaign_launched")
    assert set(told.values_list("recipient", flat=True)) == {
        people.staff_a.pk,
        people.leader_a.pk,
        people.staff_a2.pk,
    }
    assert AuditEvent.objects.filter(action="campaign.launch").count() == 1


def test_filters_select_county_type_and_boarding(city, people):
    campaign = launch(people.city_official, city.city, filters={"county": city.county_a.pk})
    assert set(campaign.tasks.values_list("school_id", flat=True)) == {
        city.school_a.pk,
        city.school_a2.pk,
    }
    boarding = launch(people.city_official, city.city, filters={"boarding": "yes"})
    assert list(boarding.tasks.values_list("school_id", flat=True)) == [city.school_a2.pk]


def test_a_county_cannot_target_another_county(city, people):
    with pytest.raises(PermissionDenied):
        launch(people.county_official, city.county_a, filters={"county": city.county_b.pk})
    with pytest.raises(PermissionDenied):
        launch(people.county_official, city.county_b)
    with pytest.raises(PermissionDenied):
        launch(people.staff_a, city.school_a)


def test_bad_input_is_refused_and_nothing_is_saved(city, people):
    with pytest.raises(ValidationError):
        launch(people.city_official, city.city, deadline=TODAY() - datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        launch(people.city_official, city.city, filters={"school_type": "vocational"})
    with pytest.raises(ValidationError):
        launch(people.city_official, city.city, template=None, items=["", "  "])
    assert not CampaignTask.objects.exists()


def test_written_checklist_is_a_version_of_its_own_inactive_template(city, people, fire_area):
    campaign = launch(
        people.city_official,
        city.city,
        template=None,
        area=fire_area,
        items=["防溺水教育", "水域巡查"],
    )
    assert [i.text for i in campaign.checklist.items.all()] == ["防溺水教育", "水域巡查"]
    assert campaign.checklist.number == 1
    assert not campaign.checklist.template.is_active


def test_county_forwards_with_its_earlier_deadline_once(city, people):
    campaign = launch(people.city_official, city.city)
    earlier = TODAY() + datetime.timedelta(days=10)
    services.campaign_forward(
        actor=people.county_official, campaign=campaign, county=city.county_a, deadline=earlier
    )
    deadlines = dict(campaign.tasks.values_list("school_id", "deadline"))
    assert deadlines[city.school_a.pk] == earlier
    assert deadlines[city.school_b.pk] == campaign.deadline
    assert Notification.objects.filter(kind="campaign_forwarded").count() == 3
    with pytest.raises(ValidationError):
        services.campaign_forward(
            actor=people.county_official, campaign=campaign, county=city.county_a, deadline=earlier
        )


def test_forward_refuses_a_later_deadline_and_another_county(city, people):
    campaign = launch(people.city_official, city.city)
    with pytest.raises(ValidationError):
        services.campaign_forward(
            actor=people.county_official,
            campaign=campaign,
            county=city.county_a,
            deadline=campaign.deadline + datetime.timedelta(days=1),
        )
    with pytest.raises(PermissionDenied):
        services.campaign_forward(
            actor=people.county_official,
            campaign=campaign,
            county=city.county_b,
            deadline=TODAY(),
        )


def _complete(task, staff, hazard=True):
    inspection = services.campaign_task_start(actor=staff, task=task)
    items = list(inspection.checklist.items.all())
    results = {item.pk: {"result": "pass"} for item in items}
    if hazard:
        results[items[0].pk] = {"result": "hazard", "note": "灭火器过期"}
    inspection_services.inspection_save_draft(actor=staff, inspection=inspection, results=results)
    inspection_services.inspection_submit(actor=staff, inspection=inspection)
    return services.campaign_task_submit(actor=staff, task=task, report="已全面检查，发现一处隐患")


def test_school_works_through_the_task_and_the_hazard_carries_the_campaign(city, people):
    campaign = launch(people.city_official, city.city)
    task = campaign.tasks.get(school=city.school_a)
    with pytest.raises(ValidationError):
        services.campaign_task_submit(actor=people.staff_a, task=task, report="x")
    task = _complete(task, people.staff_a)
    assert task.status == CampaignTask.Status.SUBMITTED
    assert task.inspection.kind == Inspection.Kind.CAMPAIGN
    hazard = Hazard.objects.get(campaign=campaign)
    assert hazard.source == Hazard.Source.CAMPAIGN
    assert selectors.board_hazards(people.city_official, campaign) == {"found": 1, "rectified": 0}
    with pytest.raises(ValidationError):
        services.campaign_task_submit(actor=people.staff_a, task=task, report="again")


def test_only_the_schools_own_people_work_its_task(city, people):
    campaign = launch(people.city_official, city.city)
    task = campaign.tasks.get(school=city.school_a)
    with pytest.raises(PermissionDenied):
        services.campaign_task_start(actor=people.county_official, task=task)
    with pytest.raises(PermissionDenied):
        services.campaign_task_start(actor=people.staff_a2, task=task)


def test_board_statuses_per_county(city, people):
    campaign = launch(people.city_official, city.city)
    _complete(campaign.tasks.get(school=city.school_a), people.staff_a, hazard=False)
    services.campaign_task_start(
        actor=people.staff_a2, task=campaign.tasks.get(school=city.school_a2)
    )
    CampaignTask.objects.filter(school=city.school_b).update(
        deadline=TODAY() - datetime.timedelta(days=1)
    )
    rows = {row.county.pk: row for row in selectors.board_counties(people.city_official, campaign)}
    county_a = rows[city.county_a.pk]
    assert (county_a.total, county_a.submitted, county_a.in_progress, county_a.not_started) == (
        2,
        1,
        1,
        0,
    )
    assert rows[city.county_b.pk].late == 1
    late = selectors.board_tasks(people.city_official, campaign, {"status": "late"})
    assert [t.school_id for t in late] == [city.school_b.pk]
    # The county sees only its own schools.
    assert {r.county.pk for r in selectors.board_counties(people.county_official, campaign)} == {
        city.county_a.pk
    }


def test_reminders_go_to_laggards_at_most_once_a_day(city, people):
    campaign = launch(people.city_official, city.city)
    _complete(campaign.tasks.get(school=city.school_a), people.staff_a, hazard=False)
    assert (
        services.campaign_remind(
            actor=people.city_official,
            campaign=campaign,
            unit=city.city,
            today=workdays.next_working_day(timezone.localdate()),
        )
        == 3
    )
    reminded = Notification.objects.filter(kind="campaign_reminder").count()
    assert reminded == 1  # staff_a2 (school A2); school B and the city school have nobody
    assert (
        services.campaign_remind(
            actor=people.city_official,
            campaign=campaign,
            unit=city.city,
            today=workdays.next_working_day(timezone.localdate()),
        )
        == 0
    )
    assert Notification.objects.filter(kind="campaign_reminder").count() == reminded


def test_county_sees_the_city_campaign_but_not_other_counties_tasks(city, people, client_for):
    campaign = launch(people.city_official, city.city)
    client = client_for("county_official")
    assert client.get(reverse("campaigns:board", args=[campaign.pk])).status_code == 200
    task_b = campaign.tasks.get(school=city.school_b)
    assert client.get(reverse("campaigns:task", args=[task_b.pk])).status_code == 404
    other = launch(people.other_county_official, city.county_b)
    assert client.get(reverse("campaigns:board", args=[other.pk])).status_code == 404


def test_launch_form_keeps_input_and_refuses_bad_values(city, people, client_for):
    client = client_for("county_official")
    data = {
        "title": "防溺水专项",
        "purpose": "暑期前排查",
        "items": "",
        "county": city.county_b.pk,
        "starts_on": TODAY().isoformat(),
        "deadline": (TODAY() - datetime.timedelta(days=1)).isoformat(),
    }
    response = client.post(reverse("campaigns:new"), data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "防溺水专项" in text
    assert "截止日期不能早于今天" in text
    assert "检查表至少需要一个检查项" in text
    assert not CampaignTask.objects.exists()


def test_full_path_through_pages(city, people, client_for):
    official = client_for("city_official")
    response = official.post(
        reverse("campaigns:new"),
        {
            "title": "消防安全专项整治",
            "purpose": "排查消防隐患",
            "template": ChecklistTemplate.objects.get(area__key="fire").pk,
            "starts_on": TODAY().isoformat(),
            "deadline": (TODAY() + datetime.timedelta(days=14)).isoformat(),
        },
    )
    assert response.status_code == 302
    campaign = CampaignTask.objects.first().campaign
    county = client_for("county_official")
    response = county.post(
        reverse("campaigns:forward", args=[campaign.pk]),
        {"deadline": (TODAY() + datetime.timedelta(days=7)).isoformat(), "note": "请提前完成"},
    )
    assert response.status_code == 302
    staff = client_for("staff_a")
    task = campaign.tasks.get(school=city.school_a)
    assert "消防安全专项整治" in staff.get(reverse("campaigns:index")).content.decode()
    response = staff.post(reverse("campaigns:task_start", args=[task.pk]))
    assert response.status_code == 302
    for url in ("campaigns:board", "campaigns:export", "campaigns:pdf"):
        assert official.get(reverse(url, args=[campaign.pk])).status_code == 200
    assert staff.get(reverse("campaigns:board", args=[campaign.pk])).status_code == 403


def test_submitting_the_report_asks_once(city, people, client_for):
    campaign = launch(people.city_official, city.city)
    task = campaign.tasks.get(school=city.school_a)
    inspection = services.campaign_task_start(actor=people.staff_a, task=task)
    results = {item.pk: {"result": "pass"} for item in inspection.checklist.items.all()}
    inspection_services.inspection_save_draft(
        actor=people.staff_a, inspection=inspection, results=results
    )
    inspection_services.inspection_submit(actor=people.staff_a, inspection=inspection)
    staff = client_for("staff_a")
    url = reverse("campaigns:task_submit", args=[task.pk])
    response = staff.post(url, {"report": "全部合格"})
    assert response.status_code == 200
    task.refresh_from_db()
    assert task.status == CampaignTask.Status.IN_PROGRESS
    assert staff.post(url, {"report": "", "confirm": "yes"}).status_code == 400
    assert staff.post(url, {"report": "全部合格", "confirm": "yes"}).status_code == 302
    task.refresh_from_db()
    assert task.status == CampaignTask.Status.SUBMITTED


def test_county_form_offers_no_other_county_and_ignores_a_posted_one(city, people, client_for):
    client = client_for("county_official")
    page = client.get(reverse("campaigns:new")).content.decode()
    assert "乙县教育局" not in page
    response = client.post(
        reverse("campaigns:new"),
        {
            "title": "防溺水专项",
            "purpose": "排查",
            "template": ChecklistTemplate.objects.get(area__key="fire").pk,
            "county": city.county_b.pk,
            "starts_on": TODAY().isoformat(),
            "deadline": (TODAY() + datetime.timedelta(days=5)).isoformat(),
        },
    )
    assert response.status_code == 302
    schools = set(CampaignTask.objects.values_list("school_id", flat=True))
    assert schools == {city.school_a.pk, city.school_a2.pk}


def test_city_form_refuses_an_empty_target_set_and_keeps_the_input(city, people, client_for):
    response = client_for("city_official").post(
        reverse("campaigns:new"),
        {
            "title": "职业学校专项",
            "purpose": "排查",
            "template": ChecklistTemplate.objects.get(area__key="fire").pk,
            "school_type": "vocational",
            "starts_on": TODAY().isoformat(),
            "deadline": (TODAY() + datetime.timedelta(days=5)).isoformat(),
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "没有符合这些条件的学校" in text
    assert "职业学校专项" in text
    assert not CampaignTask.objects.exists()


def test_the_campaign_list_counts_the_tasks_of_the_users_jurisdiction(city, people):
    """#23: the counts are subqueries per campaign (no grouped join), narrowed to the
    viewer's jurisdiction: a county sees its own schools' tasks of a city campaign."""
    campaign = launch(people.city_official, city.city)
    _complete(campaign.tasks.get(school=city.school_a), people.staff_a)
    own = launch(people.county_official, city.county_a, title="区级检查")
    counts = {
        user: {c.pk: (c.task_count, c.submitted_count) for c in selectors.campaign_list(user)}
        for user in (people.city_official, people.county_official)
    }
    assert counts[people.city_official] == {campaign.pk: (4, 1), own.pk: (2, 0)}
    assert counts[people.county_official] == {campaign.pk: (2, 1), own.pk: (2, 0)}


def test_the_list_reads_a_campaigns_kept_counts_within_the_jurisdiction(city, people):
    """#23: a campaign of a bureau within the viewer's jurisdiction shows the counts the
    services keep on it (a province campaign's 20,000 tasks are not counted per row); a
    county reading the city's campaign still counts its own schools' tasks."""
    campaign = launch(people.city_official, city.city)
    campaign.refresh_from_db()
    assert (campaign.tasks_total, campaign.tasks_submitted) == (4, 0)
    _complete(campaign.tasks.get(school=city.school_a), people.staff_a)
    campaign.refresh_from_db()
    assert (campaign.tasks_total, campaign.tasks_submitted) == (4, 1)

    Campaign.objects.filter(pk=campaign.pk).update(tasks_total=40, tasks_submitted=10)
    city_row = selectors.campaign_list(people.city_official).get(pk=campaign.pk)
    county_row = selectors.campaign_list(people.county_official).get(pk=campaign.pk)
    assert (city_row.task_count, city_row.submitted_count) == (40, 10)  # kept
    assert (county_row.task_count, county_row.submitted_count) == (2, 1)  # counted

    # The repair (and the generated city's bulk load) rewrites them from the tasks.
    assert services.campaign_counts_refresh() == 1
    campaign.refresh_from_db()
    assert (campaign.tasks_total, campaign.tasks_submitted) == (4, 1)
