"""Seed one checklist template per safety area with concrete items (DOMAIN.md). Administrators
edit them later; each edit publishes a new version."""

from django.db import migrations

CHECKLISTS = {
    "buildings": (
        "校舍及设施设备安全检查表",
        [
            "校舍无裂缝、沉降、渗漏等结构安全隐患",
            "危房已立即封闭停用并设置警示标志",
            "教室、宿舍电线线路规范，无私拉乱接和老化破损",
            "楼梯、栏杆、护窗牢固，高度符合标准",
            "体育器材、大型设施定期检修并有记录",
            "校舍安全检查与维修档案齐全留存",
        ],
    ),
    "teaching": (
        "教育教学活动安全检查表",
        [
            "作息时间符合规定，无违规延长在校时间",
            "无体罚和变相体罚学生现象",
            "学生缺课、异常情况及时告知家长",
            "校外活动经审批并制定安全预案",
            "实验、劳动课有安全操作规程和防护措施",
        ],
    ),
    "fire": (
        "消防安全检查表",
        [
            "消防平面图在显著位置张贴",
            "室内外消火栓完好，按期试压且水压正常",
            "各区域按标准配备灭火器，并在检查、充装有效期内",
            "疏散通道、安全出口畅通，无堵塞、锁闭",
            "应急照明灯、安全出口指示灯完好有效",
            "电工、锅炉工持证上岗",
            "计算机房安装漏电保护装置",
        ],
    ),
    "food": (
        "饮食饮水安全检查表",
        [
            "食堂持有有效的食品经营许可证",
            "从业人员持有效健康证明上岗",
            "供货商经准入审核，索证索票齐全",
            "大宗食品统一配送，进货查验记录完整",
            "食品留样符合规定（每餐每样不少于125克、保存48小时）",
            "饮用水设施定期清洗消毒并有检测报告",
        ],
    ),
    "property": (
        "财物安全检查表",
        [
            "财务室达到“三铁一器”标准（铁门、铁窗、铁柜、报警器）",
            "大额现金存取由两人以上办理",
            "库存现金不超过规定限额过夜",
            "贵重仪器设备有防盗措施并登记造册",
        ],
    ),
    "traffic": (
        "交通安全检查表",
        [
            "无使用无牌无证、超载车辆及货车接送学生",
            "上学、放学时段校门口有人值守护导",
            "校车及驾驶人资质合规，随车照管人员到位",
            "定期开展交通安全教育",
        ],
    ),
    "surroundings": (
        "周边及治安安全检查表",
        [
            "校园周边无流动摊贩占道经营",
            "校门口无闲散人员聚集滋扰",
            "周边200米内无无证旅馆、游戏厅、网吧",
            "门卫登记制度落实，保安配备及装备到位",
            "与公安、城管建立周边问题共享台账",
        ],
    ),
    "psychological": (
        "心理健康安全检查表",
        [
            "配备专（兼）职心理健康教师并开设心理健康课程",
            "心理辅导室正常开放并有辅导记录",
            "对有严重心理困难的学生明确专人关爱帮扶",
        ],
    ),
    "internet": (
        "网络安全检查表",
        [
            "开展防止学生进入营业性网吧的宣传教育",
            "明确学生上网行为监督人员",
            "校园网络有内容过滤和安全管理措施",
        ],
    ),
}


def seed(apps, schema_editor):
    SafetyArea = apps.get_model("safety", "SafetyArea")
    ChecklistTemplate = apps.get_model("inspections", "ChecklistTemplate")
    ChecklistVersion = apps.get_model("inspections", "ChecklistVersion")
    ChecklistItem = apps.get_model("inspections", "ChecklistItem")
    for key, (name, items) in CHECKLISTS.items():
        area = SafetyArea.objects.filter(key=key).first()
        if area is None or ChecklistTemplate.objects.filter(area=area).exists():
            continue
        template = ChecklistTemplate.objects.create(area=area, name=name)
        version = ChecklistVersion.objects.create(template=template, number=1)
        for order, text in enumerate(items, start=1):
            ChecklistItem.objects.create(version=version, order=order, text=text)
        template.current_version = version
        template.save(update_fields=["current_version"])


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial"), ("safety", "0002_safety_areas")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
