"""The level curve: each level costs more than the one before; ranks by level, "Prompt Novice" first."""
from __future__ import annotations

from itertools import pairwise

import pytest

from promptcraft.auth.models import FIRST_RANK
from promptcraft.gamification.service import curve


def test_each_level_costs_more_than_the_one_before():
    steps = [curve.xp_for_level(level + 1) - curve.xp_for_level(level) for level in range(1, 40)]
    assert steps[:3] == [100, 200, 300]
    assert all(later > earlier for earlier, later in pairwise(steps))


@pytest.mark.parametrize(("xp", "level"), [(0, 1), (99, 1), (100, 2), (299, 2), (300, 3), (599, 3), (600, 4),
                                           (4499, 9), (4500, 10), (10**7, 447)])
def test_level_for_xp_is_the_highest_level_reached(xp, level):
    assert curve.level_for_xp(xp) == level
    assert curve.xp_for_level(level) <= xp < curve.xp_for_level(level + 1)


def test_ranks_are_named_by_level_and_start_with_prompt_novice():
    assert curve.rank_for_level(1) == FIRST_RANK == "Prompt Novice"
    assert curve.rank_for_level(3) == "Prompt Apprentice"
    assert curve.rank_for_level(7) == "Prompt Crafter"
    assert curve.rank_for_level(100) == "Prompt Legend"


def test_progress_reports_the_way_to_the_next_level():
    figures = curve.progress(350)
    assert figures["level"] == 3 and figures["rank"] == "Prompt Apprentice"
    assert figures["xp_into_level"] == 50 and figures["xp_to_next"] == 250 and figures["progress"] == round(50 / 300, 4)
    assert figures["next_rank"] == "Prompt Crafter" and figures["next_rank_level"] == 5
