#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    # Django swallows a settings error for most commands and fails later with an unrelated
    # AppRegistryNotReady traceback: say the real reason at once.
    try:
        settings.INSTALLED_APPS  # noqa: B018 - loads the settings
    except ImproperlyConfigured as error:
        sys.exit(f"SafeCampus settings: {error} (development: `make dev-env` or DEBUG=true)")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
