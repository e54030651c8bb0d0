"""AskMe fixtures: an API helper that starts sessions and answers questions as a client would."""
from __future__ import annotations

import pytest

BASE = "/api/v2/ai/askme"


class AskMe:
    def __init__(self, client, headers):
        self.client, self.headers = client, headers

    def start(self, goal: str, **fields):
        response = self.client.post(f"{BASE}/start/", json={"goal": goal, **fields}, headers=self.headers)
        assert response.status_code == 201, response.json
        return response.json

    def answer(self, session, question_id: str, answer: str, status: int = 200):
        response = self.client.post(f"{BASE}/answer/", headers=self.headers, json={
            "session_id": session["id"], "question_id": question_id, "answer": answer})
        assert response.status_code == status, response.json
        return response.json

    def finalize(self, session, status: int = 200):
        response = self.client.post(f"{BASE}/finalize/", json={"session_id": session["id"]}, headers=self.headers)
        assert response.status_code == status, response.json
        return response.json

    def question(self, session, slot: str):
        return next(q for q in session["questions"] if q["slot"] == slot)


@pytest.fixture
def askme(client, auth, user, library):
    return AskMe(client, auth.headers(user))
