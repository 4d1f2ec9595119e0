"""What each role may do. Services check these; views only hide what a role cannot use.

Roles map to Django permission strings through `RolePermissionBackend`, so services and
templates ask the usual `user.has_perm("inspections.file_inspection")`. A permission that is
not in the map is denied (fail closed). Scoping (which objects) is a separate rule: see
safety.scoping. docs/roles.md explains the matrix to administrators.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Expression, Q, QuerySet, TextField, Value, When

from .models import Organisation, User
from .onerow import rows_of

Role = User.Role

# Domain permissions; later features add theirs here.
VIEW_JURISDICTION = "safety.view_jurisdiction"
MANAGE_ORGANISATIONS = "safety.manage_organisations"
MANAGE_ACCOUNTS = "safety.manage_accounts"
MANAGE_SAFETY_AREAS = "safety.manage_safety_areas"
MANAGE_RESPONSIBILITIES = "safety.manage_responsibilities"
MANAGE_POSTS = "safety.manage_posts"
FILE_INSPECTION = "inspections.file_inspection"
REPORT_HAZARD = "inspections.report_hazard"
VERIFY_RECTIFICATION = "inspections.verify_rectification"
DRAW_SPOT_CHECK = "inspections.draw_spot_check"
ASSIGN_RECTIFICATION = "inspections.assign_rectification"
REOPEN_HAZARD = "inspections.reopen_hazard"
REPORT_INCIDENT = "reporting.report_incident"
CLOSE_INCIDENT = "reporting.close_incident"
ACKNOWLEDGE_INCIDENT = "reporting.acknowledge_incident"
SUBMIT_MONTHLY_REPORT = "reporting.submit_monthly_report"
REVIEW_MONTHLY_REPORT = "reporting.review_monthly_report"
VIEW_HISTORY = "safety.view_history"
# Bureau supervision (issue #18): officials launch campaigns, publish notices, issue orders;
# school staff and leaders answer them.
SUPERVISE = "reporting.supervise_schools"
ANSWER_SUPERVISION = "reporting.answer_supervision"
# Activities and school buses (issue #16).
APPLY_ACTIVITY = "reporting.apply_activity"
APPROVE_ACTIVITY = "reporting.approve_activity"
MANAGE_SCHOOL_BUSES = "reporting.manage_school_buses"
# Emergency preparedness (issue #14)
RECORD_DRILL = "safety.record_drill"
MANAGE_PREPAREDNESS = "safety.manage_preparedness"
ACKNOWLEDGE_PLAN = "safety.acknowledge_plan"
# Daily guarding (issue #15): plan rosters, routes and dormitories; record duty, patrols and
# gate duty; review holiday rosters. Reading the gate register and pupils' data also needs a
# post (safety/guarding/selectors.py: the gate/security, dormitory or class-teacher post).
MANAGE_GUARDING = "safety.manage_guarding"
RECORD_GUARDING = "safety.record_guarding"
REVIEW_DUTY_ROSTER = "safety.review_duty_roster"
# #17 education and surroundings.
RECORD_EDUCATION = "safety.record_education"
SET_EDUCATION_MINIMUM = "safety.set_education_minimum"
RECORD_SPOT = "inspections.record_spot"
REFER_SPOT = "inspections.refer_spot"
ANSWER_SPOT = "inspections.answer_spot"
RECORD_MEETING = "inspections.record_meeting"
COMPLETE_DECISION = "inspections.complete_decision"
HANDLE_PUBLIC_REPORT = "inspections.handle_public_report"

# Django admin permissions an administrator needs for the models it manages.
_ADMIN_MODEL_PERMISSIONS = frozenset(
    {
        "safety.view_organisation",
        "safety.add_organisation",
        "safety.change_organisation",
        "safety.view_user",
        "safety.add_user",
        "safety.change_user",
        "safety.view_safetyarea",
        "safety.view_auditevent",
        "inspections.view_inspectionsettings",
        "inspections.add_inspectionsettings",
        "inspections.change_inspectionsettings",
        # Rectification orders' document number format (issue #18).
        "reporting.view_ordersettings",
        "reporting.add_ordersettings",
        "reporting.change_ordersettings",
        "inspections.view_checklisttemplate",
        "safety.view_post",
        "safety.view_responsibilitysettings",
        "safety.add_responsibilitysettings",
        "safety.change_responsibilitysettings",
        # Daily guarding (issue #15): the per-bureau retention and follow-up settings.
        "safety.view_guardingsettings",
        "safety.add_guardingsettings",
        "safety.change_guardingsettings",
        "reporting.view_monthlyreport",
        "reporting.view_monthlyreportversion",
        "reporting.view_monthlyreportevent",
        # activities (issue #16): bureaus set their thresholds in the admin
        "reporting.view_activitysettings",
        "reporting.add_activitysettings",
        "reporting.change_activitysettings",
        # emergency preparedness (issue #14): a bureau's drill frequencies
        "safety.view_drillsettings",
        "safety.add_drillsettings",
        "safety.change_drillsettings",
    }
)
_SYSTEM_ADMIN_MODEL_PERMISSIONS = frozenset(
    {
        "safety.add_safetyarea",
        "safety.change_safetyarea",
        "inspections.add_checklisttemplate",
        "inspections.change_checklisttemplate",
        MANAGE_POSTS,
        "safety.add_post",
        "safety.change_post",
        "django_celery_beat.view_periodictask",
        "django_celery_beat.change_periodictask",
        "django_celery_beat.add_periodictask",
        "django_celery_beat.view_crontabschedule",
        "django_celery_beat.change_crontabschedule",
        "django_celery_beat.add_crontabschedule",
        "django_celery_beat.view_intervalschedule",
        "django_celery_beat.change_intervalschedule",
        "django_celery_beat.add_intervalschedule",
        "reporting.view_reportingtimelimit",
        "reporting.change_reportingtimelimit",
        # emergency preparedness (issue #14): the scenario catalogue
        "safety.view_scenario",
        "safety.add_scenario",
        "safety.change_scenario",
        # accountability (issue #19): the setting list of actions taken
        "reporting.view_accountabilityaction",
        "reporting.add_accountabilityaction",
        "reporting.change_accountabilityaction",
    }
)

_EDUCATION_SCHOOL = frozenset({RECORD_EDUCATION, RECORD_SPOT, HANDLE_PUBLIC_REPORT})

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    # School staff draft and submit the monthly report too (issue #6: "school staff drafts
    # and submits"); the leader's name is not required on it.
    Role.SCHOOL_STAFF: frozenset(
        {VIEW_JURISDICTION, FILE_INSPECTION, REPORT_HAZARD, REPORT_INCIDENT, SUBMIT_MONTHLY_REPORT}
        | {ANSWER_SUPERVISION}  # issue #18
        # activities and school buses (issue #16): staff draft applications, keep the register
        | {APPLY_ACTIVITY, MANAGE_SCHOOL_BUSES}
        | {RECORD_DRILL}  # emergency preparedness (issue #14)
        | {RECORD_GUARDING}  # daily guarding (issue #15)
    ),
    Role.SCHOOL_LEADER: frozenset(
        {
            VIEW_JURISDICTION,
            FILE_INSPECTION,
            REPORT_HAZARD,
            VERIFY_RECTIFICATION,
            ASSIGN_RECTIFICATION,
            REPORT_INCIDENT,
            SUBMIT_MONTHLY_REPORT,
            MANAGE_RESPONSIBILITIES,
        }
        | {ANSWER_SUPERVISION}  # issue #18
        # activities and school buses (issue #16): the leader also approves the school step
        | {APPLY_ACTIVITY, APPROVE_ACTIVITY, MANAGE_SCHOOL_BUSES}
        | {RECORD_DRILL, MANAGE_PREPAREDNESS}  # emergency preparedness (issue #14)
        | {MANAGE_GUARDING, RECORD_GUARDING}  # daily guarding (issue #15)
    ),
    Role.BUREAU_OFFICIAL: frozenset(
        {
            VIEW_JURISDICTION,
            FILE_INSPECTION,
            REPORT_HAZARD,
            VERIFY_RECTIFICATION,
            ASSIGN_RECTIFICATION,
            REOPEN_HAZARD,
            DRAW_SPOT_CHECK,
            REPORT_INCIDENT,
            ACKNOWLEDGE_INCIDENT,
            CLOSE_INCIDENT,
            SUBMIT_MONTHLY_REPORT,
            REVIEW_MONTHLY_REPORT,
            VIEW_HISTORY,
        }
        | {SUPERVISE}  # issue #18
        | {APPROVE_ACTIVITY}  # activities (issue #16): the county and city steps
        | {ACKNOWLEDGE_PLAN}  # emergency preparedness (issue #14)
        | {MANAGE_GUARDING, RECORD_GUARDING, REVIEW_DUTY_ROSTER}  # daily guarding (issue #15)
    ),
    Role.ADMINISTRATOR: frozenset(
        {
            VIEW_JURISDICTION,
            MANAGE_ORGANISATIONS,
            MANAGE_ACCOUNTS,
            MANAGE_RESPONSIBILITIES,
            VIEW_HISTORY,
        }
        | _ADMIN_MODEL_PERMISSIONS
        # emergency preparedness (issue #14): a bureau's own plans and teams
        | {MANAGE_PREPAREDNESS}
    ),
    # #17: a partner department's liaison officer sees its county's surroundings ledger and
    # joint meetings only (safety.middleware.LiaisonConfinementMiddleware), answers referrals
    # and marks meeting decisions done. No VIEW_JURISDICTION: it sees nothing else.
    Role.DEPARTMENT_LIAISON: frozenset({ANSWER_SPOT, COMPLETE_DECISION}),
    # #22: an API client's service account (api.models.ApiClient). The client's scope (read,
    # or read and report) is checked by the API before a report reaches a service.
    Role.API_CLIENT: frozenset({VIEW_JURISDICTION, REPORT_HAZARD, REPORT_INCIDENT}),
}
# #22: administrators register and revoke their jurisdiction's API clients (admin site).
ROLE_PERMISSIONS[Role.ADMINISTRATOR] |= {
    "api.view_apiclient",
    "api.add_apiclient",
    "api.change_apiclient",
}

# #17 education and surroundings: schools record education, spots and handle public reports;
# leaders and officials refer spots; officials record joint meetings and close decisions.
ROLE_PERMISSIONS[Role.SCHOOL_STAFF] |= _EDUCATION_SCHOOL
ROLE_PERMISSIONS[Role.SCHOOL_LEADER] |= _EDUCATION_SCHOOL | {REFER_SPOT}
ROLE_PERMISSIONS[Role.BUREAU_OFFICIAL] |= {
    RECORD_SPOT,
    REFER_SPOT,
    RECORD_MEETING,
    COMPLETE_DECISION,
    SET_EDUCATION_MINIMUM,
}


def is_system_administrator(user: Any) -> bool:
    """An administrator of the whole installation: a superuser, or an administrator of the
    root of the tree (the city bureau of a city installation, the provincial education
    department of a province installation, #23; a city's administrator under a province
    manages its city only)."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    organisation = user.unit
    return (
        user.role == Role.ADMINISTRATOR
        and organisation is not None
        and organisation.parent_id is None
        and organisation.kind in (Organisation.Kind.CITY, Organisation.Kind.PROVINCE)
    )


