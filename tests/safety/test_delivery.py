"""A notice is delivered only when a channel accepted it; accounts that cannot be reached
are listed for administrators; every phone field takes only phone numbers."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy, ngettext_lazy

from safety import notifications
from safety.messages import Message
from safety.models import DeliveryStatus, Notification
from safety.selectors import unreachable_accounts
from safety.validators import is_valid_phone, validate_phone


class RefusingSmsBackend:
    def send(self, phone: str, text: str) -> None:
        raise ConnectionError("gateway refused")


class RecordingSmsBackend:
    sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        self.sent.append((phone, text))


def _urgent(recipient, key="incident:1"):
    return notifications.notify(
        recipient=recipient,
        kind="incident.reported",
        key=key,
        title=Message(
            gettext_lazy("Incident at %(school)s: %(summary)s (%(severity)s)"),
            school="甲区实验小学",
            summary="摔伤",
            severity=gettext_lazy("General"),
        ),
        url="/incidents/1/",
        urgent=True,
    )


def test_urgent_notice_to_an_unreachable_official_is_not_delivered_and_is_listed(
    city, people, client_for, django_capture_on_commit_callbacks
):
    official = people.county_official
    official.email, official.phone = "", "0571-12345678"  # a landline takes no SMS
    official.save()
    with django_capture_on_commit_callbacks(execute=True):
        notification = _urgent(official)
    notification.refresh_from_db()
    assert notification.delivery_status == DeliveryStatus.UNREACHABLE
    assert notification.delivered_at is None
    assert notification.delivery_log == {"email": "no_address", "sms": "invalid_number"}
    assert mail.outbox == []
    # Listed for the administrators whose jurisdiction holds the account, and only them.
    assert official in unreachable_accounts(people.administrator)
    assert official not in unreachable_accounts(people.other_county_official)
    url = reverse("admin:safety_user_changelist") + "?urgent_reach=unreachable"
    page = client_for("county_admin").get(url).content.decode()
    assert "carol" in page and "dave" not in page
    assert "无法接收紧急通知的账号" in client_for("county_admin").get(url).content.decode()


def test_school_accounts_that_urgent_notices_reach_are_listed_when_unreachable(city, people):
    """Rectification orders, urgent notices and roll-call escalations go to schools: a school
    leader or staff member with no address is on the list as an official would be."""
    for account in (people.leader_a, people.staff_a):
        account.email, account.phone = "", ""
        account.save()
    listed = set(unreachable_accounts(people.administrator))
    assert {people.leader_a, people.staff_a} <= listed
    people.staff_a.phone = "13800000000"
    people.staff_a.save()
    assert people.staff_a not in unreachable_accounts(people.administrator)


def test_urgent_notice_with_a_working_channel_is_delivered_once(
    city, people, settings, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "tests.safety.test_delivery.RecordingSmsBackend"
    RecordingSmsBackend.sent = []
    official = people.county_official
    official.email, official.phone = "carol@example.cn", "13800000000"
    official.save()
    assert official not in unreachable_accounts(people.administrator)
    with django_capture_on_commit_callbacks(execute=True):
        notification = _urgent(official)
    assert notifications.deliver_urgent(notification.pk) is False  # a retry sends nothing
    notification.refresh_from_db()
    assert notification.delivery_status == DeliveryStatus.DELIVERED
    assert notification.delivered_at is not None
    assert notification.delivery_log == {"email": "sent", "sms": "sent"}
    assert len(mail.outbox) == 1 and len(RecordingSmsBackend.sent) == 1
    # Rendered in the recipient's language (zh-hans: no preference), the severity included.
    assert "甲区实验小学发生事故" in mail.outbox[0].subject or "一般" in mail.outbox[0].subject
    assert "一般" in RecordingSmsBackend.sent[0][1]


def test_a_refusing_sms_gateway_means_not_delivered_by_sms(
    city, people, settings, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "tests.safety.test_delivery.RefusingSmsBackend"
    official = people.county_official
    official.email, official.phone = "", "13800000000"
    official.save()
    with django_capture_on_commit_callbacks(execute=True):
        notification = _urgent(official)
    notification.refresh_from_db()
    assert notification.delivery_log == {"email": "no_address", "sms": "failed"}
    assert notification.delivery_status == DeliveryStatus.FAILED
    assert notification.delivered_at is None


def test_e_mail_works_when_the_sms_gateway_refuses(
    city, people, settings, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "tests.safety.test_delivery.RefusingSmsBackend"
    official = people.county_official
    official.email, official.phone = "carol@example.cn", "13800000000"
    official.save()
    with django_capture_on_commit_callbacks(execute=True):
        notification = _urgent(official)
    notification.refresh_from_db()
    assert notification.delivery_log == {"email": "sent", "sms": "failed"}
    assert notification.delivery_status == DeliveryStatus.DELIVERED


def test_digest_without_an_address_is_not_delivered(city, people):
    notifications.notify(recipient=people.staff_a, kind="k", key="1", title="提醒")
    assert notifications.send_digests() == 1
    notification = Notification.objects.get(recipient=people.staff_a)
    assert notification.delivery_status == DeliveryStatus.UNREACHABLE
    assert notification.delivered_at is None
    assert mail.outbox == []


def test_notices_are_shown_in_the_readers_language(city, people, client_for):
    notifications.notify_many(
        recipients=type(people.staff_a).objects.filter(pk=people.staff_a.pk),
        kind="k",
        key="1",
        title=Message(
            ngettext_lazy(
                "%(count)s unit has not submitted the monthly report for %(month)s",
                "%(count)s units have not submitted the monthly report for %(month)s",
                "count",
            ),
            count=1,
            month="2026-05",
        ),
    )
    notification = Notification.objects.get(recipient=people.staff_a)
    assert "个单位未报送" in notification.title  # stored text: the installation's language
    with translation.override("en"):
        assert notification.display_title == (
            "1 unit has not submitted the monthly report for 2026-05"
        )
    client = client_for("staff_a")
    client.cookies["django_language"] = "en"
    page = client.get(reverse("notification_list")).content.decode()
    assert "1 unit has not submitted" in page
    # Rows written before messages were stored keep their text.
    Notification.objects.filter(pk=notification.pk).update(message={})
    notification.refresh_from_db()
    assert notification.display_title == notification.title


GOOD_PHONES = [
    "13800000000",
    "19912345678",
    "0571-12345678",
    "057112345678",
    "010-12345678",
    "0796-8221001",
    "0571-12345678-123",
    "0571-12345678转8",
]
BAD_PHONES = [
    "12800000000",
    "1380000000",
    "138000000000",
    "12345678",
    "0571-1234",
    "abc",
    "138 0000 0000",
    "+86 13800000000",
    "0571-12345678-1234567",
]


@pytest.mark.parametrize("phone", GOOD_PHONES)
def test_good_phone_numbers_pass(phone):
    assert is_valid_phone(phone)
    validate_phone(phone)


@pytest.mark.parametrize("phone", BAD_PHONES)
def test_bad_phone_numbers_are_refused_in_chinese(phone):
    assert not is_valid_phone(phone)
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as error:
            validate_phone(phone)
        assert "电话号码格式不正确" in error.value.messages[0]


def _product_form_classes() -> list[type[forms.BaseForm]]:
    """Every form class defined in the product's forms modules and admin."""
    found: set[type] = set()
    for package in ("safety", "inspections", "reporting"):
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, f"{package}."):
            if "migrations" in info.name or info.name.rsplit(".", 1)[-1] not in ("forms", "admin"):
                continue
            module = importlib.import_module(info.name)
            for value in vars(module).values():
                if (
                    isinstance(value, type)
                    and issubclass(value, forms.BaseForm)
                    and value.__module__ == module.__name__
                ):
                    found.add(value)
    return sorted(found, key=lambda cls: cls.__qualname__)


