"""Load the nine areas of routine safety management (DOMAIN.md). Administrators may edit
names and descriptions later in the admin; the keys stay fixed."""

from django.db import migrations

AREAS = [
    (
        "buildings",
        "校舍及教育教学设施设备",
        "School buildings and teaching facilities",
        "校舍结构安全、电线线路、危房立即封闭、档案留存",
    ),
    (
        "teaching",
        "教育教学活动",
        "Teaching and school activities",
        "作息时间、禁止体罚、异常情况告知家长、校外活动审批并有安全预案",
    ),
    (
        "fire",
        "消防",
        "Fire safety",
        "消防平面图、消火栓试压、分区配备灭火器并按期检查充装、疏散通道畅通、应急照明和安全出口指示灯、"
        "锅炉工和电工持证上岗、计算机房安装漏电保护装置",
    ),
    (
        "food",
        "饮食饮水",
        "Food and drinking water",
        "食堂卫生许可证、从业人员健康证、供货商准入、大宗食品统一配送",
    ),
    (
        "property",
        "财物",
        "Property and cash",
        "财务室“三铁一器”、大额现金两人押送、库存现金限额、贵重设备防盗",
    ),
    (
        "traffic",
        "交通",
        "Traffic",
        "禁止无证、超载车辆和货车接送学生、上学放学门口值守、交通安全教育",
    ),
    (
        "surroundings",
        "周边及治安",
        "School surroundings and public order",
        "流动摊贩、闲散人员、周边无证旅馆和游戏厅；台账与公安共享",
    ),
    (
        "psychological",
        "心理",
        "Psychological health",
        "心理辅导人员和课程、严重困难学生明确专人关爱",
    ),
    ("internet", "网络", "Internet", "防止学生进入营业性网吧、明确监督人员"),
]


def load_areas(apps, schema_editor):
    SafetyArea = apps.get_model("safety", "SafetyArea")
    for order, (key, name_zh, name_en, description) in enumerate(AREAS, start=1):
        SafetyArea.objects.update_or_create(
            key=key,
            defaults={
                "name_zh": name_zh,
                "name_en": name_en,
                "description": description,
                "order": order,
            },
        )


def unload_areas(apps, schema_editor):
    SafetyArea = apps.get_model("safety", "SafetyArea")
    SafetyArea.objects.filter(key__in=[key for key, *_ in AREAS]).delete()


class Migration(migrations.Migration):
    dependencies = [("safety", "0001_initial")]
    operations = [migrations.RunPython(load_areas, unload_areas)]
