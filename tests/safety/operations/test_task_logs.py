"""#22: a task queued by a request logs under the request's id in a real worker process."""

from __future__ import annotations

import json

from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory

from safety import jobs
from safety.operations.logs import RequestIdMiddleware
from tests.safety.test_faults import (  # noqa: F401, F811 - fixtures
    broker,
    processes,
    redis_server,
    wait_for,
)


def _queue_a_task(request):
    with transaction.atomic():
        jobs.enqueue_on_commit("safety.healthcheck")
    return HttpResponse("queued")


def test_the_request_id_travels_to_the_worker_log_lines_of_the_task(processes):  # noqa: F811
    processes.env["LOG_FORMAT"] = "json"
    worker = processes.worker()
    request = RequestFactory().post("/", headers={"X-Request-ID": "req-to-worker-42"})
    response = RequestIdMiddleware(_queue_a_task)(request)
    assert response["X-Request-ID"] == "req-to-worker-42"
    log = processes.logs[-1]

    def task_lines():
        lines = []
        for raw in log.read_text().splitlines():
            try:
                line = json.loads(raw)
            except ValueError:
                continue
            if "safety.healthcheck" in line.get("message", "") and "succeeded" in line["message"]:
                lines.append(line)
        return lines

    lines = wait_for(task_lines, timeout=60, what="the task's log line", logs=[log])
    assert lines[0]["request_id"] == "req-to-worker-42"
    assert worker.poll() is None
