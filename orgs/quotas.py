"""Which posts a titled 职数 covers (核定职数 named by post title).

A quota may name one post ("局长") or several in the way 编制 documents write them:
"党（工）委书记、乡镇长（主任）" — two posts of one 领导职务层次, in the usual shorthand:

- "、" (or "，"、"；"、"/") separates posts;
- a bracket inside a title is an optional insertion: "党（工）委书记" is 党委书记 or 党工委书记;
- a bracket at the end is an alternative name: "乡镇长（主任）" is 乡镇长 or 主任 (街道办事处);
- a leading "乡镇" means either: "乡镇长" is 乡长 or 镇长.

A post is covered when its title is one of these names or ends with one after a qualifier
("办事处主任" ends with "主任") that does not make it a deputy ("副镇长", "常务副镇长" are not
镇长). Holders are also counted only within the quota's unit and 领导职务层次. docs/rules.md
(职数).
"""

from __future__ import annotations

import re
from functools import lru_cache

_SEPARATORS = re.compile(r"[、，,；;/]")
_BRACKET = re.compile(r"[（(]([^）)]*)[）)]")


def _names_of_part(part: str) -> set[str]:
    part = part.strip()
    if not part:
        return set()
    names: set[str] = set()
    trailing = re.fullmatch(r"(.+?)[（(]([^）)]+)[）)]", part)
    if trailing and not _BRACKET.search(trailing.group(1)):
        # "乡镇长（主任）": the title, or the name in brackets instead.
        names |= _names_of_part(trailing.group(1))
        names.add(trailing.group(2).strip())
        return names
    match = _BRACKET.search(part)
    if match:
        # "党（工）委书记": without the insertion and with it.
        head, insert, tail = part[: match.start()], match.group(1), part[match.end() :]
        return _names_of_part(head + tail) | _names_of_part(head + insert + tail)
    names.add(part)
    if part.startswith("乡镇") and len(part) > 2:
        names |= {"乡" + part[2:], "镇" + part[2:]}
    return names


@lru_cache(maxsize=4096)
def quota_post_titles(title: str) -> frozenset[str]:
    """The post titles a quota's title names (empty for an untitled quota)."""
    names: set[str] = set()
    for part in _SEPARATORS.split(title or ""):
        names |= _names_of_part(part)
    return frozenset(n for n in names if n)


def covers(quota_title: str, post_title: str) -> bool:
    """True when a post titled ``post_title`` fills the titled quota ``quota_title``."""
    post_title = (post_title or "").strip()
    if not post_title:
        return False
    for name in quota_post_titles(quota_title):
        if post_title == name:
            return True
        if post_title.endswith(name) and "副" not in post_title[: -len(name)]:
            return True
    return False
