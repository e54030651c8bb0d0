"""Bad input to the gamification API: a 4xx in the error envelope, and nothing changes."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("url", ["/api/v2/gamification/achievements/?unlocked=perhaps",
                                 "/api/v2/gamification/achievements/?page=0",
                                 "/api/v2/gamification/badges/?page_size=101",
                                 "/api/v2/gamification/leaderboard/?period="])
def test_bad_queries_are_400(client, auth, user, url):
    response = client.get(url, headers=auth.headers(user))
    assert response.status_code == 400 and response.json["error"]["code"] == "validation_error"


def test_claim_paths_outside_the_id_range_are_404(client, auth, user, grants):
    headers = auth.headers(user)
    for achievement_id in ("0", "-1", "abc", str(2**31)):
        assert client.post(f"/api/v2/gamification/achievements/{achievement_id}/claim/",
                           headers=headers).status_code == 404
    assert [row.reason for row in grants(user)] == ["daily_activity"]


def test_a_freeze_body_that_is_not_json_is_refused(client, auth, user):
    headers = auth.headers(user)
    response = client.post("/api/v2/gamification/streak/freeze/", data="day=2026-01-01", headers=headers,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    broken = client.post("/api/v2/gamification/streak/freeze/", data="{", headers=headers,
                         content_type="application/json")
    assert broken.status_code == 400 and broken.json["error"]["code"] == "invalid_json"


def test_every_endpoint_answers_without_a_trailing_slash(client, auth, user, seeded):
    headers = auth.headers(user)
    for name in ("achievements", "badges", "leaderboard", "daily-challenges", "user-level", "streak"):
        assert client.get(f"/api/v2/gamification/{name}", headers=headers).status_code == 200, name
