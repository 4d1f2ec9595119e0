"""Load the standard safety posts (DOMAIN.md, after the Ministry of Education's guide to post
safety work in primary and secondary schools; duty texts in our own words). System
administrators edit them later in the admin; the keys stay fixed."""

from django.db import migrations

ALL = [
    "buildings",
    "teaching",
    "fire",
    "food",
    "property",
    "traffic",
    "surroundings",
    "psychological",
    "internet",
]
NOT_KINDERGARTEN = [
    "primary",
    "junior_middle",
    "senior_middle",
    "nine_year",
    "twelve_year",
    "vocational",
    "special",
]

# key, zh, en, unit kind, level, default areas, required, boarding only, school types,
# certificate kind, duty text
POSTS = [
    (
        "principal",
        "校长",
        "Principal",
        "school",
        "first",
        [],
        True,
        False,
        [],
        "",
        "作为学校安全工作第一责任人，对本校安全工作负全面领导责任：组织建立健全学校安全工作领导小组和"
        "安全责任体系，把安全工作纳入学校工作计划和考核；每学期至少主持召开两次安全工作专题会议，"
        "研究解决安全工作中的重大问题；保障安全工作所需人员和经费；组织制定应急预案并定期演练；"
        "发生安全事故时第一时间组织救援，并按规定如实、及时报告。",
    ),
    (
        "safety_vice_principal",
        "分管安全副校长",
        "Vice-principal in charge of safety",
        "school",
        "specific",
        [],
        True,
        False,
        [],
        "",
        "作为学校安全工作具体责任人，协助校长抓好安全工作的组织落实：制定学校年度安全工作计划和各项"
        "安全管理制度；组织开展日常安全检查和每月全面检查，建立隐患台账，督促整改落实到人；"
        "组织安全教育和应急疏散演练；负责安全信息的收集、报送和安全工作档案管理。",
    ),
    (
        "teaching_head",
        "教务处主任",
        "Head of teaching affairs",
        "school",
        "post",
        ["teaching", "internet"],
        True,
        False,
        [],
        "",
        "负责教育教学活动中的安全管理：严格执行作息时间，落实课堂教学、实验教学、体育课和课外活动"
        "中的安全措施；将安全教育纳入教学计划并落实课时；规范实验室、计算机房等教学场所的管理；"
        "校外教学活动须经审批并制定安全预案。",
    ),
    (
        "general_affairs_head",
        "总务处主任",
        "Head of general affairs",
        "school",
        "post",
        ["buildings", "fire", "property", "food"],
        True,
        False,
        [],
        "",
        "负责校舍、设施设备、消防、食堂和财物的安全管理：定期检查校舍、围墙、电线线路和体育器材，"
        "发现危房立即停用封闭并报告；按区域配齐消防器材并按期检查充装，保持疏散通道畅通；"
        "落实食品原料采购索证索票和供货商准入；落实财务室“三铁一器”和现金管理规定。",
    ),
    (
        "student_affairs_head",
        "政教处（学生处）主任",
        "Head of student affairs",
        "school",
        "post",
        ["traffic", "surroundings", "psychological", "internet"],
        True,
        False,
        [],
        "",
        "负责学生安全教育和日常行为管理：组织开展交通、防溺水、防欺凌、网络安全等专题教育；"
        "落实上学放学时段的校门值守和护导；会同公安等部门整治校园周边治安和经营场所；"
        "建立重点关注学生台账，及时与家长沟通。",
    ),
    (
        "grade_leader",
        "年级组长",
        "Grade leader",
        "school",
        "post",
        ["teaching"],
        True,
        False,
        NOT_KINDERGARTEN,
        "",
        "负责本年级的安全管理：组织本年级安全教育和集体活动的安全措施，督促班主任落实安全工作，"
        "掌握本年级学生的安全动态，发现问题及时处置并报告学校。",
    ),
    (
        "class_teacher",
        "班主任",
        "Class teacher",
        "school",
        "post",
        ["teaching", "psychological"],
        True,
        False,
        [],
        "",
        "负责本班学生的安全教育和管理：每周开展安全教育，落实学生考勤和缺勤追踪，关注学生身心健康"
        "和异常情况并及时告知家长；组织本班应急疏散演练；发现安全隐患和突发情况立即报告并先期处置。",
    ),
    (
        "canteen_manager",
        "食堂管理员",
        "Canteen manager",
        "school",
        "post",
        ["food"],
        True,
        False,
        [],
        "health",
        "负责食堂食品安全：确保食堂持有效许可证经营，从业人员持健康证上岗；落实食品采购查验、"
        "索证索票、留样和餐具消毒制度；保持加工场所清洁卫生，防止食物中毒事故；"
        "管好饮用水设施，定期清洗消毒。",
    ),
    (
        "dormitory_manager",
        "宿舍管理员",
        "Dormitory manager",
        "school",
        "post",
        ["buildings", "fire"],
        True,
        True,
        [],
        "",
        "负责学生宿舍安全管理：落实住宿学生就寝点名和请销假制度，严格宿舍出入登记；"
        "检查宿舍用电、消防器材和疏散通道，禁止使用违规电器；夜间巡查值守，发现异常立即报告。",
    ),
    (
        "gate_security",
        "门卫及安保人员",
        "Gatekeeper and security staff",
        "school",
        "post",
        ["surroundings", "traffic"],
        True,
        False,
        [],
        "",
        "负责校门和校园的安全防范：严格执行外来人员和车辆出入登记；上学放学时段在校门值守；"
        "按规定配备和使用安保器械，定时巡查校园；发现可疑人员和突发情况立即处置并报警、报告。",
    ),
    (
        "electrician",
        "电工",
        "Electrician",
        "school",
        "post",
        ["buildings", "fire"],
        True,
        False,
        [],
        "electrician",
        "持证上岗，负责学校供用电设施的安全：定期检查线路、配电设备和漏电保护装置，及时排除用电隐患；"
        "严格执行电气作业操作规程，不得违章作业；做好检查维修记录。",
    ),
    (
        "boiler_operator",
        "锅炉工",
        "Boiler operator",
        "school",
        "post",
        ["fire"],
        False,
        False,
        [],
        "boiler",
        "持证上岗，严格执行锅炉安全操作规程和交接班制度；做好锅炉及附属设备的日常检查、保养和运行记录，"
        "配合做好定期检验；发现异常立即停炉并报告。",
    ),
    (
        "psychological_counsellor",
        "心理辅导教师",
        "Psychological counsellor",
        "school",
        "post",
        ["psychological"],
        True,
        False,
        [],
        "",
        "负责学生心理健康教育和心理辅导：开设心理健康课程和咨询，建立学生心理档案；"
        "对有严重心理问题的学生落实专人关爱和跟踪，及时告知家长并按规定转介；参与心理危机干预。",
    ),
    (
        "bureau_director",
        "局长",
        "Bureau director",
        "bureau",
        "first",
        [],
        True,
        False,
        [],
        "",
        "作为本局教育系统安全工作的责任人，对辖区学校安全工作负总责：把学校安全工作纳入教育事业发展"
        "规划和年度考核，保障经费投入；定期研究部署学校安全工作，督促各校落实安全责任制。",
    ),
    (
        "bureau_deputy_director",
        "分管副局长",
        "Deputy director in charge of safety",
        "bureau",
        "specific",
        [],
        True,
        False,
        [],
        "",
        "作为辖区学校安全工作的直接责任人，具体组织落实学校安全工作：部署安全检查和督查，"
        "督促隐患整改；组织安全培训和应急演练；负责事故报告和处置的组织协调。",
    ),
    (
        "safety_section_head",
        "安全股（科）负责人",
        "Head of the safety section",
        "bureau",
        "post",
        [],
        True,
        False,
        [],
        "",
        "负责辖区学校安全工作的日常管理：组织开展安全检查、抽查和隐患排查整改督办；"
        "汇总分析安全信息并按时报送；指导学校建立安全工作档案和责任制。",
    ),
]


def load_posts(apps, schema_editor):
    Post = apps.get_model("safety", "Post")
    SafetyArea = apps.get_model("safety", "SafetyArea")
    areas = {area.key: area for area in SafetyArea.objects.all()}
    for order, (
        key,
        zh,
        en,
        unit_kind,
        level,
        default_areas,
        required,
        boarding_only,
        school_types,
        certificate,
        duty,
    ) in enumerate(POSTS, start=1):
        post, created = Post.objects.get_or_create(
            key=key,
            defaults={
                "name_zh": zh,
                "name_en": en,
                "unit_kind": unit_kind,
                "level": level,
                "is_required": required,
                "boarding_only": boarding_only,
                "school_types": school_types,
                "certificate_kind": certificate,
                "duty_text": duty,
                "order": order * 10,
            },
        )
        if created:
            post.default_areas.set([areas[k] for k in default_areas if k in areas])


def remove_posts(apps, schema_editor):
    apps.get_model("safety", "Post").objects.filter(key__in=[p[0] for p in POSTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("safety", "0005_responsibility")]
    operations = [migrations.RunPython(load_posts, remove_posts)]
