"""The one level curve and the named ranks.

Going from level L to L + 1 costs `STEP * L` XP (100, 200, 300, ...), so reaching level L takes
`STEP * L * (L - 1) / 2` XP in total: each level asks a little more than the one before.
"""
from __future__ import annotations

from math import isqrt

STEP = 100

# (first level of the rank, its name), in order.
RANKS: list[tuple[int, str]] = [
    (1, "Prompt Novice"),
    (3, "Prompt Apprentice"),
    (5, "Prompt Crafter"),
    (8, "Prompt Artisan"),
    (12, "Prompt Expert"),
    (17, "Prompt Master"),
    (23, "Prompt Virtuoso"),
    (30, "Prompt Legend"),
]


def xp_for_level(level: int) -> int:
    """Total XP needed to reach `level` (level 1 needs none)."""
    return STEP * level * (level - 1) // 2


def level_for_xp(xp: int) -> int:
    """The highest level whose total is at most `xp`."""
    xp = max(0, int(xp))
    level = max(1, (1 + isqrt(1 + 8 * xp // STEP)) // 2)
    while xp_for_level(level + 1) <= xp:  # integer square roots round down; settle exactly
        level += 1
    while level > 1 and xp_for_level(level) > xp:
        level -= 1
    return level


def rank_for_level(level: int) -> str:
    name = RANKS[0][1]
    for first_level, rank in RANKS:
        if level >= first_level:
            name = rank
    return name


def next_rank(level: int) -> tuple[int, str] | None:
    """The next rank up and the level it starts at, or None at the top."""
    return next(((first, name) for first, name in RANKS if first > level), None)


def progress(xp: int) -> dict:
    """Level, rank and the way to the next level for a total of `xp`."""
    level = level_for_xp(xp)
    floor, ceiling = xp_for_level(level), xp_for_level(level + 1)
    upcoming = next_rank(level)
    return {
        "xp": xp,
        "level": level,
        "rank": rank_for_level(level),
        "level_xp": floor,
        "next_level_xp": ceiling,
        "xp_into_level": xp - floor,
        "xp_to_next": ceiling - xp,
        "progress": round((xp - floor) / (ceiling - floor), 4),
        "next_rank": upcoming[1] if upcoming else None,
        "next_rank_level": upcoming[0] if upcoming else None,
    }
