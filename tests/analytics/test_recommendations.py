"""recommendations/: templates with a reason each; never the caller's own or already used ones."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from promptcraft.analytics.service.recommendations import rising
from promptcraft.db_types import utcnow
from promptcraft.prompt_templates.models import Template, TemplateRating, TemplateUsage

URL = "/api/v2/analytics/recommendations/"


def _use(db, template_id, user_id, count=1, days_ago=0):
    db.session.add_all([TemplateUsage(template_id=template_id, user_id=user_id, kind="render",
                                      created_at=utcnow() - timedelta(days=days_ago)) for _ in range(count)])
    db.session.commit()


def _rated(db, template_id, average, count, uses):
    db.session.execute(sa.update(Template).where(Template.id == template_id)
                       .values(rating_avg=average, rating_count=count, usage_count=uses))
    db.session.commit()


def _reasons(client, auth, user, limit=10):
    response = client.get(URL + f"?limit={limit}", headers=auth.headers(user))
    assert response.status_code == 200
    return {item["template"]["id"]: item["reason"] for item in response.json["results"]}


def test_cold_start_recommends_well_rated_popular_templates(client, auth, db, user, make_template):
    best = make_template(owner=None, title="Best")
    fine = make_template(owner=None, title="Fine")
    single = make_template(owner=None, title="One perfect rating")
    own = make_template(owner=user, title="Mine")
    private = make_template(owner=None, title="Hidden", is_public=False)
    _rated(db, best, 4.8, 40, 500)
    _rated(db, fine, 4.0, 10, 100)
    _rated(db, single, 5.0, 1, 2)
    reasons = _reasons(client, auth, user)
    assert list(reasons)[:3] == [best, fine, single]  # one 5-star rating counts for less than forty 4.8s
    assert reasons[best] == {"kind": "popular", "text": "Popular: rated 4.8 by 40, used 500 times",
                             "figures": {"average_rating": 4.8, "ratings": 40, "uses": 500}}
    assert own not in reasons and private not in reasons


def test_because_you_used_picks_the_same_category_and_skips_used_ones(client, auth, db, user, make_template):
    used = make_template(owner=None, title="Python tests", category="coding")
    sibling = make_template(owner=None, title="Python docs", category="coding")
    make_template(owner=None, title="Poem", category="creative-writing")
    _use(db, used, user.id)
    reasons = _reasons(client, auth, user, limit=1)
    assert list(reasons) == [sibling]
    assert reasons[sibling]["kind"] == "because_you_used"
    assert reasons[sibling]["text"] == "Because you used “Python tests”"
    assert used not in _reasons(client, auth, user)


def test_rated_highly_by_people_who_use_what_you_use(client, auth, db, user, make_user, make_template):
    shared = make_template(owner=None, title="Shared", category="coding")
    liked = make_template(owner=None, title="Liked", category="marketing")
    disliked = make_template(owner=None, title="Disliked", category="marketing")
    _use(db, shared, user.id)
    neighbours = [make_user(username=f"n{i}", email=f"n{i}@example.test") for i in range(2)]
    for neighbour in neighbours:
        _use(db, shared, neighbour.id)
        db.session.add_all([TemplateRating(template_id=liked, user_id=neighbour.id, score=5),
                            TemplateRating(template_id=disliked, user_id=neighbour.id, score=2)])
    db.session.commit()
    reasons = _reasons(client, auth, user)
    assert reasons[liked] == {"kind": "rated_by_similar_users", "text": "Rated 5.0 by 2 people who use what you use",
                              "figures": {"average_rating": 5.0, "raters": 2}}
    assert reasons.get(disliked, {}).get("kind") != "rated_by_similar_users"


def test_rising_templates_in_the_caller_s_categories(client, auth, db, user, make_user, make_template):
    seed = make_template(owner=None, title="Seed", category="coding")
    hot = make_template(owner=None, title="Hot", category="coding")
    _use(db, seed, user.id, days_ago=30)
    other = make_user(username="other", email="o@example.test")
    _use(db, hot, other.id, count=5, days_ago=1)
    _use(db, hot, other.id, count=1, days_ago=10)
    # "because you used" names the same template first; the rising source on its own:
    picks = rising(user.id, 5)
    category = db.session.get(Template, hot).category
    assert [(t.id, reason["text"]) for t, reason in picks] == [
        (hot, f"Rising in {category.name}: 5 uses this week, 1 the week before")]
    assert picks[0][1]["figures"] == {"category": "coding", "this_week": 5, "last_week": 1}


def test_limit_is_validated(client, auth, user):
    assert client.get(URL + "?limit=0", headers=auth.headers(user)).status_code == 400
    assert client.get(URL + "?limit=51", headers=auth.headers(user)).status_code == 400
