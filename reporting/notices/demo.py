"""Demo notices (run by seed_demo): a county notice asking for a reply (one reply returned),
and a city incident bulletin to every school and county bureau."""

from __future__ import annotations

import datetime

from django.utils import timezone

from safety.models import Organisation, User

from . import services
from .models import Notice, NoticeRecipient

TITLE = "关于报送防溺水安全教育开展情况的通知"


def seed() -> None:
    if Notice.objects.filter(title=TITLE).exists():
        return
    city = Organisation.objects.filter(code="360800").first()
    county = Organisation.objects.filter(code="360802").first()
    people = {
        u.username: u
        for u in User.objects.filter(
            username__in=["city.official", "jc.official", "school.staff", "school.b.staff"]
        )
    }
    if not (city and county and len(people) == 4):
        return
    today = timezone.localdate()
    notice = services.notice_publish(
        actor=people["jc.official"],
        bureau=county,
        kind=Notice.Kind.NOTICE,
        title=TITLE,
        body="各学校：\n\n请于规定日期前报送本校防溺水安全教育开展情况，包括开展次数、覆盖学生人数和家长告知书回收情况。",
        filters={},
        reply_due=today + datetime.timedelta(days=7),
        reply_instructions="开展次数、覆盖人数、回执回收率，附活动照片。",
    )
    for username in ("school.staff", "school.b.staff"):
        user = people[username]
        services.notice_open(user=user, recipient=services.recipient_for(user, notice))
    recipient = NoticeRecipient.objects.get(notice=notice, unit=people["school.b.staff"].unit)
    reply = services.notice_reply(
        actor=people["school.b.staff"], recipient=recipient, text="本校已开展防溺水教育2次。"
    )
    services.notice_reply_return(
        actor=people["jc.official"], reply=reply, comment="请补充覆盖学生人数和回执回收率。"
    )
    services.notice_publish(
        actor=people["city.official"],
        bureau=city,
        kind=Notice.Kind.INCIDENT_BULLETIN,
        title="关于近期一起校园踩踏险情的通报",
        body="近日，某地一所小学放学时楼梯间发生拥挤险情。各单位要吸取教训，落实上下楼梯错峰和教师值守制度。",
        filters={},
        include_counties=True,
    )
