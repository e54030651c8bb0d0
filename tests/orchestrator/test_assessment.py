"""The rubric separates strong prompts from vague ones, deterministically, and says what is missing."""
from __future__ import annotations

from promptcraft.orchestrator.assessment import assess
from tests.orchestrator.labelled_prompts import MEDIUM, STRONG, WEAK, pairs


def test_the_labelled_set_is_large_enough():
    assert len(STRONG) + len(MEDIUM) + len(WEAK) >= 60


def test_scorer_orders_labelled_pairs_correctly():
    labelled = pairs()
    correct = sum(assess(better).overall > assess(worse).overall for better, worse in labelled)
    assert correct / len(labelled) >= 0.85, f"{correct}/{len(labelled)} pairs ordered correctly"


def test_scores_are_deterministic_and_bounded():
    for text in STRONG[:5] + WEAK[:5]:
        first, second = assess(text), assess(text)
        assert first.overall == second.overall and first.scores == second.scores
        assert 0 <= first.overall <= 10 and all(0 <= s <= 10 for s in first.scores.values())


def test_suggestions_point_at_what_is_missing():
    report = assess("write something good about dogs")
    text = " ".join(report.suggestions)
    assert "format" in text and "who the result is for" in text and "“good”" in text
    complete = assess(STRONG[0])
    assert "gives the model a role" in complete.strengths and "states the task" in complete.strengths
    assert not any("role" in tip for tip in complete.suggestions)