def role_permissions(user: Any) -> frozenset[str]:
    if not (user and user.is_authenticated and user.is_active) or user.unit_id is None:
        return frozenset()
    granted = ROLE_PERMISSIONS.get(user.role, frozenset())
    if is_system_administrator(user):
        granted = granted | {MANAGE_SAFETY_AREAS} | _SYSTEM_ADMIN_MODEL_PERMISSIONS
    return granted


def require_permission(user: Any, permission: str) -> None:
    """Raise PermissionDenied unless the user's role grants `permission`."""
    if not user.has_perm(permission):
        raise PermissionDenied


class RolePermissionBackend(ModelBackend):
    """Django's model backend plus the role map above; loads the organisation with the
    user so scoping costs no extra query per request."""

    def get_user(self, user_id: Any) -> User | None:
        """The signed-in account of a request, with its unit and the unit's parent, and for a
        staff account (not a superuser, whom `has_perm` grants everything unasked) its
        technical permissions: all in one query (#23: the administrators' menu asks for them
        on every page). Read afresh on every request, so a permission change shows on the
        next one."""
        technical = Case(
            When(is_staff=True, is_superuser=False, then=_technical_rows(user_id)),
            default=Value(None),
            output_field=TextField(),
        )
        users = User._default_manager.select_related("unit", "unit__parent")
        try:
            user = users.annotate(technical_permissions=technical).get(pk=user_id)
        except User.DoesNotExist:
            return None
        rows = user.__dict__.pop("technical_permissions")
        if rows is not None:
            user._perm_cache = {f"{row['app']}.{row['codename']}" for row in json.loads(rows)}
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not user_obj.is_staff:
            # Technical permissions (groups, user permissions) serve the admin site, which
            # only staff can enter; reading them for everyone else cost two queries a page.
            return set(role_permissions(user_obj))
        return self._technical_permissions(user_obj) | set(role_permissions(user_obj))

    @staticmethod
    def _technical_permissions(user_obj: Any) -> set[str]:
        """A staff account's own and its groups' permissions in one query (the model backend
        reads them in two), kept on the account for the request as the backend does; none
        when `get_user` already read them with the account."""
        if not hasattr(user_obj, "_perm_cache"):
            permissions = Permission.objects.all()
            if not user_obj.is_superuser:
                permissions = _permissions_of(user_obj.pk)
            rows = permissions.order_by().values_list("content_type__app_label", "codename")
            user_obj._perm_cache = {f"{app}.{codename}" for app, codename in rows.distinct()}
        return user_obj._perm_cache


