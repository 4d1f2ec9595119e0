"""The demo API client (`seed_demo`): 江城区's data screen, "read and report", with a fixed,
documented token so that the curl examples of docs/api.md work on a demo installation.
A real installation registers its clients on the admin site (the token is then random)."""

from __future__ import annotations

from safety.models import Organisation, User

from . import services
from .models import ApiClient, token_digest

DEMO_TOKEN = "scapi_demo-jiangcheng-2026-not-for-production"  # noqa: S105 - demo only, printed
DEMO_UNIT_CODE = "360802"  # 临江市江城区教育局
DEMO_ADMIN = "jc.admin"


def seed() -> ApiClient | None:
    """Register the demo client once; returns it (None without the demo county)."""
    existing = ApiClient.objects.filter(token_hash=token_digest(DEMO_TOKEN)).first()
    if existing is not None:
        return existing
    unit = Organisation.objects.filter(code=DEMO_UNIT_CODE).first()
    admin = User.objects.filter(username=DEMO_ADMIN).first()
    if unit is None or admin is None:
        return None
    client, _token = services.client_register(
        actor=admin,
        unit=unit,
        name="江城区安全数据大屏（演示）",
        scope=ApiClient.Scope.REPORT,
        token=DEMO_TOKEN,
    )
    return client
