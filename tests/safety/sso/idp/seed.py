"""Prepare the test platform's database: `python -m tests.safety.sso.idp.seed SPEC_JSON`.

SPEC_JSON: {"users": [{"username", "password", "email"}], "redirect_uris": [...],
"post_logout_redirect_uris": [...], "client_id", "client_secret"}."""

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.safety.sso.idp.settings")
django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from oauth2_provider.models import Application  # noqa: E402


def main(spec: dict) -> None:
    call_command("migrate", verbosity=0)
    for person in spec["users"]:
        User.objects.create_user(person["username"], person.get("email", ""), person["password"])
    Application.objects.create(
        name="SafeCampus",
        client_id=spec["client_id"],
        client_secret=spec["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(spec["redirect_uris"]),
        post_logout_redirect_uris=" ".join(spec["post_logout_redirect_uris"]),
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
