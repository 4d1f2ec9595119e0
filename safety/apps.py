from django.apps import AppConfig
from django.core import checks
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _


class SafetyConfig(AppConfig):
    name = "safety"
    verbose_name = _("Organisations and accounts")

    def ready(self) -> None:
        from . import audit, choices, converters, signals  # noqa: F401  (signals: the authentication receivers)
        from .sso import services as sso_services

        audit.connect()
        choices.install()  # #23: get_FOO_display() without translating every label per call
        # #21: `manage.py check` refuses an incomplete identity-platform configuration.
        checks.register(sso_services.settings_problems, checks.Tags.security)
        # Before any URLconf is imported: every app's patterns use `<id:pk>` and
        # `<month:month>` (safety/converters.py).
        register_converter(converters.IdConverter, "id")
        register_converter(converters.MonthConverter, "month")
