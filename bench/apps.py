from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Management commands only (`bench_rollup`): no models, no migrations, nothing loaded at
    start-up. bench.settings and bench.urls serve benchmark processes and are never imported
    by the product's settings."""

    name = "bench"
    verbose_name = "Benchmarks (tools)"
