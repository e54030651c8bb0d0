"""The gateway: fallback rules, quotas before any call, usage rows with cost and timings."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from promptcraft.ai.models import AIUsage
from promptcraft.auth.models import User

CHAT = {"messages": [{"role": "user", "content": "Say hi"}]}


def rows(db):
    return db.session.scalars(sa.select(AIUsage).order_by(AIUsage.id)).all()


def test_deepseek_answer_writes_a_priced_usage_row(client, auth, user, db, use_deepseek):
    fake = use_deepseek()
    fake.reply(content="Hi!", prompt_tokens=1000, cache_hit_tokens=400, completion_tokens=500)
    response = client.post("/api/v2/ai/deepseek/chat/", headers=auth.headers(user), json=CHAT)
    assert response.status_code == 200
    assert response.json["content"] == "Hi!" and response.json["provider"] == "deepseek"
    (row,) = rows(db)
    assert (row.provider, row.model, row.status, row.kind) == ("deepseek", "deepseek-v4-flash", "ok", "deepseek")
    assert (row.prompt_tokens, row.cached_tokens, row.completion_tokens) == (1000, 400, 500)
    # deepseek-v4-flash from 2026-07-24: 0.028 hit, 0.28 miss, 0.42 out per million tokens.
    assert row.cost == Decimal("0.0000112") + Decimal("0.000168") + Decimal("0.00021")
    assert row.total_ms >= row.upstream_ttfb_ms > 0
    assert db.session.get(User, user.id).credits == 98  # 1,500 tokens: 2 credits


def test_a_5xx_before_the_first_byte_falls_back_to_the_next_provider(client, auth, user, db, use_deepseek):
    fake = use_deepseek()
    fake.error(503)
    response = client.post("/api/v2/ai/generate/", headers=auth.headers(user), json={"prompt": "Improve this prompt: "
                           "write a poem"})
    assert response.status_code == 200
    assert response.json["provider"] == "local" and "Offline engine" in response.json["content"]
    assert [r.provider for r in rows(db)] == ["local"]


def test_a_timeout_before_the_first_byte_falls_back(client, auth, user, use_deepseek):
    fake = use_deepseek(timeout=0.5)
    fake.reply(content="too late", first_byte_delay=2)
    response = client.post("/api/v2/ai/generate/", headers=auth.headers(user), json={"prompt": "Write a haiku"})
    assert response.json["provider"] == "local"


def test_errors_for_the_user_or_operator_do_not_fall_back(client, auth, user, db, use_deepseek):
    fake = use_deepseek()
    headers = auth.headers(user)
    expected = {401: (502, "provider_unauthorized"), 402: (402, "provider_payment_required"),
                422: (422, "invalid_parameters"), 429: (429, "rate_limited"), 400: (400, "invalid_request")}
    for status, (ours, code) in expected.items():
        fake.error(status)
        response = client.post("/api/v2/ai/generate/", headers=headers, json={"prompt": "Write a haiku"})
        assert (response.status_code, response.json["error"]["code"]) == (ours, code), status
    assert all(r.status == "error" and r.provider == "local" or r.status == "error" for r in rows(db))
    assert len(rows(db)) == len(expected)


def test_all_providers_failing_is_a_gateway_error(client, auth, user, use_deepseek):
    fake = use_deepseek(chain=("deepseek",))
    fake.error(500)
    response = client.post("/api/v2/ai/deepseek/chat/", headers=auth.headers(user), json=CHAT)
    assert response.status_code == 502 and response.json["error"]["code"] == "upstream_error"


def test_deepseek_endpoints_say_when_it_is_not_configured(client, auth, user):
    response = client.post("/api/v2/ai/deepseek/chat/", headers=auth.headers(user), json=CHAT)
    assert response.status_code == 503 and response.json["error"]["code"] == "provider_not_configured"
    test = client.get("/api/v2/ai/deepseek/test/", headers=auth.headers(user)).json
    assert test["configured"] is False and test["error"]


def test_deepseek_test_reports_models_and_balance_for_staff(client, auth, user, staff, use_deepseek):
    use_deepseek()
    mine = client.get("/api/v2/ai/deepseek/test/", headers=auth.headers(user)).json
    assert mine["reachable"] is True and mine["models"] == ["deepseek-v4-flash", "deepseek-v4-pro"]
    assert mine["balance"] is None
    theirs = client.get("/api/v2/ai/deepseek/test/", headers=auth.headers(staff)).json
    assert theirs["balance"]["is_available"] is True


def test_daily_allowance_is_checked_before_any_call(client, auth, user, app, monkeypatch, use_deepseek):
    fake = use_deepseek()
    monkeypatch.setitem(app.config, "AI_DAILY_REQUESTS", 1)
    headers = auth.headers(user)
    assert client.post("/api/v2/ai/deepseek/chat/", headers=headers, json=CHAT).status_code == 200
    calls = len(fake.requests)
    refused = client.post("/api/v2/ai/deepseek/chat/", headers=headers, json=CHAT)
    assert refused.status_code == 429 and refused.json["error"]["code"] == "quota_exceeded"
    assert int(refused.headers["Retry-After"]) > 0
    assert len(fake.requests) == calls  # nothing went upstream
    quota = client.get("/api/v2/ai/quotas/", headers=headers).json
    assert quota["requests"] == {"limit": 1, "used": 1, "remaining": 0}


def test_no_credits_is_402_before_any_call(client, auth, user, db, use_deepseek):
    fake = use_deepseek()
    db.session.execute(sa.update(User).where(User.id == user.id).values(credits=0))
    db.session.commit()
    response = client.post("/api/v2/ai/deepseek/chat/", headers=auth.headers(user), json=CHAT)
    assert response.status_code == 402 and response.json["error"]["code"] == "insufficient_credits"
    assert fake.requests == []


def test_usage_report_sums_real_rows_by_day_and_model(client, auth, user, use_deepseek):
    fake = use_deepseek()
    headers = auth.headers(user)
    for tokens in (100, 300):
        fake.reply(content="ok", prompt_tokens=tokens, completion_tokens=10)
        client.post("/api/v2/ai/deepseek/chat/", headers=headers, json=CHAT)
    report = client.get("/api/v2/ai/usage/?days=7", headers=headers).json
    (row,) = report["rows"]
    assert (row["model"], row["requests"], row["prompt_tokens"], row["completion_tokens"]) == (
        "deepseek-v4-flash", 2, 400, 20)
    assert report["totals"]["requests"] == 2 and Decimal(report["totals"]["cost"]) > 0


def parse_events(body: str) -> list[tuple[str, str]]:
    events = []
    for block in body.split("\n\n"):
        if block.startswith(":") or not block.strip():
            continue
        name = next((line[7:] for line in block.splitlines() if line.startswith("event: ")), "")
        data = "\n".join(line[6:] for line in block.splitlines() if line.startswith("data: "))
        events.append((name, data))
    return events


def test_deepseek_stream_relays_reasoning_deltas_then_done(client, auth, user, db, use_deepseek):
    fake = use_deepseek()
    fake.reply(content="Réponse ✓", reasoning="Thinking…", split_writes=True, comments=True)
    response = client.post("/api/v2/ai/deepseek/stream/", headers=auth.headers(user), json=CHAT)
    assert response.status_code == 200 and response.mimetype == "text/event-stream"
    assert response.headers["X-Accel-Buffering"] == "no"
    events = parse_events(response.get_data(as_text=True))
    import json

    deltas = [json.loads(d) for name, d in events if name == "delta"]
    assert "".join(d.get("reasoning", "") for d in deltas) == "Thinking…"
    assert "".join(d.get("content", "") for d in deltas) == "Réponse ✓"
    name, data = events[-1]
    done = json.loads(data)
    assert name == "done" and done["finish_reason"] == "stop" and done["usage"]["prompt_tokens"] == 12
    assert set(done["timings"]) == {"upstream_ttfb_ms", "total_ms", "overhead_ms"}
    assert [n for n, _ in events].count("done") == 1 and "error" not in [n for n, _ in events]
    assert rows(db)[0].status == "ok"


def test_a_stream_cut_off_without_done_ends_with_an_error_event(client, auth, user, db, use_deepseek):
    fake = use_deepseek()
    fake.reply(content="partial answer", done=False)
    events = parse_events(client.post("/api/v2/ai/deepseek/stream/", headers=auth.headers(user),
                                      json=CHAT).get_data(as_text=True))
    assert events[-1][0] == "error" and "bad_response" in events[-1][1]
    assert rows(db)[0].status == "error"


def test_a_stream_failing_before_the_first_byte_is_a_json_error(client, auth, user, use_deepseek):
    fake = use_deepseek(chain=("deepseek",))
    fake.error(429)
    response = client.post("/api/v2/ai/deepseek/stream/", headers=auth.headers(user), json=CHAT)
    assert response.status_code == 429 and response.is_json


def test_keep_alive_comments_while_the_provider_is_quiet(client, auth, user, use_deepseek):
    fake = use_deepseek()
    fake.reply(content="slow answer", pieces=2, delay=0.7)
    body = client.post("/api/v2/ai/deepseek/stream/", headers=auth.headers(user), json=CHAT).get_data(as_text=True)
    assert ": keep-alive" in body and body.rstrip().split("\n")[-2] == "event: done"


def test_client_leaving_closes_upstream_and_records_the_interruption(client, auth, user, db, use_deepseek):
    fake = use_deepseek()
    fake.reply(content="word " * 400, pieces=200, delay=0.02)
    response = client.post("/api/v2/ai/deepseek/stream/", headers=auth.headers(user), json=CHAT, buffered=False)
    body = iter(response.response)
    received = [next(body) for _ in range(3)]
    assert any("delta" in str(part) for part in received)
    response.close()  # what the server does when the browser goes away
    assert fake.closed_early.wait(3), "the upstream request was not closed"
    (row,) = rows(db)
    assert row.status == "interrupted"