def _has_phone_validator(field, form_class=None, name="") -> bool:
    """The field validates, or (a model form) the model field it saves to does: model
    validators run in the form's clean."""
    if validate_phone in field.validators:
        return True
    model = getattr(getattr(form_class, "_meta", None), "model", None)
    if model is None:
        return False
    try:
        return validate_phone in model._meta.get_field(name).validators
    except Exception:
        return False


def test_every_phone_field_uses_the_one_validator(rf, people):
    """Every model field and every form field named *phone* (admin forms included)."""
    missing = []
    for model in apps.get_models():
        if model._meta.app_label not in ("safety", "inspections", "reporting"):
            continue
        for field in model._meta.concrete_fields:
            if "phone" in field.name and not _has_phone_validator(field):
                if model._meta.label == "reporting.IncidentReport":
                    continue  # its form validates (no reporting migration in this change)
                missing.append(f"{model._meta.label}.{field.name}")
    for form_class in _product_form_classes():
        for name, field in form_class.base_fields.items():
            if "phone" in name and not _has_phone_validator(field, form_class, name):
                missing.append(f"{form_class.__module__}.{form_class.__qualname__}.{name}")
    request = rf.get("/")
    request.user = people.administrator
    for model, model_admin in admin.site._registry.items():
        form = model_admin.get_form(request, None)
        for name, field in form.base_fields.items():
            if "phone" in name and not _has_phone_validator(field, form, name):
                missing.append(f"admin {model._meta.label}.{name}")
    assert missing == []
