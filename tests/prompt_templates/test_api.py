"""The library over HTTP: status codes, envelopes, ownership, pagination, import/export."""
from __future__ import annotations

import json

import pytest

NEW = {"title": "Release notes", "content": "Write release notes for {{version}} covering {{changes}}.",
       "description": "From a changelog to notes users read.", "category": "documentation", "tags": ["release"],
       "variables": [{"name": "version", "description": "e.g. 2.1"}]}


@pytest.fixture
def headers(auth, user):
    return auth.headers(user)


def create(client, headers, **overrides):
    response = client.post("/api/v2/templates/", headers=headers, json={**NEW, **overrides})
    assert response.status_code == 201, response.json
    return response.json


def test_create_read_update_delete(client, headers, categories):
    created = create(client, headers)
    assert created["owner"]["username"] == "ada" and created["version"] == 1
    assert [v["name"] for v in created["variables"]] == ["version", "changes"]
    assert created["variables"][1]["required"] is True
    url = f"/api/v2/templates/{created['id']}/"
    assert client.get(url).json["title"] == "Release notes"
    patched = client.patch(url, headers=headers, json={"content": "Notes for {{version}}."})
    assert patched.status_code == 200 and patched.json["version"] == 2
    replaced = client.put(url, headers=headers, json={**NEW, "title": "Changelog"})
    assert replaced.json["title"] == "Changelog" and replaced.json["version"] == 3
    assert client.delete(url, headers=headers).status_code == 204
    assert client.get(url).status_code == 404


def test_create_needs_a_user_and_valid_fields(client, headers, categories):
    assert client.post("/api/v2/templates/", json=NEW).status_code == 401
    bad = client.post("/api/v2/templates/", headers=headers, json={"title": "", "content": "x", "tags": ["a"] * 11})
    assert bad.status_code == 400
    assert {"title", "tags"} <= set(bad.json["error"]["details"]["fields"])
    unknown = client.post("/api/v2/templates/", headers=headers, json={**NEW, "category": "no-such"})
    assert unknown.status_code == 400 and "category" in unknown.json["error"]["details"]["fields"]


def test_private_is_404_and_others_public_is_403(client, auth, headers, make_user, categories):
    private = create(client, headers, is_public=False)
    public = create(client, headers)
    bob = auth.headers(make_user(username="bob", email="bob@example.test"))
    assert client.get(f"/api/v2/templates/{private['id']}/", headers=bob).status_code == 404
    assert client.get(f"/api/v2/templates/{private['id']}/").status_code == 404
    assert client.patch(f"/api/v2/templates/{public['id']}/", headers=bob, json={"title": "x"}).status_code == 403
    assert client.delete(f"/api/v2/templates/{public['id']}/", headers=bob).status_code == 403
    listed = client.get("/api/v2/templates/", headers=bob).json
    assert [t["id"] for t in listed["results"]] == [public["id"]]


