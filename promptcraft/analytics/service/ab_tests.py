"""A/B tests of prompt variants: deterministic sticky assignment, outcomes, and Bayesian results.

A subject (a user id, a session, anything the owner's product calls by one name) is assigned
by hashing (test id, subject), so the same subject lands on the same variant even before the
first assignment is stored; the stored row keeps it there for good. Results give each
variant's trials and rate (or mean) and the probability that it is the best one:
  - binary metrics: Beta(1 + successes, 1 + failures) posteriors (uniform prior);
  - numeric metrics: a normal approximation, the mean ~ N(sample mean, variance / n).
The probability is a Monte Carlo estimate over DRAWS joint draws, seeded by the figures so that
the same data always gives the same answer. Below `min_sample` trials for any variant the
answer is "not enough data" and no winner is named.
"""
from __future__ import annotations

import hashlib
import math
import random
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from promptcraft.analytics.models import ABAssignment, ABOutcome, ABTest, ABVariant
from promptcraft.auth.models import User
from promptcraft.db_types import utcnow
from promptcraft.errors import AppError
from promptcraft.extensions import db
from promptcraft.pagination import Page, paginate
from promptcraft.prompt_templates import service as templates

DRAWS = 10_000
DECISIVE = 0.95
KEYS = "ABCDEFGHIJ"


def create_test(user: User, data: dict[str, Any]) -> ABTest:
    """A running test of two or more variants; each variant's template must be one the user can see
    (400 naming the variant otherwise) and keys must differ."""
    variants = data["variants"]
    keys = [v.get("key") or KEYS[i] for i, v in enumerate(variants)]
    if len(set(keys)) != len(keys):
        raise AppError.invalid("Each variant needs its own key.", {"variants": ["Variant keys must be unique."]})
    for index, variant in enumerate(variants):
        if variant.get("template_id") is not None:
            try:
                templates.get_template(variant["template_id"], user)
            except AppError:
                raise AppError.invalid("A variant names a template that does not exist.", {
                    "variants": {str(index): {"template_id": ["No such template."]}}}) from None
    test = ABTest(owner_id=user.id, name=data["name"], description=data.get("description", ""),
                  metric=data["metric"], metric_type=data.get("metric_type", "binary"),
                  goal=data.get("goal", "maximize"), min_sample=data.get("min_sample", 30), status="running",
                  variants=[ABVariant(key=key, position=i, text=v.get("text"), template_id=v.get("template_id"))
                            for i, (key, v) in enumerate(zip(keys, variants, strict=True))])
    db.session.add(test)
    db.session.commit()
    return test


def get_test(user: User, test_id: int) -> ABTest:
    """A test of the user's (staff see all); anyone else's is 404."""
    test = db.session.get(ABTest, test_id)
    if test is None or (test.owner_id != user.id and not user.is_staff):
        raise AppError.not_found("A/B test")
    return test


def list_tests(user: User, *, status: str | None = None, page: int = 1, page_size: int = 20) -> Page:
    stmt = sa.select(ABTest).where(ABTest.owner_id == user.id).order_by(ABTest.created_at.desc(), ABTest.id.desc())
    if status:
        stmt = stmt.where(ABTest.status == status)
    return paginate(stmt, page, page_size)


def _bucket(test: ABTest, subject: str) -> ABVariant:
    digest = hashlib.sha256(f"{test.id}:{subject}".encode()).digest()
    return test.variants[int.from_bytes(digest[:8], "big") % len(test.variants)]


def _assignment(test_id: int, subject: str) -> ABAssignment | None:
    return db.session.scalar(sa.select(ABAssignment).where(ABAssignment.test_id == test_id,
                                                           ABAssignment.subject == subject))


def assign(user: User, test_id: int, subject: str) -> tuple[ABAssignment, ABVariant]:
    """The subject's variant: the stored one, else the hashed one, stored now. A stopped test
    still answers for subjects it already assigned, and refuses new ones (409)."""
    test = get_test(user, test_id)
    existing = _assignment(test.id, subject)
    if existing is None:
        if test.status != "running":
            raise AppError(409, "test_stopped", "This test has stopped; it assigns no new subjects.")
        existing = ABAssignment(test_id=test.id, subject=subject, variant_id=_bucket(test, subject).id)
        db.session.add(existing)
        try:
            db.session.commit()
        except IntegrityError:  # the same subject assigned by a concurrent request: keep that one
            db.session.rollback()
            existing = _assignment(test.id, subject)
    variant = next(v for v in test.variants if v.id == existing.variant_id)
    return existing, variant


def record_outcome(user: User, test_id: int, data: dict[str, Any]) -> ABOutcome:
    """One trial of a variant: `success` for binary metrics, `value` for numeric ones (400 for the
    other); 409 once the test has stopped or when the subject was assigned another variant."""
    test = get_test(user, test_id)
    variant = next((v for v in test.variants if v.key == data["variant"]), None)
    if variant is None:
        raise AppError.invalid("No such variant in this test.", {
            "variant": [f"Use one of: {', '.join(v.key for v in test.variants)}."]})
    field, other = ("success", "value") if test.metric_type == "binary" else ("value", "success")
    if data.get(field) is None or data.get(other) is not None:
        raise AppError.invalid(f"A {test.metric_type} metric takes `{field}`.", {
            field: [f"Send `{field}` (and not `{other}`) for a {test.metric_type} metric."]})
    if test.status != "running":
        raise AppError(409, "test_stopped", "This test has stopped; it takes no more outcomes.")
    subject = data.get("subject")
    if subject is not None:
        assigned = _assignment(test.id, subject)
        if assigned is not None and assigned.variant_id != variant.id:
            raise AppError.conflict("This subject was assigned another variant.", {"subject": subject})
    outcome = ABOutcome(test_id=test.id, variant=variant, subject=subject, success=data.get("success"),
                        value=data.get("value"))
    db.session.add(outcome)
    db.session.commit()
    return outcome


