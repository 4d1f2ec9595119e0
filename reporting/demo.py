"""Kept for `seed_demo` (owned by the tools package): the incident demo data lives in
reporting.incidents.demo."""

from .incidents.demo import seed  # noqa: F401
