"""Personal API keys: shown once, stored hashed, usable as X-API-Key or Bearer, deletable."""
from __future__ import annotations

import hashlib

import sqlalchemy as sa

from promptcraft.auth.models import ApiKey


def test_create_list_use_and_delete_a_key(client, auth, user, db):
    headers = auth.headers(user)
    created = client.post("/api/v2/auth/api-keys/", headers=headers, json={"name": "laptop"})
    assert created.status_code == 201
    secret = created.json["key"]
    assert secret.startswith("pc_") and len(secret) > 40
    row = db.session.scalar(sa.select(ApiKey))
    assert row.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in (row.prefix, row.key_hash)

    listed = client.get("/api/v2/auth/api-keys/", headers=headers).json["results"]
    assert len(listed) == 1
    assert "key" not in listed[0] and listed[0]["prefix"] == secret[:10]
    assert listed[0]["last_used_at"] is None

    via_header = client.get("/api/v2/auth/profile/", headers={"X-API-Key": secret})
    assert via_header.status_code == 200 and via_header.json["username"] == "ada"
    via_bearer = client.get("/api/v2/auth/profile/", headers={"Authorization": f"Bearer {secret}"})
    assert via_bearer.status_code == 200
    assert client.get("/api/v2/auth/api-keys/", headers=headers).json["results"][0]["last_used_at"] is not None

    key_id = listed[0]["id"]
    assert client.delete(f"/api/v2/auth/api-keys/{key_id}/", headers=headers).status_code == 204
    gone = client.get("/api/v2/auth/profile/", headers={"X-API-Key": secret})
    assert gone.status_code == 401 and gone.json["error"]["code"] == "api_key_invalid"


def test_keys_are_private_to_their_owner(client, auth, user, make_user):
    other = make_user(username="bob", email="bob@example.test")
    key_id = client.post("/api/v2/auth/api-keys/", headers=auth.headers(user), json={"name": "mine"}).json["id"]
    other_headers = auth.headers(other)
    assert client.get("/api/v2/auth/api-keys/", headers=other_headers).json["results"] == []
    assert client.delete(f"/api/v2/auth/api-keys/{key_id}/", headers=other_headers).status_code == 404


def test_key_name_is_required(client, auth, user):
    response = client.post("/api/v2/auth/api-keys/", headers=auth.headers(user), json={"name": ""})
    assert response.status_code == 400
    assert "name" in response.json["error"]["details"]["fields"]


def test_unknown_key_is_401(client):
    response = client.get("/api/v2/auth/profile/", headers={"X-API-Key": "pc_unknown"})
    assert response.status_code == 401
