from django.apps import AppConfig
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _


class SafetyConfig(AppConfig):
    name = "safety"
    verbose_name = _("Organisations and accounts")

    def ready(self) -> None:
        from . import audit, converters, signals  # noqa: F401  (signals: the authentication receivers)
        from .sso import checks  # noqa: F401  (#21: the identity platform's settings)

        audit.connect()
        # Before any URLconf is imported: every app's patterns use `<id:pk>` and
        # `<month:month>` (safety/converters.py).
        register_converter(converters.IdConverter, "id")
        register_converter(converters.MonthConverter, "month")