def _permissions_of(user_id: Any) -> QuerySet:
    """The permissions given to the account `user_id` itself or through its groups."""
    return Permission.objects.filter(Q(user=user_id) | Q(group__user=user_id))


def _technical_rows(user_id: Any) -> Expression:
    """`_permissions_of(user_id)` as a JSON column (`[{app, codename}, …]`) of the account's
    own row (safety.onerow.rows_of)."""
    rows = _permissions_of(user_id).order_by().values("content_type__app_label", "codename")
    return rows_of(rows.distinct(), ["content_type__app_label", "codename"], ["app", "codename"])


# --- #20 risk grading and working days ---------------------------------------------------------
MANAGE_RISK_POINTS = "inspections.manage_risk_points"  # grade points, place them on the plan
CHECK_RISK_POINT = "inspections.check_risk_point"  # record a check of a point
ACKNOWLEDGE_RISK_REPORT = "inspections.acknowledge_risk_report"  # the county's receipt
ROLE_PERMISSIONS[Role.SCHOOL_STAFF] |= {CHECK_RISK_POINT}
ROLE_PERMISSIONS[Role.SCHOOL_LEADER] |= {CHECK_RISK_POINT, MANAGE_RISK_POINTS}
ROLE_PERMISSIONS[Role.BUREAU_OFFICIAL] |= {ACKNOWLEDGE_RISK_REPORT}
ROLE_PERMISSIONS[Role.ADMINISTRATOR] |= {
    "inspections.view_risksettings",
    "inspections.add_risksettings",
    "inspections.change_risksettings",
}
# City administrators keep the calendar of years the chinesecalendar package lacks.
_SYSTEM_ADMIN_MODEL_PERMISSIONS |= {
    "safety.view_calendaryear",
    "safety.add_calendaryear",
    "safety.change_calendaryear",
    "safety.delete_calendaryear",
    "safety.view_calendarday",
    "safety.add_calendarday",
    "safety.change_calendarday",
    "safety.delete_calendarday",
}
