from __future__ import annotations

import shutil
import subprocess

import pytest
from django.template import Context, Template

from safety.pdf import html_to_pdf
from tests.conftest import services_required


def require_poppler(tool: str) -> None:
    """Skip (fail where services are required) without poppler-utils' `tool`."""
    if shutil.which(tool) is None:
        if services_required():
            pytest.fail(f"{tool} (poppler-utils) is missing")
        pytest.skip(f"{tool} (poppler-utils) is not installed")


def pdffonts(pdf: bytes, tmp_path) -> str:
    require_poppler("pdffonts")
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout


def test_pdfs_embed_the_bundled_cjk_font(tmp_path):
    template = Template(
        '{% extends "pdf/base.html" %}{% block body %}<h1>安全责任书</h1>'
        "<p>{{ name }}</p>{% endblock %}"
    )
    pdf = html_to_pdf(template.render(Context({"name": "江城区实验小学 张伟"})))
    assert pdf.startswith(b"%PDF")
    fonts = pdffonts(pdf, tmp_path)
    assert "SafeCampus-CJK" in fonts
    embedded = [line for line in fonts.splitlines() if "SafeCampus-CJK" in line]
    assert all(" yes " in line for line in embedded)
