"""Notices and bulletins of the bureaus (通知、通报, issue #18): the notice, one row per
recipient unit (its read state and reply state), one read receipt per person, versioned
replies (returned with a comment, resubmitted), and attachments of notices and replies."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safety.models import Organisation, ReviewedReply
from safety.scoping import ScopedQuerySet, jurisdiction_path


class NoticeQuerySet(ScopedQuerySet):
    """Visible to the publishing bureau's jurisdiction and to every unit with a recipient
    below it."""

    scope_lookup = "bureau"

    def visible_to(self, user) -> models.QuerySet:
        path = jurisdiction_path(user)
        if path is None:
            return self.none()
        if path == "":
            return self.all()
        addressed = NoticeRecipient.objects.filter(
            notice=OuterRef("pk"), unit__path__startswith=path
        )
        return self.filter(Q(bureau__path__startswith=path) | Q(Exists(addressed)))


class Notice(models.Model):
    class Kind(models.TextChoices):
        NOTICE = "notice", _("Notice")
        INCIDENT_BULLETIN = "incident_bulletin", _("Incident bulletin")
        PRAISE_CRITICISM = "praise_criticism", _("Praise/criticism bulletin")

    bureau = models.ForeignKey(
        Organisation, verbose_name=_("bureau"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NOTICE)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"))
    urgent = models.BooleanField(_("urgent"), default=False)
    reply_due = models.DateField(_("reply required by"), null=True, blank=True)
    reply_instructions = models.TextField(_("what the reply must contain"), blank=True)
    filters = models.JSONField(_("target filters"), default=dict, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-published_at", "-id"]
        # The bureau's notice list, newest first, read from the index to the page (#23).
        indexes = [models.Index(fields=["-published_at", "-id"], name="notice_published_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def reply_required(self) -> bool:
        return self.reply_due is not None


class NoticeRecipientQuerySet(ScopedQuerySet):
    scope_lookup = "unit"


class NoticeRecipient(models.Model):
    class ReplyStatus(models.TextChoices):
        NONE = "", _("No reply yet")
        SUBMITTED = "submitted", _("Replied")
        RETURNED = "returned", _("Returned")
        ACCEPTED = "accepted", _("Accepted")

    notice = models.ForeignKey(
        Notice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="recipients"
    )
    unit = models.ForeignKey(
        Organisation, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    first_read_at = models.DateTimeField(_("first read at"), null=True, blank=True)
    reply_status = models.CharField(
        _("reply"), max_length=12, choices=ReplyStatus.choices, blank=True, default=""
    )
    reminded_on = models.DateField(_("last reminded on"), null=True, blank=True)

    objects = NoticeRecipientQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice recipient")
        verbose_name_plural = _("notice recipients")
        ordering = ["unit__name_sort_key", "id"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "unit"], name="notice_recipient_once")
        ]
        # #23: a bureau's notices with replies waiting, and each notice's replies counted,
        # read by index (a city notice has ~1,300 recipients: the home's to-do list filtered
        # every recipient of every notice of the bureau).
        indexes = [models.Index(fields=["notice", "reply_status"], name="notice_recipient_reply")]

    def __str__(self) -> str:
        return f"{self.notice} → {self.unit}"


class NoticeReceiptQuerySet(ScopedQuerySet):
    scope_lookup = "recipient__unit"


class NoticeReceipt(models.Model):
    """Who opened the notice and when: recorded once per person."""

    recipient = models.ForeignKey(
        NoticeRecipient,
        verbose_name=_("notice recipient"),
        on_delete=models.CASCADE,
        related_name="receipts",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reader"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    read_at = models.DateTimeField(_("read at"), default=timezone.now)

    objects = NoticeReceiptQuerySet.as_manager()

    class Meta:
        verbose_name = _("read receipt")
        verbose_name_plural = _("read receipts")
        ordering = ["read_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "user"], name="notice_receipt_once")
        ]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.user}"


class NoticeReplyQuerySet(ScopedQuerySet):
    scope_lookup = "recipient__unit"


class NoticeReply(ReviewedReply):
    recipient = models.ForeignKey(
        NoticeRecipient,
        verbose_name=_("notice recipient"),
        on_delete=models.CASCADE,
        related_name="replies",
    )
    text = models.TextField(_("reply"))

    objects = NoticeReplyQuerySet.as_manager()

    class Meta(ReviewedReply.Meta):
        verbose_name = _("notice reply")
        verbose_name_plural = _("notice replies")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "version"], name="notice_reply_version")
        ]

    def __str__(self) -> str:
        return f"{self.recipient} v{self.version}"


class NoticeAttachmentQuerySet(ScopedQuerySet):
    scope_lookup = "notice__bureau"


class NoticeAttachment(models.Model):
    """A PDF or photo of a notice or of a reply (cleaned by safety.uploads); served only
    through the notice's or the reply's access check."""

    notice = models.ForeignKey(
        Notice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="attachments"
    )
    reply = models.ForeignKey(
        NoticeReply,
        verbose_name=_("reply"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    file = models.FileField(_("file"))
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = NoticeAttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name
