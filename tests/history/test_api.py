"""The history JSON API: status codes, envelopes, owner scoping, trash, versions and validation."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from promptcraft.history.models import PromptHistory, SavedPrompt

API = "/api/v2/history"


@pytest.fixture
def me(auth, user):
    return auth.headers(user)


@pytest.fixture
def them(auth, make_user):
    return auth.headers(make_user(username="bob", email="bob@example.test"))


def _entry(client, headers, **fields):
    response = client.post(f"{API}/history/", json={"original_prompt": "Write a haiku", **fields}, headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def _saved(client, headers, **fields):
    response = client.post(f"{API}/saved-prompts/", json={"title": "Summariser", "content": "Summarise {{text}}",
                                                           **fields}, headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def _count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_every_endpoint_needs_a_signed_in_user(client):
    for method, path, body in [("get", "/history/", None), ("post", "/history/", {"original_prompt": "x"}),
                               ("get", "/saved-prompts/public/", None), ("get", "/iterations/", None),
                               ("post", "/threads/1/add_iteration/", {"prompt": "x"}), ("delete", "/history/1/", None)]:
        response = getattr(client, method)(f"{API}{path}", json=body)
        assert response.status_code == 401, path
        assert response.json["error"]["code"] == "not_authenticated"


def test_create_and_read_an_entry(client, me):
    created = _entry(client, me, response="Steam rises", source="chat", tokens_used=12, cost=0.002,
                     quality_score=8.2, tags=["poem"], provider="local", model="local-rubric")
    assert created["source"] == "chat" and created["deleted_at"] is None and created["is_favorite"] is False
    fetched = client.get(f"{API}/history/{created['id']}/", headers=me)
    assert fetched.status_code == 200 and fetched.json == created
    assert client.get(f"{API}/history/{created['id']}", headers=me).status_code == 200  # no trailing slash


def test_list_is_paginated_with_the_shared_envelope(client, me):
    for n in range(5):
        _entry(client, me, original_prompt=f"prompt {n}")
    first = client.get(f"{API}/history/?page_size=2", headers=me).json
    assert set(first) == {"results", "count", "count_capped", "page", "pages"}
    assert (first["count"], first["page"], first["pages"]) == (5, 1, 3)
    assert [e["original_prompt"] for e in first["results"]] == ["prompt 4", "prompt 3"]
    last = client.get(f"{API}/history/?page_size=2&page=3&ordering=created", headers=me).json
    assert [e["original_prompt"] for e in last["results"]] == ["prompt 4"]


def test_search_filters_and_favourite(client, me):
    haiku = _entry(client, me, original_prompt="Write a HAIKU", source="chat")
    _entry(client, me, original_prompt="Explain tax", response="About haiku taxes", source="askme")
    _entry(client, me, original_prompt="Unrelated")
    found = client.get(f"{API}/history/?q=haiku", headers=me).json
    assert found["count"] == 2
    assert client.get(f"{API}/history/?q=haiku&source=chat", headers=me).json["results"][0]["id"] == haiku["id"]
    starred = client.post(f"{API}/history/{haiku['id']}/favorite/", headers=me)
    assert starred.status_code == 200 and starred.json["is_favorite"] is True
    assert [e["id"] for e in client.get(f"{API}/history/?favorite=true", headers=me).json["results"]] == [haiku["id"]]


def test_put_replaces_and_patch_changes_only_what_is_sent(client, me):
    entry = _entry(client, me, response="r", tags=["x"], source="chat")
    patched = client.patch(f"{API}/history/{entry['id']}/", json={"quality_score": 7}, headers=me).json
    assert (patched["quality_score"], patched["response"], patched["tags"], patched["source"]) == (
        7, "r", ["x"], "chat")
    replaced = client.put(f"{API}/history/{entry['id']}/", json={"original_prompt": "New"}, headers=me).json
    assert (replaced["original_prompt"], replaced["response"], replaced["tags"], replaced["source"]) == (
        "New", None, [], "manual")


@pytest.mark.parametrize("body", [
    {},
    {"original_prompt": ""},
    {"original_prompt": "   "},
    {"original_prompt": "x", "source": "telepathy"},
    {"original_prompt": "x", "tokens_used": "12"},
    {"original_prompt": "x", "tokens_used": -1},
    {"original_prompt": "x", "is_favorite": 1},
    {"original_prompt": "x", "quality_score": 11},
    {"original_prompt": "x", "cost": "0.1"},
    {"original_prompt": "x", "tags": ["a" * 51]},
    {"original_prompt": "x", "tags": [str(n) for n in range(21)]},
    {"original_prompt": "x", "category": "Not A Slug"},
    {"original_prompt": "x", "template_id": 999},
    {"original_prompt": "nul \x00 byte"},
    {"original_prompt": "x", "surprise": True},
])
def test_invalid_entries_are_400_and_change_nothing(client, me, db, body):
    response = client.post(f"{API}/history/", json=body, headers=me)
    assert response.status_code == 400, body
    assert response.json["error"]["code"] == "validation_error"
    assert _count(db, PromptHistory) == 0


@pytest.mark.parametrize("query", ["page=0", "page_size=101", "ordering=random", "source=x", "favorite=maybe",
                                   "q=" + "x" * 201])
def test_invalid_list_queries_are_400(client, me, query):
    response = client.get(f"{API}/history/?{query}", headers=me)
    assert response.status_code == 400 and response.json["error"]["code"] == "validation_error"


def test_a_body_that_is_not_json_is_refused(client, me):
    response = client.post(f"{API}/history/", data="original_prompt=x", headers=me,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415


def test_other_users_get_404_and_change_nothing(client, me, them, db):
    entry = _entry(client, me)
    prompt = _saved(client, me)
    one_entry, one_prompt = f"{API}/history/{entry['id']}/", f"{API}/saved-prompts/{prompt['id']}/"
    for method, url, body in [
        ("get", one_entry, None), ("patch", one_entry, {"is_favorite": True}),
        ("put", one_entry, {"original_prompt": "stolen"}), ("delete", one_entry, None),
        ("post", f"{one_entry}restore/", None), ("post", f"{one_entry}favorite/", None),
        ("get", one_prompt, None), ("post", f"{one_prompt}favorite/", None),
        ("post", f"{one_prompt}duplicate/", None), ("delete", one_prompt, None),
    ]:
        response = getattr(client, method)(url, json=body, headers=them)
        assert response.status_code == 404, (method, url)
        assert response.json["error"]["code"] == "not_found"
    assert client.get(f"{API}/history/", headers=them).json["count"] == 0
    assert client.get(f"{API}/history/{entry['id']}/", headers=me).json == entry
    assert _count(db, SavedPrompt) == 1


def test_huge_ids_are_404_not_server_errors(client, me):
    assert client.get(f"{API}/history/99999999999999999999/", headers=me).status_code == 404
    assert client.post(f"{API}/saved-prompts/99999999999999999999/duplicate/", headers=me).status_code == 404


def test_soft_delete_restore_and_permanent_delete(client, me, db):
    entry = _entry(client, me)
    url = f"{API}/history/{entry['id']}/"
    assert client.delete(url, headers=me).status_code == 204
    assert client.get(url, headers=me).status_code == 404
    assert client.get(f"{API}/history/", headers=me).json["count"] == 0
    trash = client.get(f"{API}/history/?deleted=true", headers=me).json["results"]
    assert [e["id"] for e in trash] == [entry["id"]] and trash[0]["deleted_at"] is not None
    restored = client.post(f"{url}restore/", headers=me)
    assert restored.status_code == 200 and restored.json["deleted_at"] is None
    assert client.get(url, headers=me).status_code == 200
    assert client.delete(f"{url}?permanent=true", headers=me).status_code == 204
    assert client.post(f"{url}restore/", headers=me).status_code == 404
    assert _count(db, PromptHistory) == 0


def test_saved_prompt_crud_favourite_and_trash(client, me):
    prompt = _saved(client, me, tags=["Summary", "summary", "news"], category="writing")
    assert prompt["tags"] == ["Summary", "news"] and prompt["is_public"] is False
    url = f"{API}/saved-prompts/{prompt['id']}/"
    assert client.patch(url, json={"is_public": True}, headers=me).json["is_public"] is True
    assert client.post(f"{url}favorite/", headers=me).json["is_favorite"] is True
    assert client.post(f"{url}favorite/", headers=me).json["is_favorite"] is False
    replaced = client.put(url, json={"title": "Short", "content": "Be brief"}, headers=me).json
    assert (replaced["title"], replaced["tags"], replaced["is_public"], replaced["category"]) == (
        "Short", [], False, "")
    assert client.put(url, json={"title": "Short"}, headers=me).status_code == 400
    assert client.delete(url, headers=me).status_code == 204
    assert client.get(f"{API}/saved-prompts/?deleted=true", headers=me).json["count"] == 1
    assert client.post(f"{url}restore/", headers=me).status_code == 200
    assert client.get(f"{API}/saved-prompts/?q=BRIEF", headers=me).json["count"] == 1


def test_duplicate_and_browse_public_prompts(client, me, them):
    shared = _saved(client, them, title="Shared", is_public=True)
    _saved(client, them, title="Private")
    mine = _saved(client, me, title="Mine")
    public = client.get(f"{API}/saved-prompts/public/", headers=me).json
    assert [p["title"] for p in public["results"]] == ["Shared"]
    assert public["results"][0]["owner"] == "bob" and "is_favorite" not in public["results"][0]
    copy = client.post(f"{API}/saved-prompts/{shared['id']}/duplicate/", headers=me)
    assert copy.status_code == 201
    assert (copy.json["duplicated_from_id"], copy.json["title"], copy.json["is_public"]) == (
        shared["id"], "Shared", False)
    own_copy = client.post(f"{API}/saved-prompts/{mine['id']}/duplicate/", json={"title": "Mine, again"}, headers=me)
    assert own_copy.status_code == 201 and own_copy.json["title"] == "Mine, again"
    assert client.get(f"{API}/saved-prompts/", headers=me).json["count"] == 3
    assert client.get(f"{API}/saved-prompts/public/", headers=them).json["results"][0]["use_count"] == 1
    # The public listing is read-only: the prompt itself stays its owner's.
    taken = client.patch(f"{API}/saved-prompts/{shared['id']}/", json={"title": "Mine now"}, headers=me)
    assert taken.status_code == 404


def test_iterations_versions_set_active_and_bookmark(client, me):
    prompt = _saved(client, me)
    versions = [client.post(f"{API}/iterations/", json={"saved_prompt_id": prompt["id"], "prompt": f"v{n}"},
                            headers=me) for n in (1, 2, 3)]
    assert [r.status_code for r in versions] == [201] * 3
    assert [r.json["version"] for r in versions] == [1, 2, 3]
    first = versions[0].json
    active = client.post(f"{API}/iterations/{first['id']}/set-active/", headers=me)
    assert active.status_code == 200 and active.json["is_active"] is True
    listed = client.get(f"{API}/iterations/?saved_prompt_id={prompt['id']}&ordering=version", headers=me).json
    assert [i["is_active"] for i in listed["results"]] == [True, False, False]
    assert client.post(f"{API}/iterations/{first['id']}/bookmark/", headers=me).json["is_bookmarked"] is True
    assert client.get(f"{API}/iterations/?bookmarked=true", headers=me).json["count"] == 1
    edited = client.patch(f"{API}/iterations/{first['id']}/", json={"notes": "best so far", "score": 8.8}, headers=me)
    assert (edited.json["notes"], edited.json["score"], edited.json["prompt"]) == ("best so far", 8.8, "v1")


def test_iteration_needs_a_parent_of_the_caller(client, me, them):
    theirs = _saved(client, them)
    no_parent = client.post(f"{API}/iterations/", json={"prompt": "p"}, headers=me)
    assert no_parent.status_code == 400 and "saved_prompt_id" in no_parent.json["error"]["details"]["fields"]
    stolen = client.post(f"{API}/iterations/", json={"prompt": "p", "saved_prompt_id": theirs["id"]}, headers=me)
    assert stolen.status_code == 400
    assert client.get(f"{API}/iterations/", headers=them).json["count"] == 0


def test_threads_add_iteration_numbers_them_and_trash_takes_them_along(client, me):
    thread = client.post(f"{API}/threads/", json={"title": "Tuning the summary"}, headers=me)
    assert thread.status_code == 201 and thread.json["iteration_count"] == 0
    url = f"{API}/threads/{thread.json['id']}/"
    added = [client.post(f"{url}add_iteration/", json={"prompt": f"turn {n}"}, headers=me) for n in range(3)]
    assert [r.status_code for r in added] == [201] * 3
    assert [r.json["version"] for r in added] == [1, 2, 3]
    detail = client.get(url, headers=me).json
    assert detail["iteration_count"] == 3
    assert [(i["version"], i["is_active"]) for i in detail["iterations"]] == [(1, False), (2, False), (3, True)]
    assert client.patch(url, json={"title": "Renamed"}, headers=me).json["title"] == "Renamed"
    assert client.delete(url, headers=me).status_code == 204
    assert client.get(f"{API}/iterations/", headers=me).json["count"] == 0
    blocked = client.post(f"{API}/iterations/{added[0].json['id']}/restore/", headers=me)
    assert blocked.status_code == 409 and blocked.json["error"]["code"] == "conflict"
    assert client.post(f"{url}add_iteration/", json={"prompt": "late"}, headers=me).status_code == 404
    assert client.post(f"{url}restore/", headers=me).status_code == 200
    assert client.get(f"{API}/iterations/", headers=me).json["count"] == 3


def test_profile_stats_include_the_prompt_count(client, me):
    for n in range(2):
        _entry(client, me, original_prompt=f"p{n}")
    assert client.get("/api/v2/auth/stats/", headers=me).json["prompts"] == 2
