"""Gamification: an XP ledger fed by other domains' signals, levels, achievements, streaks."""
