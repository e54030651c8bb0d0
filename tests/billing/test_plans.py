"""Plans, entitlements that the gateway's quotas follow, usage meters and the grant command."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from promptcraft.ai.gateway import gateway, record
from promptcraft.ai.models import AIUsage
from promptcraft.ai.types import Usage
from promptcraft.auth.models import ApiKey
from promptcraft.billing.models import Plan, Subscription
from promptcraft.entitlements import KEYS
from promptcraft.prompt_templates.models import Template
from promptcraft.research.models import ResearchJob

GENERATE = "/api/v2/ai/generate/"


def test_seed_creates_free_pro_and_team_once(runner, db):
    assert "plans: 3 added" in runner.invoke(args=["seed"]).output
    assert "plans: 0 added" in runner.invoke(args=["seed"]).output
    codes = db.session.scalars(sa.select(Plan.code).order_by(Plan.position)).all()
    assert codes == ["free", "pro", "team"]
    for plan in db.session.scalars(sa.select(Plan)):
        assert set(plan.entitlements) == set(KEYS) - {"plan"}


def test_plans_list_and_detail(client, plans, user, auth):
    anonymous = client.get("/api/v2/billing/plans/").json
    assert [p["code"] for p in anonymous["results"]] == ["free", "pro", "team"] and anonymous["current"] is None
    pro = next(p for p in anonymous["results"] if p["code"] == "pro")
    assert pro["price_cents"] > 0 and pro["entitlements"]["private_templates"] is None and pro["interval"] == "month"
    assert client.get("/api/v2/billing/plans/", headers=auth.headers(user)).json["current"] == "free"
    detail = client.get(f"/api/v2/billing/plans/{pro['id']}/")
    assert detail.status_code == 200 and detail.json["code"] == "pro"
    assert client.get("/api/v2/billing/plans/999999/").status_code == 404


def test_subscription_without_one_is_free(client, plans, user, auth):
    summary = client.get("/api/v2/billing/me/subscription/", headers=auth.headers(user)).json
    assert summary["status"] == "none" and summary["effective_plan"] == "free" and summary["plan"]["code"] == "free"
    assert client.get("/api/v2/billing/me/subscription/").status_code == 401


def _generate(client, headers):
    return client.post(GENERATE, json={"prompt": "Write a haiku about tea."}, headers=headers)


def test_the_gateway_quota_follows_the_plan(client, plans, make_user, auth, runner, db):
    """Free and pro users get different daily allowances through the real generate endpoint."""
    free_user = make_user(username="frugal", email="frugal@example.test")
    pro_user = make_user(username="payer", email="payer@example.test")
    assert runner.invoke(args=["billing", "grant", "payer", "pro"]).exit_code == 0
    free_plan = db.session.scalar(sa.select(Plan).where(Plan.code == "free"))
    free_plan.entitlements = {**free_plan.entitlements, "ai_daily_requests": 2}  # operators edit plans as data
    db.session.commit()
    free_headers, pro_headers = auth.headers(free_user), auth.headers(pro_user)
    free_quota = client.get("/api/v2/ai/quotas/", headers=free_headers).json
    pro_quota = client.get("/api/v2/ai/quotas/", headers=pro_headers).json
    assert (free_quota["plan"], free_quota["requests"]["limit"]) == ("free", 2)
    assert (pro_quota["plan"], pro_quota["requests"]["limit"]) == ("pro", 1000)
    assert [_generate(client, free_headers).status_code for _ in range(3)] == [200, 200, 429]
    assert _generate(client, free_headers).json["error"]["code"] == "quota_exceeded"
    assert [_generate(client, pro_headers).status_code for _ in range(3)] == [200, 200, 200]


def test_a_model_outside_the_free_plan_is_refused_before_any_upstream_call(client, plans, make_user, auth, runner,
                                                                           use_deepseek):
    fake = use_deepseek()
    free_user = make_user(username="frugal", email="frugal@example.test")
    pro_user = make_user(username="payer", email="payer@example.test")
    runner.invoke(args=["billing", "grant", "payer", "pro"])
    body = {"prompt": "Hello there, model.", "model": "deepseek-v4-pro"}
    refused = client.post(GENERATE, json=body, headers=auth.headers(free_user))
    assert refused.status_code == 402 and refused.json["error"]["code"] == "model_not_in_plan"
    assert fake.requests == []
    paying = client.post(GENERATE, json=body, headers=auth.headers(pro_user))
    assert paying.status_code == 200 and paying.json["model"] == "deepseek-v4-pro"


def test_usage_meters_count_the_real_rows(client, plans, user, auth, db):
    now = datetime.now(UTC)
    local = gateway().providers["local"]
    record(user.id, "generate", local, "promptcraft-local", Usage(prompt_tokens=100, completion_tokens=50), status="ok")
    record(user.id, "chat", local, "promptcraft-local", Usage(prompt_tokens=10, completion_tokens=5), status="error")
    db.session.add_all([
        AIUsage(user_id=user.id, kind="chat", provider="local", model="promptcraft-local", prompt_tokens=7,
                completion_tokens=3, status="ok", created_at=now - timedelta(days=1, hours=1)),
        Template(owner_id=user.id, title="Mine", content="Private {{x}}", is_public=False),
        Template(owner_id=user.id, title="Shared", content="Public", is_public=True),
        ApiKey(user_id=user.id, name="cli", prefix="pc_abc", key_hash="h" * 64),
        ResearchJob(owner_id=user.id, topic="Prompt caching", status="done", created_at=now),
        ResearchJob(owner_id=user.id, topic="Older topic", status="done", created_at=now - timedelta(days=1, hours=1)),
    ])
    db.session.commit()
    usage = client.get("/api/v2/billing/me/usage/", headers=auth.headers(user)).json
    meters = {m["key"]: m for m in usage["meters"]}
    assert usage["plan"] == "free"
    assert (meters["ai_daily_requests"]["used"], meters["ai_daily_requests"]["limit"]) == (1, 50)
    assert meters["ai_daily_tokens"]["used"] == 150 and meters["ai_daily_tokens"]["remaining"] == 50_000 - 150
    assert (meters["private_templates"]["used"], meters["private_templates"]["limit"]) == (1, 10)
    assert meters["api_keys"]["used"] == 1
    assert (meters["research_jobs_per_day"]["used"], meters["research_jobs_per_day"]["limit"]) == (1, 2)
    yesterday_counts = (now - timedelta(days=1, hours=1)).month == now.month
    assert usage["period"]["requests"] == (2 if yesterday_counts else 1)


def test_grant_command(runner, plans, user, db):
    result = runner.invoke(args=["billing", "grant", user.username, "team"])
    assert result.exit_code == 0 and "Team" in result.output
    sub = db.session.scalar(sa.select(Subscription).where(Subscription.user_id == user.id))
    assert (sub.plan.code, sub.status, sub.source) == ("team", "active", "manual")
    assert runner.invoke(args=["billing", "grant", "nobody", "pro"]).exit_code != 0
    bad_plan = runner.invoke(args=["billing", "grant", user.username, "platinum"])
    assert bad_plan.exit_code != 0 and "Plan not found" in bad_plan.output


def test_entitlements_fall_back_to_config_defaults_without_plans(client, user, auth, app):
    entitled = client.get("/api/v2/billing/me/entitlements/", headers=auth.headers(user)).json
    assert entitled["plan"] == "default" and entitled["ai_daily_requests"] == app.config["AI_DAILY_REQUESTS"]
