"""Demo rectification orders (run by seed_demo): 江城区's number format, one order awaiting
the school's reply and one replied and accepted."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from inspections.models import Hazard
from safety.models import Organisation, User
from safety.uploads import CleanUpload

from . import services
from .models import OrderSettings, RectificationOrder

LEGAL_BASIS = "《中华人民共和国消防法》第十六条、《中小学幼儿园安全管理办法》第二十条"
PHOTO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def seed() -> None:
    county = Organisation.objects.filter(code="360802").first()
    official = User.objects.filter(username="jc.official").first()
    leader = User.objects.filter(username="school.leader").first()
    if not (county and official and leader) or RectificationOrder.objects.exists():
        return
    OrderSettings.objects.get_or_create(
        bureau=county,
        defaults={"prefix": "江教安", "number_format": "{prefix}督〔{year}〕{seq}号"},
    )
    hazards = list(Hazard.objects.filter(school=leader.unit).order_by("pk")[:2])
    if len(hazards) < 2:
        return
    today = timezone.localdate()
    services.order_issue(
        actor=official,
        source="hazard",
        record=hazards[0],
        problems=f"{hazards[0].description}，未按期整改。",
        legal_basis=LEGAL_BASIS,
        requirements="立即落实临时管控措施，限期完成整改并书面回复。",
        deadline=today + datetime.timedelta(days=7),
        responder=leader,
    )
    done = services.order_issue(
        actor=official,
        source="hazard",
        record=hazards[1],
        problems=hazards[1].description,
        legal_basis=LEGAL_BASIS,
        deadline=today + datetime.timedelta(days=5),
        responder=leader,
    )
    evidence = CleanUpload(
        original_name="整改完成说明.pdf",
        content=ContentFile(PHOTO_PDF, name="evidence.pdf"),
        thumbnail=None,
        content_type="application/pdf",
    )
    reply = services.order_reply(
        actor=leader, order=done, text="已完成整改并经学校复查。", evidence=[evidence]
    )
    services.order_accept(actor=official, reply=reply, comment="整改到位。")
