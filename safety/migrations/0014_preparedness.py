# Emergency preparedness (issue #14): the models, the scenario catalogue and the daily
# drill-reminder schedule.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

# (key, Chinese name, English name, overall, boarding only)
SCENARIOS = [
    ("overall", "总体应急预案", "Overall emergency plan", True, False),
    ("fire", "火灾", "Fire", False, False),
    ("earthquake", "地震", "Earthquake", False, False),
    ("flood_typhoon", "洪涝台风", "Flood and typhoon", False, False),
    ("stampede", "拥挤踩踏", "Crowding and stampede", False, False),
    ("food_poisoning", "食物中毒", "Food poisoning", False, False),
    ("intruder", "不法侵害和暴力袭击", "Intruders and violent attacks", False, False),
    ("epidemic", "传染病疫情", "Epidemic", False, False),
    ("traffic_bus", "交通和校车事故", "Traffic and school-bus incidents", False, False),
    ("dormitory_fire", "宿舍夜间火灾", "Night-time dormitory fire", False, True),
]
REMINDER_NAME = "提醒未按要求开展应急演练的学校"


def seed(apps, schema_editor):
    Scenario = apps.get_model("safety", "Scenario")
    for order, (key, zh, en, overall, boarding) in enumerate(SCENARIOS):
        Scenario.objects.get_or_create(
            key=key,
            defaults={
                "name_zh": zh,
                "name_en": en,
                "is_overall": overall,
                "boarding_only": boarding,
                "order": order * 10,
            },
        )
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="8",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Shanghai",
    )
    PeriodicTask.objects.get_or_create(
        name=REMINDER_NAME,
        defaults={
            "task": "safety.send_drill_reminders",
            "crontab": crontab,
            "kwargs": '{"days_left": 10}',
            "description": "每天8:30：本月（幼儿园为本季度）剩余10天内仍未达到最低演练次数的学校，每个周期提醒一次。",
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=REMINDER_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("safety", "0013_unit_foreign_keys"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.CreateModel(
            name="Scenario",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.SlugField(max_length=40, unique=True, verbose_name="key")),
                ("name_zh", models.CharField(max_length=50, verbose_name="Chinese name")),
                ("name_en", models.CharField(max_length=80, verbose_name="English name")),
                (
                    "is_overall",
                    models.BooleanField(
                        default=False,
                        help_text="The school's overall emergency plan.",
                        verbose_name="overall plan",
                    ),
                ),
                (
                    "is_required",
                    models.BooleanField(
                        default=True,
                        help_text="Every school it applies to needs a plan.",
                        verbose_name="required",
                    ),
                ),
                (
                    "boarding_only",
                    models.BooleanField(default=False, verbose_name="boarding schools only"),
                ),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                ("is_active", models.BooleanField(default=True, verbose_name="active")),
            ],
            options={
                "verbose_name": "emergency scenario",
                "verbose_name_plural": "emergency scenarios",
                "ordering": ["order", "key"],
            },
        ),
        migrations.CreateModel(
            name="Drill",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("planned_on", models.DateField(verbose_name="planned date")),
                (
                    "announced",
                    models.BooleanField(
                        default=True,
                        help_text="Untick for an unannounced drill.",
                        verbose_name="announced in advance",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("planned", "Planned"), ("recorded", "Recorded")],
                        default="planned",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("held_on", models.DateField(blank=True, null=True, verbose_name="date held")),
                (
                    "pupils",
                    models.PositiveIntegerField(
                        blank=True, null=True, verbose_name="pupils taking part"
                    ),
                ),
                (
                    "staff",
                    models.PositiveIntegerField(
                        blank=True, null=True, verbose_name="staff taking part"
                    ),
                ),
                (
                    "evacuation_seconds",
                    models.PositiveIntegerField(
                        blank=True,
                        help_text="From the signal until everyone is assembled.",
                        null=True,
                        verbose_name="evacuation time (seconds)",
                    ),
                ),
                ("evaluation", models.TextField(blank=True, verbose_name="evaluation")),
                (
                    "recorded_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="recorded at"),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="created at"
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="planned by",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recorded by",
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="safety.organisation",
                        verbose_name="school",
                    ),
                ),
            ],
            options={
                "verbose_name": "emergency drill",
                "verbose_name_plural": "emergency drills",
                "ordering": ["-planned_on", "-id"],
            },
        ),
        migrations.CreateModel(
            name="DrillPhoto",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "image",
                    models.ImageField(upload_to="preparedness/drills/", verbose_name="photo"),
                ),
                (
                    "thumbnail",
                    models.ImageField(
                        upload_to="preparedness/drills/thumbs/", verbose_name="thumbnail"
                    ),
                ),
                (
                    "original_name",
                    models.CharField(max_length=200, verbose_name="original file name"),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="created at"
                    ),
                ),
                (
                    "drill",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="photos",
                        to="safety.drill",
                        verbose_name="drill",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="uploaded by",
                    ),
                ),
            ],
            options={
                "verbose_name": "drill photo",
                "verbose_name_plural": "drill photos",
                "ordering": ["id"],
            },
        ),
        migrations.CreateModel(
            name="DrillProblem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("location", models.CharField(blank=True, max_length=200, verbose_name="location")),
                ("description", models.TextField(verbose_name="problem seen")),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="created at"
                    ),
                ),
                (
                    "area",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="safety.safetyarea",
                        verbose_name="safety area",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recorded by",
                    ),
                ),
                (
                    "drill",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="problems",
                        to="safety.drill",
                        verbose_name="drill",
                    ),
                ),
            ],
            options={
                "verbose_name": "drill problem",
                "verbose_name_plural": "drill problems",
                "ordering": ["drill", "id"],
            },
        ),
        migrations.CreateModel(
            name="DrillSettings",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "school_per_month",
                    models.PositiveSmallIntegerField(
                        default=1, verbose_name="drills a month: primary and secondary schools"
                    ),
                ),
                (
                    "kindergarten_per_quarter",
                    models.PositiveSmallIntegerField(
                        default=1, verbose_name="drills a quarter: kindergartens"
                    ),
                ),
                (
                    "boarding_per_month",
                    models.PositiveSmallIntegerField(
                        default=2, verbose_name="drills a month: boarding schools"
                    ),
                ),
                (
                    "special_per_month",
                    models.PositiveSmallIntegerField(
                        default=2, verbose_name="drills a month: special-education schools"
                    ),
                ),
                (
                    "target_seconds_young",
                    models.PositiveSmallIntegerField(
                        default=180,
                        verbose_name="evacuation target (seconds): kindergartens, primary and special schools",
                    ),
                ),
                (
                    "target_seconds",
                    models.PositiveSmallIntegerField(
                        default=120, verbose_name="evacuation target (seconds): other schools"
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                (
                    "unit",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="drill_settings",
                        to="safety.organisation",
                        verbose_name="bureau",
                    ),
                ),
            ],
            options={
                "verbose_name": "drill settings",
                "verbose_name_plural": "drill settings",
            },
        ),
        migrations.CreateModel(
            name="Plan",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.PositiveSmallIntegerField(default=1, verbose_name="version")),
                ("title", models.CharField(max_length=120, verbose_name="title")),
                (
                    "document",
                    models.FileField(upload_to="preparedness/plans/", verbose_name="document"),
                ),
                (
                    "document_name",
                    models.CharField(max_length=200, verbose_name="original file name"),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("submitted", "Waiting for acknowledgement"),
                            ("acknowledged", "Filed (acknowledged)"),
                            ("returned", "Returned"),
                        ],
                        default="draft",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                (
                    "approved_on",
                    models.DateField(blank=True, null=True, verbose_name="approved on"),
                ),
                (
                    "submitted_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="submitted at"),
                ),
                (
                    "reviewed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="reviewed at"),
                ),
                ("review_comment", models.TextField(blank=True, verbose_name="bureau's comment")),
                (
                    "next_review_on",
                    models.DateField(
                        help_text="At least once a year, and after a drill shows a flaw.",
                        verbose_name="next review",
                    ),
                ),
                (
                    "review_flagged_at",
                    models.DateTimeField(
                        blank=True, null=True, verbose_name="flagged for review at"
                    ),
                ),
                (
                    "review_flag_reason",
                    models.CharField(blank=True, max_length=200, verbose_name="reason for review"),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="created at"
                    ),
                ),
                (
                    "approved_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="approved by",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="uploaded by",
                    ),
                ),
                (
                    "reviewed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="reviewed by",
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="safety.organisation",
                        verbose_name="unit",
                    ),
                ),
                (
                    "scenario",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="plans",
                        to="safety.scenario",
                        verbose_name="scenario",
                    ),
                ),
            ],
            options={
                "verbose_name": "emergency plan",
                "verbose_name_plural": "emergency plans",
                "ordering": ["unit", "scenario__order", "-version"],
            },
        ),
        migrations.AddField(
            model_name="drill",
            name="plan",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="drills",
                to="safety.plan",
                verbose_name="plan exercised",
            ),
        ),
        migrations.CreateModel(
            name="PlanEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("from_status", models.CharField(blank=True, max_length=24, verbose_name="from")),
                ("to_status", models.CharField(blank=True, max_length=24, verbose_name="to")),
                ("comment", models.TextField(blank=True, verbose_name="comment")),
                (
                    "created_at",
                    models.DateTimeField(
                        db_index=True, default=django.utils.timezone.now, verbose_name="time"
                    ),
                ),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="actor",
                    ),
                ),
                (
                    "plan",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="safety.plan",
                        verbose_name="emergency plan",
                    ),
                ),
            ],
            options={
                "verbose_name": "plan event",
                "verbose_name_plural": "plan events",
                "ordering": ["created_at", "id"],
                "abstract": False,
            },
        ),
        migrations.AddField(
            model_name="drill",
            name="scenario",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="safety.scenario",
                verbose_name="scenario",
            ),
        ),
        migrations.CreateModel(
            name="Team",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("leading", "Emergency leading group"),
                            ("communication", "Communication team"),
                            ("evacuation", "Evacuation guidance team"),
                            ("first_aid", "First-aid team"),
                            ("security", "Security team"),
                            ("logistics", "Logistics team"),
                            ("other", "Other team"),
                        ],
                        max_length=16,
                        verbose_name="kind",
                    ),
                ),
                ("name", models.CharField(max_length=50, verbose_name="name")),
                ("duties", models.TextField(blank=True, verbose_name="duties")),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="safety.organisation",
                        verbose_name="unit",
                    ),
                ),
            ],
            options={
                "verbose_name": "emergency team",
                "verbose_name_plural": "emergency teams",
                "ordering": ["unit", "order", "id"],
            },
        ),
        migrations.CreateModel(
            name="TeamMember",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("is_leader", models.BooleanField(default=False, verbose_name="team leader")),
                (
                    "duty",
                    models.CharField(blank=True, max_length=100, verbose_name="duty in the team"),
                ),
                (
                    "holder",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="safety.holder",
                        verbose_name="person",
                    ),
                ),
                (
                    "team",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="members",
                        to="safety.team",
                        verbose_name="team",
                    ),
                ),
            ],
            options={
                "verbose_name": "team member",
                "verbose_name_plural": "team members",
                "ordering": ["team", "-is_leader", "id"],
            },
        ),
        migrations.AddIndex(
            model_name="plan",
            index=models.Index(fields=["unit", "status"], name="plan_unit_status_idx"),
        ),
        migrations.AddConstraint(
            model_name="plan",
            constraint=models.UniqueConstraint(
                fields=("unit", "scenario", "version"), name="plan_one_row_per_version"
            ),
        ),
        migrations.AddIndex(
            model_name="drill",
            index=models.Index(fields=["unit", "status", "held_on"], name="drill_unit_held_idx"),
        ),
        migrations.AddConstraint(
            model_name="drill",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("status", "planned"), ("held_on__isnull", False), _connector="OR"
                ),
                name="drill_recorded_has_date",
            ),
        ),
        migrations.AddConstraint(
            model_name="teammember",
            constraint=models.UniqueConstraint(fields=("team", "holder"), name="team_member_once"),
        ),
        migrations.RunPython(seed, unseed),
    ]
