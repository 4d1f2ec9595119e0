"""Demo rows of the responsibility system for the demo city (safety.demo composes them)."""

from __future__ import annotations

import datetime
from importlib import import_module

from django.apps import apps

from safety.models import Organisation, SafetyArea, current_school_year, school_year_bounds

from . import services
from .models import Assignment, Certificate, Holder, LetterEvent, Post, ResponsibilityLetter

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN_NAMES = [
    "建华",
    "丽娟",
    "志强",
    "秀英",
    "海燕",
    "国庆",
    "春梅",
    "晓东",
    "文静",
    "永红",
    "俊杰",
    "慧敏",
    "宏伟",
    "玉兰",
    "明辉",
    "红霞",
    "立新",
    "雪梅",
    "振华",
    "美玲",
    "德胜",
    "桂芳",
]
# School code → what is left undone there, so the coverage pages have something to show.
DEMO_GAPS = {
    # 江城区实验小学 (school.leader): nobody for the internet area, no psychological
    # counsellor, two letters unsigned.
    "2136080201": {"skip_posts": {"psychological_counsellor"}, "no_internet": True, "unsigned": 2},
    "2136080202": {"skip_posts": {"canteen_manager"}, "unsigned": 1},
    "2136080203": {},  # fully covered, every letter signed
    "2136080204": {"skip_posts": {"dormitory_manager"}, "expired_certificate": True},
    "2136080301": {"unsigned": 99},  # letters issued, none signed
    "2136082101": {"skip_posts": {"canteen_manager", "gate_security", "electrician"}},
    "2136082102": {"nothing": True},  # a school that has not started at all
    "2136082201": {"expired_certificate": True, "no_internet": True},
}


def _demo_name(index: int) -> str:
    return SURNAMES[index % len(SURNAMES)] + GIVEN_NAMES[(index * 7) % len(GIVEN_NAMES)]


def seed(*, unit_codes: list[str]) -> None:
    """Holders, assignments and letters for every unit of `unit_codes` that has none yet
    (idempotent): bureaus get their leaders, schools their posts, with the gaps listed in
    DEMO_GAPS. Precondition: the safety areas and standard posts exist (`ensure_posts`)."""
    year = current_school_year()
    start = school_year_bounds(year)[0]
    units = Organisation.objects.filter(code__in=unit_codes).order_by("path")
    started = set(Assignment.objects.values_list("unit_id", flat=True))
    posts = list(Post.objects.filter(is_active=True))
    all_areas = list(SafetyArea.objects.filter(is_active=True))
    counter = 0
    for unit in units:
        if unit.pk in started:
            continue
        gaps = DEMO_GAPS.get(unit.code, {})
        if gaps.get("nothing"):
            continue
        for post in posts:
            if not post.is_required_for(unit) or post.key in gaps.get("skip_posts", set()):
                continue
            copies = 2 if post.key in ("class_teacher", "grade_leader") else 1
            for _copy in range(copies):
                counter += 1
                holder = services.holder_save(
                    actor=None,
                    holder=Holder(
                        unit=unit,
                        name=_demo_name(counter + unit.pk * 3),
                        phone=f"139{unit.pk:04d}{counter:04d}",
                        job_title=post.name_zh,
                    ),
                )
                areas = None
                if gaps.get("no_internet"):
                    areas = [a for a in post.default_areas.all() if a.key != "internet"]
                elif post.key == "safety_vice_principal":
                    areas = all_areas  # the vice-principal backs up every area
                services.assignment_create(
                    actor=None, unit=unit, post=post, holder=holder, start_date=start, areas=areas
                )
                if post.certificate_kind:
                    expired = gaps.get("expired_certificate")
                    Certificate.objects.create(
                        holder=holder,
                        kind=post.certificate_kind,
                        number=f"DEMO{unit.pk:03d}{counter:04d}",
                        expires_on=start - datetime.timedelta(days=30)
                        if expired and post.certificate_kind == "electrician"
                        else start + datetime.timedelta(days=3 * 365),
                    )
        if unit.is_bureau:
            services.letters_issue_bulk(actor=None, unit=unit, school_year=year)
            continue
        services.letters_issue_bulk(actor=None, unit=unit, school_year=year)
        letters = ResponsibilityLetter.objects.filter(
            assignment__unit=unit, school_year=year
        ).order_by("-assignment__post__order", "id")
        unsigned = {letter.pk for letter in letters[: gaps.get("unsigned", 0)]}
        for letter in letters:
            if letter.pk in unsigned:
                continue
            # Signed on paper at the start of the year (the demo attaches no scan).
            ResponsibilityLetter.objects.filter(pk=letter.pk).update(
                status=ResponsibilityLetter.Status.SIGNED,
                signed_on=start + datetime.timedelta(days=5),
            )
            LetterEvent.objects.create(
                letter=letter,
                from_status=ResponsibilityLetter.Status.ISSUED,
                to_status=ResponsibilityLetter.Status.SIGNED,
                comment="demo",
            )


def ensure_posts() -> None:
    """The standard posts come from a data migration; a database flushed since (a test
    database between browser tests) gets them back. Existing rows are kept."""
    import_module("safety.migrations.0006_standard_posts").load_posts(apps, None)
