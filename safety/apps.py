from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetyConfig(AppConfig):
    name = "safety"
    verbose_name = _("Organisations and accounts")

    def ready(self) -> None:
        from . import audit, signals  # noqa: F401  (signals: the authentication receivers)

        audit.connect()
