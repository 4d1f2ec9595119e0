"""Values a page may take from the shared cache (Redis when several nodes run) instead of the
database. The cache is only a shortcut: when it cannot be reached the value is computed, so a
page still renders with Redis down (tests/safety/test_faults.py walks every page so)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache

logger = logging.getLogger(__name__)


def new_version(key: str) -> None:
    """Start a new version of the values cached under `key`'s token (a random token, not a
    counter: an evicted token can never bring back values cached under an earlier one). A
    cache that cannot be reached is logged; its values expire by their timeout."""
    try:
        cache.set(key, uuid.uuid4().hex, timeout=None)
    except Exception:  # noqa: BLE001 - any cache backend's connection error
        logger.warning("cache unreachable: version %s not renewed", key)


def read_through(version_key: str, key: str, compute: Callable[[], Any], timeout: int) -> Any:
    """The value cached as `key` under the current token of `version_key`, or `compute()`
    (stored for `timeout` seconds). `compute()` alone when the cache cannot be reached."""
    try:
        version = cache.get(version_key)
        if version is None:
            cache.add(version_key, uuid.uuid4().hex, timeout=None)
            version = cache.get(version_key)
        versioned = f"{key}:{version}"
        value = cache.get(versioned)
    except Exception:  # noqa: BLE001 - any cache backend's connection error
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(versioned, value, timeout=timeout)
        except Exception:  # noqa: BLE001
            logger.warning("cache unreachable: %s not stored", key)
    return value
