"""Sort keys for names: units and people in pinyin order, as Chinese readers expect.

Computed in Python (pypinyin) and stored where lists are long, so the order is the same on
SQLite and PostgreSQL without ICU collations (docs/decisions.md, "Pinyin order").
"""

from __future__ import annotations

import re

from pypinyin import Style, lazy_pinyin

from .surnames import COMPOUND_SURNAME_READINGS, SINGLE_SURNAME_READINGS

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def name_sort_key(name: str) -> str:
    """A key that sorts Chinese names in pinyin order (Latin letters and digits kept)."""
    return " ".join(lazy_pinyin(name, style=Style.TONE3)).lower()


def person_name_sort_key(name: str) -> str:
    """A key that sorts people's names in pinyin order with the surname read as a surname:
    曾 zeng, 单 shan, 解 xie; a compound surname (欧阳, 尉迟, 万俟…) is the first two
    characters. The given name is read on its own, so no phrase spans the surname. A name that
    does not start with a Chinese character sorts as `name_sort_key` does."""
    name = name.strip()
    if not _HAN.match(name):
        return name_sort_key(name)
    if name[:2] in COMPOUND_SURNAME_READINGS:
        surname, given = list(COMPOUND_SURNAME_READINGS[name[:2]]), name[2:]
    elif name[0] in SINGLE_SURNAME_READINGS:
        surname, given = [SINGLE_SURNAME_READINGS[name[0]]], name[1:]
    else:
        surname, given = lazy_pinyin(name[0], style=Style.TONE3), name[1:]
    return " ".join([*surname, *lazy_pinyin(given, style=Style.TONE3)]).lower()