def test_list_filters_ordering_and_pagination(client, headers, library):
    page = client.get("/api/v2/templates/?category=coding&page_size=5&ordering=title").json
    assert set(page) == {"results", "count", "count_capped", "page", "pages"}
    assert page["count"] > 5 and len(page["results"]) == 5 and page["pages"] == -(-page["count"] // 5)
    names = [t["title"] for t in page["results"]]
    assert names == sorted(names)
    assert all(t["category"]["slug"] == "coding" for t in page["results"])
    assert "content" not in page["results"][0] and "content_preview" in page["results"][0]
    create(client, headers)
    mine = client.get("/api/v2/templates/?owner=me", headers=headers).json
    assert [t["title"] for t in mine["results"]] == ["Release notes"]
    tagged = client.get("/api/v2/templates/?tag=release").json
    assert tagged["count"] == 1
    assert client.get("/api/v2/templates/?ordering=sideways").status_code == 400
    assert client.get("/api/v2/templates/?page_size=101").status_code == 400


def test_search_results_carry_scores_and_highlights(client, library):
    body = client.get("/api/v2/templates/?q=translate").json
    assert body["count"] > 0
    first = body["results"][0]
    assert first["score"] > 0 and "<mark>" in first["highlight"]["title"] + first["highlight"]["snippet"]
    posted = client.post("/api/v2/search/prompts/", json={"query": "translate", "category": "language"}).json
    assert posted["count"] > 0 and all(t["category"]["slug"] == "language" for t in posted["results"])


def test_render_names_missing_variables(client, headers, categories):
    template = create(client, headers)
    url = f"/api/v2/templates/{template['id']}/render/"
    missing = client.post(url, json={"variables": {"version": "2.1"}})
    assert missing.status_code == 400
    assert missing.json["error"]["code"] == "missing_variables"
    assert missing.json["error"]["details"]["missing"] == ["changes"]
    done = client.post(url, json={"variables": {"version": "2.1", "changes": "faster search"}})
    assert done.json == {"template_id": template["id"], "prompt": "Write release notes for 2.1 covering faster search.",
                         "usage_count": 1}


def test_versions_carry_diffs(client, headers, categories):
    template = create(client, headers)
    client.patch(f"/api/v2/templates/{template['id']}/", headers=headers,
                 json={"content": "Write short release notes for {{version}}.", "version_note": "Shorter"})
    versions = client.get(f"/api/v2/templates/{template['id']}/versions/").json["results"]
    assert [v["version"] for v in versions] == [2, 1]
    assert versions[0]["note"] == "Shorter" and versions[0]["author"] == "ada"
    assert versions[0]["diff"].startswith("--- v1\n+++ v2\n")


def test_rate_validates_and_updates(client, auth, headers, make_user, categories):
    template = create(client, headers)
    bob = auth.headers(make_user(username="bob", email="bob@example.test"))
    url = f"/api/v2/templates/{template['id']}/rate/"
    assert client.post(url, headers=bob, json={"score": 6}).status_code == 400
    assert client.post(url, headers=headers, json={"score": 5}).status_code == 403
    assert client.post(url, json={"score": 5}).status_code == 401
    first = client.post(url, headers=bob, json={"score": 2, "review": "Too long"}).json
    assert (first["rating_avg"], first["rating_count"]) == (2.0, 1)
    second = client.post(url, headers=bob, json={"score": 4}).json
    assert (second["rating_avg"], second["rating_count"]) == (4.0, 1)


def test_duplicate_forks_into_my_library(client, auth, headers, make_user, categories):
    template = create(client, headers)
    bob = auth.headers(make_user(username="bob", email="bob@example.test"))
    fork = client.post(f"/api/v2/templates/{template['id']}/duplicate/", headers=bob)
    assert fork.status_code == 201
    assert fork.json["owner"]["username"] == "bob" and fork.json["is_public"] is False
    assert fork.json["forked_from"] == {"id": template["id"], "title": "Release notes"}


def test_categories_count_what_the_caller_sees(client, headers, categories):
    create(client, headers, is_public=False)
    def count(h=None):
        rows = client.get("/api/v2/template-categories/", headers=h or {}).json["results"]
        return next(c["count"] for c in rows if c["slug"] == "documentation")
    assert count() == 0 and count(headers) == 1


def test_featured_similar_and_intent(client, library):
    featured = client.get("/api/v2/prompts/featured/").json
    assert featured["count"] == 0  # the sample has none featured until an operator picks them
    some_id = client.get("/api/v2/templates/?q=translator").json["results"][0]["id"]
    similar = client.get(f"/api/v2/prompts/{some_id}/similar/?limit=3").json["results"]
    assert 0 < len(similar) <= 3 and some_id not in [t["id"] for t in similar]
    intent = client.post("/api/v2/intent/process/", json={"text": "translate my email into German"}).json
    assert intent["category"] == "language" and intent["templates"]
    assert client.get("/api/v2/prompts/999999/similar/").status_code == 404


def test_export_and_import_through_the_api(client, headers, categories):
    create(client, headers)
    exported = client.get("/api/v2/templates/export/?format=jsonl", headers=headers)
    assert exported.status_code == 200 and exported.mimetype == "application/x-ndjson"
    assert "attachment" in exported.headers["Content-Disposition"]
    rows = [json.loads(line) for line in exported.get_data(as_text=True).splitlines()]
    assert [r["title"] for r in rows] == ["Release notes"]
    rows.append({"id": "fresh", "title": "Fresh", "content": "Say {{hi}}"})
    rows.append({"id": "broken", "title": ""})
    report = client.post("/api/v2/templates/import/", headers=headers,
                         json={"format": "json", "content": json.dumps(rows)}).json
    assert (report["created"], report["skipped"], report["invalid_count"]) == (1, 1, 1)
    assert report["invalid"][0]["line"] == 3
    mine = client.get("/api/v2/templates/?owner=me", headers=headers).json
    assert sorted(t["title"] for t in mine["results"]) == ["Fresh", "Release notes"]
    csv_export = client.get("/api/v2/templates/export/?format=csv", headers=headers)
    assert csv_export.mimetype == "text/csv" and csv_export.get_data(as_text=True).startswith("id,title,")
    assert client.get("/api/v2/templates/export/").status_code == 401
