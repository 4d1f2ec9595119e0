"""The Chinese catalogue is complete: every message of the interface has a translation."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import services_required

CATALOGUE = Path(__file__).resolve().parents[1] / "locale/zh_Hans/LC_MESSAGES/django.po"


def test_every_message_has_a_chinese_translation():
    if shutil.which("msgfmt") is None:
        if services_required():
            pytest.fail("msgfmt (gettext) is missing")
        pytest.skip("msgfmt (gettext) is not installed")
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(CATALOGUE)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr, result.stderr
    assert "fuzzy" not in result.stderr, result.stderr
