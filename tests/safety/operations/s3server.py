"""A local S3-compatible server process (moto's server, `moto_server`) on 127.0.0.1 for the
object-storage and multi-node tests (docs/decisions.md: why moto and not MinIO)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest

from tests.conftest import services_required

BUCKET = "safecampus-media"
ACCESS_KEY = "test-access-key"
SECRET_KEY = "test-secret-key"  # noqa: S105 - a local test server's


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _moto_server() -> str:
    found = shutil.which("moto_server") or str(Path(sys.executable).parent / "moto_server")
    if not Path(found).exists():
        reason = "moto_server is not installed (pip install -r requirements-dev.txt)"
        if services_required():
            pytest.fail(reason)
        pytest.skip(reason)
    return found


class S3Server:
    def __init__(self, log: Path) -> None:
        self.port = _free_port()
        self.log = log
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name="us-east-1",
        )

    def start(self) -> None:
        with self.log.open("a") as handle:
            self.process = subprocess.Popen(
                [_moto_server(), "-H", "127.0.0.1", "-p", str(self.port)],
                stdout=handle,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail(f"moto_server did not start:\n{self.log.read_text()[-3000:]}")
        self.client().create_bucket(Bucket=BUCKET)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def object_names(self) -> list[str]:
        listing = self.client().list_objects_v2(Bucket=BUCKET)
        return [entry["Key"] for entry in listing.get("Contents", [])]

    def storage_options(self) -> dict:
        return {
            "bucket_name": BUCKET,
            "access_key": ACCESS_KEY,
            "secret_key": SECRET_KEY,
            "endpoint_url": self.url,
            "region_name": "us-east-1",
            "addressing_style": "path",
        }

    def environment(self) -> dict[str, str]:
        """The variables a SafeCampus process needs to use this server."""
        return {
            "MEDIA_STORAGE": "s3",
            "AWS_STORAGE_BUCKET_NAME": BUCKET,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "S3_ENDPOINT_URL": self.url,
            "AWS_S3_REGION_NAME": "us-east-1",
        }
