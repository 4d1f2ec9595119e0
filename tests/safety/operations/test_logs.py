"""#22: JSON log lines with a request id; error reports to a Sentry-compatible service."""

from __future__ import annotations

import gzip
import io
import json
import logging
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import sentry_sdk
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from safety.operations.logs import configure_error_reporting

try:  # sentry-sdk compresses with brotli when the module is there, else with gzip
    import brotli
except ImportError:  # pragma: no cover
    brotli = None

PROJECT_ROOT = Path(__file__).resolve().parents[3]


def boom(request):
    raise RuntimeError("the page broke")


def quiet(request):
    logging.getLogger("safety.test").warning("a line inside the request")
    return HttpResponse("ok")


urlpatterns = [path("boom/", boom), path("quiet/", quiet)]


def test_a_process_with_log_format_json_writes_one_json_object_per_line():
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('safety.x').warning('隐患 %s 已上报', 7)"
    )
    env = {**os.environ, "LOG_FORMAT": "json", "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["message"] == "隐患 7 已上报"
    assert line["level"] == "WARNING"
    assert line["name"] == "safety.x"
    assert line["request_id"] == "-"
    assert "T" in line["time"]


@pytest.fixture
def console_lines():
    """What the configured console handler writes during the test (its stream swapped)."""
    handler = logging._handlers["console"]  # the handler settings.LOGGING configured
    stream = io.StringIO()
    previous = handler.setStream(stream)
    formatter = handler.formatter
    handler.setFormatter(logging.Formatter("%(request_id)s|%(name)s|%(message)s"))
    try:
        yield lambda: stream.getvalue().splitlines()
    finally:
        handler.setStream(previous)
        handler.setFormatter(formatter)


@pytest.mark.django_db
def test_the_request_id_is_returned_and_marks_every_line_the_request_logs(settings, console_lines):
    settings.ROOT_URLCONF = __name__
    response = Client().get("/quiet/", headers={"X-Request-ID": "lb-1234.abc"})
    assert response["X-Request-ID"] == "lb-1234.abc"
    assert "lb-1234.abc|safety.test|a line inside the request" in console_lines()

    generated = Client().get("/quiet/")["X-Request-ID"]
    assert len(generated) == 32
    assert f"{generated}|safety.test|a line inside the request" in console_lines()


@pytest.mark.django_db
def test_a_hostile_request_id_is_replaced(settings, console_lines):
    settings.ROOT_URLCONF = __name__
    hostile = 'x" \n{"level": "forged"}'
    response = Client().get("/quiet/", headers={"X-Request-ID": hostile})
    assert response["X-Request-ID"] != hostile
    assert len(response["X-Request-ID"]) == 32
    assert not any("forged" in line for line in console_lines())


class _Collector(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):  # noqa: N802 - the http.server API
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            body = brotli.decompress(body)
        type(self).received.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_server():
    _Collector.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    sentry_sdk.init()  # reporting off again for the other tests
    server.shutdown()


@pytest.mark.django_db
def test_an_unhandled_error_reaches_the_sentry_compatible_service(settings, sentry_server):
    settings.ROOT_URLCONF = __name__
    port = sentry_server.server_address[1]
    assert configure_error_reporting(f"http://publickey@127.0.0.1:{port}/7", environment="test")
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "secret-session-cookie"
    response = client.get("/boom/?q=1", headers={"X-Request-ID": "req-sentry-1"})
    assert response.status_code == 500
    sentry_sdk.flush(timeout=5)

    envelopes = b"\n".join(_Collector.received).decode()
    assert "the page broke" in envelopes
    assert "RuntimeError" in envelopes
    assert "req-sentry-1" in envelopes  # the request id is a tag of the event
    # With REDIS_URL the session is read from Redis under a key holding the cookie's value.
    assert "secret-session-cookie" not in envelopes


def test_without_a_dsn_nothing_is_reported():
    assert configure_error_reporting("") is False
