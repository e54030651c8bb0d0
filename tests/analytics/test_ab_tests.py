"""ab-tests/: variants, sticky deterministic assignment, outcomes, Bayesian results, stop."""
from __future__ import annotations

import pytest

from promptcraft.analytics.service.ab_tests import probability_best

BASE = "/api/v2/analytics/ab-tests/"


@pytest.fixture
def headers(auth, user):
    return auth.headers(user)


def _create(client, headers, **fields):
    body = {"name": "Subject lines", "metric": "email opened", "min_sample": 20,
            "variants": [{"text": "Short and direct"}, {"text": "Long and friendly"}], **fields}
    response = client.post(BASE, json=body, headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def _outcomes(client, headers, test_id, variant, successes, failures):
    for success in [True] * successes + [False] * failures:
        response = client.post(f"{BASE}{test_id}/outcomes/", json={"variant": variant, "success": success},
                               headers=headers)
        assert response.status_code == 201, response.json


def test_create_a_test_of_texts_and_templates(client, headers, make_template):
    template_id = make_template(owner=None)
    test = _create(client, headers, variants=[{"text": "Plain"}, {"template_id": template_id, "key": "lib"}],
                   metric_type="binary")
    assert [(v["key"], v["text"], v["template_id"]) for v in test["variants"]] == [
        ("A", "Plain", None), ("lib", None, template_id)]
    assert (test["status"], test["goal"], test["min_sample"]) == ("running", "maximize", 20)
    listed = client.get(BASE, headers=headers).json
    assert listed["count"] == 1 and listed["results"][0]["id"] == test["id"]
    assert client.get(f"{BASE}{test['id']}/", headers=headers).json["name"] == "Subject lines"


@pytest.mark.parametrize("variants, field", [
    ([{"text": "only one"}], "variants"),
    ([{"text": "a"}, {"text": "b", "template_id": 1}], "variants"),
    ([{"text": "a"}, {}], "variants"),
    ([{"text": "a", "key": "X"}, {"text": "b", "key": "X"}], "variants"),
    ([{"text": "a"}, {"template_id": 999_999}], "variants"),
    ([{"text": "a"}] * 11, "variants"),
])
def test_create_refuses_bad_variants(client, headers, variants, field):
    response = client.post(BASE, json={"name": "t", "metric": "m", "variants": variants}, headers=headers)
    assert response.status_code == 400
    assert field in response.json["error"]["details"]["fields"]
    assert client.get(BASE, headers=headers).json["count"] == 0


def test_a_private_template_of_someone_else_cannot_be_a_variant(client, headers, make_user, make_template):
    other = make_user(username="zed", email="zed@example.test")
    hidden = make_template(owner=other, is_public=False)
    body = {"name": "t", "metric": "m", "variants": [{"text": "a"}, {"template_id": hidden}]}
    response = client.post(BASE, json=body, headers=headers)
    assert response.status_code == 400


def test_assignment_is_deterministic_sticky_and_spread(client, headers):
    test = _create(client, headers, variants=[{"text": "a"}, {"text": "b"}, {"text": "c"}])
    url = f"{BASE}{test['id']}/assign/"
    first = {f"user-{i}": client.post(url, json={"subject": f"user-{i}"}, headers=headers).json["variant"]["key"]
             for i in range(90)}
    again = {s: client.post(url, json={"subject": s}, headers=headers).json["variant"]["key"] for s in first}
    assert again == first
    counts = {key: list(first.values()).count(key) for key in "ABC"}
    assert all(15 <= n <= 45 for n in counts.values()), counts
    results = client.get(f"{BASE}{test['id']}/results/", headers=headers).json
    assert {v["key"]: v["assigned"] for v in results["variants"]} == counts


def test_results_say_not_enough_data_below_the_minimum(client, headers):
    test = _create(client, headers)
    _outcomes(client, headers, test["id"], "A", 15, 5)
    _outcomes(client, headers, test["id"], "B", 3, 2)
    results = client.get(f"{BASE}{test['id']}/results/", headers=headers).json
    assert results["state"] == "not_enough_data" and results["winner"] is None
    assert "20 trials" in results["message"] and "B has fewer" in results["message"]
    a, b = results["variants"]
    assert (a["trials"], a["successes"], a["rate"], a["probability_best"]) == (20, 15, 0.75, None)
    assert (b["trials"], b["successes"], b["rate"]) == (5, 3, 0.6)


def test_results_name_the_winner_with_its_probability(client, headers):
    test = _create(client, headers)
    _outcomes(client, headers, test["id"], "A", 18, 12)
    _outcomes(client, headers, test["id"], "B", 27, 3)
    results = client.get(f"{BASE}{test['id']}/results/", headers=headers).json
    assert results["state"] == "ready" and results["draws"] == 10_000
    assert results["winner"]["key"] == "B" and results["winner"]["decisive"] is True
    a, b = results["variants"]
    assert b["probability_best"] > 0.99 and a["probability_best"] == pytest.approx(1 - b["probability_best"])
    assert (a["rate"], b["rate"]) == (0.6, 0.9)
    assert client.get(f"{BASE}{test['id']}/results/", headers=headers).json == results  # same data, same answer


def test_close_results_are_not_decisive():
    import random

    samplers = [lambda rng: rng.betavariate(1 + 50, 1 + 50), lambda rng: rng.betavariate(1 + 52, 1 + 48)]
    a, b = probability_best(samplers, 1.0, random.Random("x"))
    assert 0.55 < b < 0.8 and a + b == pytest.approx(1)


def test_numeric_metric_uses_means_and_can_prefer_lower(client, headers):
    test = _create(client, headers, metric="seconds to answer", metric_type="numeric", goal="minimize", min_sample=5)
    url = f"{BASE}{test['id']}/outcomes/"
    for value in (10.0, 12.0, 11.0, 9.0, 13.0):
        assert client.post(url, json={"variant": "A", "value": value}, headers=headers).status_code == 201
    for value in (6.0, 7.0, 5.5, 6.5, 7.5):
        assert client.post(url, json={"variant": "B", "value": value}, headers=headers).status_code == 201
    results = client.get(f"{BASE}{test['id']}/results/", headers=headers).json
    a, b = results["variants"]
    assert (a["mean"], b["mean"]) == (11.0, 6.5)
    assert a["std"] == pytest.approx(1.581139, abs=1e-5)
    assert results["winner"]["key"] == "B" and results["winner"]["probability_best"] > 0.99
    assert a["rate"] is None and a["successes"] is None


def test_outcomes_must_fit_the_metric_and_the_variant(client, headers):
    binary = _create(client, headers)
    numeric = _create(client, headers, metric_type="numeric")
    cases = [
        (binary, {"variant": "A", "value": 1.0}), (binary, {"variant": "A"}),
        (binary, {"variant": "A", "success": True, "value": 2.0}), (binary, {"variant": "Z", "success": True}),
        (numeric, {"variant": "A", "success": True}), (numeric, {"variant": "A", "value": "3"}),
        (numeric, {"variant": "A", "value": 1e300}),
    ]
    for test, body in cases:
        response = client.post(f"{BASE}{test['id']}/outcomes/", json=body, headers=headers)
        assert response.status_code == 400, body
    for test in (binary, numeric):
        assert all(v["trials"] == 0 for v in client.get(f"{BASE}{test['id']}/results/", headers=headers
                                                        ).json["variants"])


def test_an_outcome_for_a_subject_must_match_its_assignment(client, headers):
    test = _create(client, headers)
    key = client.post(f"{BASE}{test['id']}/assign/", json={"subject": "s1"}, headers=headers).json["variant"]["key"]
    other = "B" if key == "A" else "A"
    wrong = client.post(f"{BASE}{test['id']}/outcomes/", json={"variant": other, "success": True, "subject": "s1"},
                        headers=headers)
    assert wrong.status_code == 409
    right = client.post(f"{BASE}{test['id']}/outcomes/", json={"variant": key, "success": True, "subject": "s1"},
                        headers=headers)
    assert right.status_code == 201 and right.json["subject"] == "s1" and right.json["variant"] == key


def test_a_stopped_test_keeps_assignments_and_refuses_new_work(client, headers):
    test = _create(client, headers)
    url = f"{BASE}{test['id']}"
    kept = client.post(f"{url}/assign/", json={"subject": "early"}, headers=headers).json["variant"]
    stopped = client.post(f"{url}/stop/", headers=headers)
    assert stopped.status_code == 200 and stopped.json["status"] == "stopped" and stopped.json["stopped_at"]
    assert client.post(f"{url}/stop/", headers=headers).json["stopped_at"] == stopped.json["stopped_at"]
    assert client.post(f"{url}/assign/", json={"subject": "early"}, headers=headers).json["variant"] == kept
    late = client.post(f"{url}/assign/", json={"subject": "late"}, headers=headers)
    assert late.status_code == 409 and late.json["error"]["code"] == "test_stopped"
    assert client.post(f"{url}/outcomes/", json={"variant": "A", "success": True}, headers=headers).status_code == 409
    assert client.get(f"{url}/results/", headers=headers).json["status"] == "stopped"
    assert client.get(BASE + "?status=running", headers=headers).json["count"] == 0


def test_tests_are_private_to_their_owner_and_staff(client, auth, headers, make_user, staff):
    test = _create(client, headers)
    other = auth.headers(make_user(username="eve", email="eve@example.test"))
    for method, path, body in [("get", "/", None), ("get", "/results/", None), ("post", "/assign/", {"subject": "x"}),
                               ("post", "/outcomes/", {"variant": "A", "success": True}), ("post", "/stop/", None)]:
        response = getattr(client, method)(f"{BASE}{test['id']}{path}", json=body, headers=other)
        assert response.status_code == 404, path
    assert client.get(f"{BASE}{test['id']}/results/", headers=auth.headers(staff)).status_code == 200
    assert client.get(BASE, headers=other).json["count"] == 0
