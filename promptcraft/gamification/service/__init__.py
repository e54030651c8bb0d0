"""Gamification use cases, one module each; the API and the pages call these names."""
from __future__ import annotations

from promptcraft.gamification.service import achievements, activity, challenges, curve, leaderboard, ledger, streak
from promptcraft.gamification.service.profile import level_of, stats

__all__ = ["achievements", "activity", "challenges", "curve", "leaderboard", "ledger", "level_of", "stats",
           "streak"]
