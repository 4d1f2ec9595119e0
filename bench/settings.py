"""Settings for benchmark processes: the product's settings plus a stock admin of the hazard
model and an empty logged-in page (bench.urls), served over plain HTTP on loopback."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

# #22: the benchmark sends thousands of API requests per client; the throttle is not measured.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api_client": "1000000/min"}}  # noqa: F405
