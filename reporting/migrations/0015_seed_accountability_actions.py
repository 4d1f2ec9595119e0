"""The standard accountability actions (处理方式), mildest first: the organisational handling
of Chinese practice (批评教育 … 免职) and the sanctions of the rules on sanctions for staff of
public institutions and public officials (警告 … 开除), then referral to the judicial organs.
Administrators extend the list in the admin."""

from django.db import migrations

ACTIONS = [
    ("criticism", "批评教育", "Criticism and education"),
    ("self_criticism", "责令书面检查", "Ordered to write a self-criticism"),
    ("circulated_criticism", "通报批评", "Criticism circulated"),
    ("admonition_talk", "诫勉谈话", "Admonition talk"),
    ("transfer", "调离岗位", "Transferred from the post"),
    ("suspension", "停职检查", "Suspended pending review"),
    ("removal", "免职", "Removed from post"),
    ("warning", "警告", "Warning"),
    ("demerit", "记过", "Demerit"),
    ("major_demerit", "记大过", "Major demerit"),
    ("demotion", "降级", "Demotion"),
    ("dismissal", "撤职", "Dismissal from post"),
    ("expulsion", "开除", "Expulsion"),
    ("judicial_referral", "移送司法机关", "Referred to the judicial organs"),
]


def seed(apps, schema_editor):
    action = apps.get_model("reporting", "AccountabilityAction")
    for order, (key, name_zh, name_en) in enumerate(ACTIONS, 1):
        action.objects.update_or_create(
            key=key, defaults={"name_zh": name_zh, "name_en": name_en, "order": order * 10}
        )


def unseed(apps, schema_editor):
    apps.get_model("reporting", "AccountabilityAction").objects.filter(
        key__in=[key for key, _zh, _en in ACTIONS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("reporting", "0014_accountability_people_dealt_with")]

    operations = [migrations.RunPython(seed, unseed)]