def stop_test(user: User, test_id: int) -> ABTest:
    """Stop a running test (stopping a stopped one changes nothing)."""
    test = get_test(user, test_id)
    if test.status == "running":
        test.status, test.stopped_at = "stopped", utcnow()
        db.session.commit()
    return test


def _figures(test: ABTest) -> dict[int, sa.Row]:
    value = sa.func.coalesce(ABOutcome.value, 0.0)
    stmt = (sa.select(ABOutcome.variant_id, sa.func.count().label("trials"),
                      sa.func.count(sa.case((ABOutcome.success.is_(True), 1))).label("successes"),
                      sa.func.sum(value).label("total"), sa.func.sum(value * value).label("squares"))
            .where(ABOutcome.test_id == test.id).group_by(ABOutcome.variant_id))
    return {row.variant_id: row for row in db.session.execute(stmt)}


def _assigned(test: ABTest) -> dict[int, int]:
    stmt = (sa.select(ABAssignment.variant_id, sa.func.count()).where(ABAssignment.test_id == test.id)
            .group_by(ABAssignment.variant_id))
    return dict(db.session.execute(stmt).tuples().all())


def probability_best(samplers: list, sign: float, rng: random.Random, draws: int = DRAWS) -> list[float]:
    """P(each arm is best) from `draws` joint draws; ties share the win."""
    wins = [0.0] * len(samplers)
    for _ in range(draws):
        values = [sign * sample(rng) for sample in samplers]
        best = max(values)
        leaders = [i for i, v in enumerate(values) if v == best]
        for i in leaders:
            wins[i] += 1 / len(leaders)
    return [round(w / draws, 4) for w in wins]


def _arm(test: ABTest, row: sa.Row | None) -> tuple[dict[str, Any], Any]:
    trials = row.trials if row else 0
    if test.metric_type == "binary":
        successes = row.successes if row else 0
        stats = {"trials": trials, "successes": successes, "rate": round(successes / trials, 4) if trials else None,
                 "mean": None, "std": None}
        return stats, lambda rng, a=1 + successes, b=1 + trials - successes: rng.betavariate(a, b)
    mean = row.total / trials if trials else None
    variance = max(0.0, (row.squares - trials * mean * mean) / (trials - 1)) if trials > 1 else 0.0
    stats = {"trials": trials, "successes": None, "rate": None,
             "mean": None if mean is None else round(mean, 6), "std": round(math.sqrt(variance), 6)}
    spread = math.sqrt(variance / trials) if trials else 0.0
    return stats, lambda rng, m=mean or 0.0, s=spread: rng.gauss(m, s)


def results(user: User, test_id: int) -> dict[str, Any]:
    """Per variant: assigned subjects, trials, successes and rate (or mean and spread); then the
    winner with its probability of being best, or "not enough data"."""
    test = get_test(user, test_id)
    figures, assigned = _figures(test), _assigned(test)
    arms = [(variant, *_arm(test, figures.get(variant.id))) for variant in test.variants]
    short = [variant.key for variant, stats, _ in arms if stats["trials"] < test.min_sample]
    enough = not short
    if enough:
        seed = f"{test.id}:" + ",".join(f"{s['trials']}/{s['successes']}/{s['mean']}/{s['std']}" for _, s, _ in arms)
        sign = 1.0 if test.goal == "maximize" else -1.0
        chances = probability_best([sampler for *_, sampler in arms], sign, random.Random(seed))
    else:
        chances = [None] * len(arms)
    variants = [{"variant_id": v.id, "key": v.key, "text": v.text, "template_id": v.template_id,
                 "assigned": assigned.get(v.id, 0), **stats, "probability_best": chance}
                for (v, stats, _), chance in zip(arms, chances, strict=True)]
    winner = None
    if enough:
        best = max(variants, key=lambda item: item["probability_best"])
        winner = {"key": best["key"], "variant_id": best["variant_id"], "probability_best": best["probability_best"],
                  "decisive": best["probability_best"] >= DECISIVE}
        message = (f"{best['key']} is best with probability {best['probability_best']:.1%}"
                   + ("." if winner["decisive"] else f"; not yet {DECISIVE:.0%} sure."))
    else:
        message = (f"Not enough data: each variant needs {test.min_sample} trials "
                   f"({', '.join(short)} {'has' if len(short) == 1 else 'have'} fewer).")
    return {"test_id": test.id, "name": test.name, "status": test.status, "metric": test.metric,
            "metric_type": test.metric_type, "goal": test.goal, "min_sample": test.min_sample,
            "state": "ready" if enough else "not_enough_data", "message": message, "winner": winner,
            "draws": DRAWS if enough else 0, "variants": variants}
