"""Real servers for the #21 tests, started on 127.0.0.1 by the test and stopped after it: the
test identity platform (tests/safety/sso/idp: OIDC by django-oauth-toolkit, CAS by django-mama-cas)
under gunicorn, and Debian's slapd with a throwaway configuration and test directory."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[3]
SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
SCHEMA = Path("/etc/ldap/schema")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class Platform:
    url: str
    client_id: str
    client_secret: str
    process: subprocess.Popen

    def endpoint(self, path: str) -> str:
        return f"{self.url}/{path.lstrip('/')}"


def start_platform(workdir: Path, *, users: list[dict], redirect_uris: list[str]) -> Platform:
    """Seed the test platform's SQLite database and run it under gunicorn on a free port."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.safety.sso.idp.settings",
        "IDP_DB": str(workdir / "idp.sqlite3"),
        "IDP_RSA_KEY": pem,
        "PYTHONPATH": str(ROOT),
    }
    for name in ("DATABASE_URL", "REDIS_URL"):
        environment.pop(name, None)
    spec = {
        "users": users,
        "redirect_uris": redirect_uris,
        "post_logout_redirect_uris": [
            uri.split("/accounts/")[0] + "/accounts/login/" for uri in redirect_uris
        ],
        "client_id": "safecampus",
        "client_secret": "platform-test-secret",
    }
    subprocess.run(
        [sys.executable, "-m", "tests.safety.sso.idp.seed", json.dumps(spec)],
        cwd=ROOT,
        env=environment,
        check=True,
        timeout=120,
    )
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "tests.safety.sso.idp.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=environment,
    )
    wait_for_port(port, process)
    return Platform(f"http://127.0.0.1:{port}", spec["client_id"], spec["client_secret"], process)


SUFFIX = "dc=bureau,dc=example"
ADMIN_DN = f"cn=admin,{SUFFIX}"
ADMIN_PASSWORD = "directory-admin"  # noqa: S105


@dataclass
class Directory:
    uri: str
    process: subprocess.Popen


SLAPD_CONF = """\
include {schema}/core.schema
include {schema}/cosine.schema
include {schema}/nis.schema
include {schema}/inetorgperson.schema
pidfile {work}/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
maxsize 10485760
suffix "{suffix}"
rootdn "{admin}"
rootpw {password}
directory {work}/data
access to attrs=userPassword by anonymous auth by self write by * none
access to * by * read
"""


def start_directory(workdir: Path, people: list[dict]) -> Directory:
    """Debian's slapd with a throwaway slapd.conf and an mdb database holding `people`
    ({"uid", "password", "mail", "employeeNumber"}) under ou=people."""
    import ldap  # noqa: PLC0415 (test helper; python-ldap)
    import ldap.modlist  # noqa: PLC0415

    (workdir / "data").mkdir(parents=True)
    conf = workdir / "slapd.conf"
    conf.write_text(
        SLAPD_CONF.format(
            schema=SCHEMA, work=workdir, suffix=SUFFIX, admin=ADMIN_DN, password=ADMIN_PASSWORD
        )
    )
    port = free_port()
    uri = f"ldap://127.0.0.1:{port}"
    process = subprocess.Popen([SLAPD, "-f", str(conf), "-h", uri + "/", "-d", "0"])
    wait_for_port(port, process)
    connection = ldap.initialize(uri)
    connection.simple_bind_s(ADMIN_DN, ADMIN_PASSWORD)
    entries = [
        (
            SUFFIX,
            {"objectClass": [b"dcObject", b"organization"], "dc": [b"bureau"], "o": [b"Bureau"]},
        ),
        (f"ou=people,{SUFFIX}", {"objectClass": [b"organizationalUnit"], "ou": [b"people"]}),
    ]
    for person in people:
        attrs = {
            "objectClass": [b"inetOrgPerson"],
            "uid": [person["uid"].encode()],
            "cn": [person["uid"].encode()],
            "sn": [person["uid"].encode()],
            "userPassword": [person["password"].encode()],
        }
        for name in ("mail", "employeeNumber"):
            if person.get(name):
                attrs[name] = [person[name].encode()]
        entries.append((f"uid={person['uid']},ou=people,{SUFFIX}", attrs))
    for dn, attrs in entries:
        connection.add_s(dn, ldap.modlist.addModlist(attrs))
    connection.unbind_s()
    return Directory(uri, process)
