"""Who the load run's simulated users are (shared by bench.sessions and the locustfile)."""

from __future__ import annotations


def staff_usernames(schools: int, count: int) -> list[str]:
    """School staff spread over the city (every 37th school, wrapping)."""
    return [f"s{(n * 37) % schools + 1:05d}.staff" for n in range(1, count + 1)]


def official_usernames(counties: int, count: int) -> list[str]:
    """The city official and the county officials, in turn."""
    return [
        "city.official" if n % (counties + 1) == 0 else f"c{n % (counties + 1):02d}.official"
        for n in range(count)
    ]
