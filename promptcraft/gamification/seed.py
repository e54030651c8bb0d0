"""`flask seed`: the achievement definitions and the daily challenge pool (idempotent, by code)."""
from __future__ import annotations

import sqlalchemy as sa

from promptcraft.extensions import db
from promptcraft.gamification.models import Achievement, ChallengeDefinition

REWARDS = {"bronze": (25, 10), "silver": (75, 25), "gold": (200, 50)}  # tier -> (xp, credits)

# family, metric, [(tier name, threshold)] for bronze, silver, gold, and what one unit is.
FAMILIES = [
    ("author", "templates_created", ["First Draft", "Prolific Author", "Library Builder"], (1, 10, 50),
     "Create {n} template{s} of your own."),
    ("critic", "templates_rated", ["First Review", "Thoughtful Critic", "Trusted Reviewer"], (1, 10, 50),
     "Rate {n} template{s} by other writers."),
    ("crowd", "ratings_received", ["Noticed", "Well Regarded", "Crowd Favourite"], (1, 10, 50),
     "Receive {n} rating{s} from other users on your templates."),
    ("reach", "uses_received", ["Useful", "In Demand", "Everywhere"], (5, 50, 500),
     "Have your templates used {n} time{s} by other users."),
    ("builder", "askme_finished", ["Guided Start", "Question Master", "Prompt Architect"], (1, 10, 50),
     "Finish {n} AskMe session{s}."),
    ("precision", "askme_high_scores", ["Sharp Prompt", "Sharp Eye", "Precision Engineer"], (1, 5, 25),
     "Finish {n} AskMe session{s} whose prompt scores 8/10 or more."),
    ("talker", "chat_turns", ["Conversation Starter", "Chatterbox", "Dialogue Master"], (10, 100, 1000),
     "Complete {n} chat turn{s}."),
    ("historian", "prompts_recorded", ["Record Keeper", "Archivist", "Chronicler"], (5, 50, 500),
     "Record {n} prompt run{s} in your history."),
    ("streak", "longest_streak", ["Three in a Row", "Week Warrior", "Unstoppable"], (3, 7, 30),
     "Keep a streak of {n} day{s}."),
    ("challenger", "challenges_completed", ["Challenge Accepted", "Challenge Seeker", "Challenge Champion"],
     (1, 10, 50), "Complete {n} daily challenge{s}."),
]

CHALLENGES = [
    ("write-template", "Write a template", "Create one new template today.", "template_created", 1, 30),
    ("rate-two", "Two reviews", "Rate two templates by other writers today.", "template_rated", 2, 20),
    ("use-three", "Try three templates", "Use three different templates today.", "template_used", 3, 20),
    ("chat-five", "Five turns", "Complete five chat turns today.", "chat_turn", 5, 20),
    ("chat-ten", "Deep conversation", "Complete ten chat turns today.", "chat_turn", 10, 35),
    ("askme-one", "Guided prompt", "Finish an AskMe session today.", "askme_finished", 1, 30),
    ("askme-sharp", "Sharp prompt", "Finish an AskMe session whose prompt scores 8/10 or more.",
     "askme_high_score", 1, 40),
    ("record-three", "Keep a record", "Record three prompt runs in your history today.", "prompt_recorded", 3, 20),
    ("record-one", "One for the record", "Record a prompt run in your history today.", "prompt_recorded", 1, 10),
]


def achievement_rows() -> list[dict]:
    rows = []
    for position, (family, metric, names, thresholds, text) in enumerate(FAMILIES):
        for tier_index, (tier, name, threshold) in enumerate(zip(REWARDS, names, thresholds, strict=True)):
            xp, credits = REWARDS[tier]
            rows.append({"code": f"{family}-{tier}", "name": name, "family": family, "tier": tier, "metric": metric,
                         "threshold": threshold, "xp_reward": xp, "credit_reward": credits,
                         "description": text.format(n=threshold, s="" if threshold == 1 else "s"),
                         "position": position * 3 + tier_index})
    return rows


def run() -> dict[str, int]:
    known = set(db.session.scalars(sa.select(Achievement.code)))
    achievements = [Achievement(**row) for row in achievement_rows() if row["code"] not in known]
    known = set(db.session.scalars(sa.select(ChallengeDefinition.code)))
    challenges = [ChallengeDefinition(code=code, title=title, description=description, kind=kind, target=target,
                                      xp_reward=xp)
                  for code, title, description, kind, target, xp in CHALLENGES if code not in known]
    db.session.add_all(achievements + challenges)
    db.session.commit()
    return {"achievements": len(achievements), "daily challenges": len(challenges)}
