"""Every page of the product has a row in the benchmark (#23: "a page without a row fails the
suite"): each URL pattern the permission matrix opens with GET is the path of a bench row
(bench/pages.py, bench/feature_pages), or is listed below with the reason it has none."""

from __future__ import annotations

from collections import defaultdict

from django.urls import Resolver404, resolve

from bench.pages import PAGES, PROVINCE_PAGES
from tests.matrix.test_permission_matrix import RULES

# Patterns measured elsewhere in the benchmark, or not a page a person waits for.
NO_ROW: dict[str, str] = {
    "preparedness:home": "only a redirect: to the school's preparedness page (row "
    "preparedness_unit) or the bureaus' coverage page (row preparedness)",
    "monthly:index": "a redirect to the school's months (monthly:unit) or the review console "
    "(monthly:console), both benched",
    "responsibility:home": "a redirect to the school's coverage (responsibility:unit_coverage) "
    "or the grid (responsibility:coverage_grid), both benched",
    "guarding:home": "a redirect to the school's guarding page or the bureau's (both benched)",
}


def _benched() -> set[str]:
    ids = defaultdict(lambda: 1)
    names = set()
    for _key, title, _persona, path, _admin in [*PAGES, *PROVINCE_PAGES]:
        try:
            names.add(resolve(path.format_map(ids).split("?", 1)[0]).view_name)
        except Resolver404:
            assert path.startswith("/bench"), f"{title}: {path} is not a page of the product"
    return names


def test_every_page_of_the_product_has_a_bench_row():
    pages = {name for name, rule in RULES.items() if rule.get is not None}
    missing = pages - _benched() - set(NO_ROW)
    assert not missing, f"pages without a bench row (bench/feature_pages): {sorted(missing)}"


def test_exemptions_name_real_pages_with_a_reason():
    pages = {name for name, rule in RULES.items() if rule.get is not None}
    assert set(NO_ROW) <= pages
    assert all(reason.strip() for reason in NO_ROW.values())
    assert not set(NO_ROW) & _benched(), "a benched page needs no exemption"
