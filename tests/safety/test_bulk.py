"""safety.bulk.bulk_set (#23): many rows' fields written at once — one UPDATE per batch on
PostgreSQL, Django's bulk_update elsewhere — and audited as a QuerySet.update is: each row
that changed gets its old and new values in the audit log."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safety import bulk
from safety.models import AuditEvent
from safety.responsibility.models import Holder

pytestmark = pytest.mark.django_db


def _holders(city, count: int) -> list[Holder]:
    return [
        Holder.objects.create(unit=city.school_a, name=f"教师{n}", job_title="班主任", phone="")
        for n in range(count)
    ]


def test_every_row_gets_its_own_values_and_other_fields_stay(city, monkeypatch):
    monkeypatch.setattr(bulk, "BATCH_SIZE", 3)  # several batches
    holders = _holders(city, 7)
    Holder.objects.filter(pk=holders[0].pk).update(name="改过的名字")  # not in `fields`
    for n, holder in enumerate(holders):
        holder.job_title = f"年级组长{n}"
        holder.phone = "" if n % 2 else f"1380000000{n}"
    assert bulk.bulk_set(holders, ["job_title", "phone"]) == 7
    stored = {h.pk: (h.name, h.job_title, h.phone) for h in Holder.objects.all()}
    for n, holder in enumerate(holders):
        name = "改过的名字" if n == 0 else f"教师{n}"
        assert stored[holder.pk] == (name, f"年级组长{n}", "" if n % 2 else f"1380000000{n}")


def test_the_change_is_audited_row_by_row_with_old_and_new_values(city):
    holders = _holders(city, 3)
    holders[1].job_title = "安全副校长"
    logged = AuditEvent.objects.filter(action="bulk_change")
    assert not logged.exists()
    bulk.bulk_set(holders, ["job_title"])
    (event,) = logged
    assert event.target_id == str(holders[1].pk)
    assert event.changes == {"job_title": ["班主任", "安全副校长"]}
    assert event.unit_id == city.school_a.pk


def test_nothing_to_write_costs_no_query():
    with CaptureQueriesContext(connection) as captured:
        assert bulk.bulk_set([], ["job_title"]) == 0
    assert len(captured) == 0
