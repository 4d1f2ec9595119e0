from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Management commands only: no models, no migrations, nothing loaded at start-up."""

    name = "demo"
    verbose_name = "Demo and generated data (tools)"
