"""The OpenAI-compatible front door, driven by the official `openai` package."""
from __future__ import annotations

import openai
import pytest
import sqlalchemy as sa

from promptcraft.ai.models import AIUsage
from promptcraft.auth import api_keys
from promptcraft.auth.models import User


@pytest.fixture
def api_key(app, user):
    with app.app_context():
        from promptcraft.extensions import db

        _, secret = api_keys.create_key(db.session.get(User, user.id), "sdk")
    return secret


@pytest.fixture
def sdk(live_server, api_key):
    return openai.OpenAI(base_url=f"{live_server.url}/v1", api_key=api_key, max_retries=0, timeout=20)


def test_models_list(sdk):
    assert [m.id for m in sdk.models.list()] == ["promptcraft-local"]


def test_completion_with_the_offline_engine(sdk, db):
    result = sdk.chat.completions.create(model="promptcraft-local", messages=[
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Improve this prompt: write a tweet about our launch"}])
    assert result.object == "chat.completion" and result.choices[0].finish_reason == "stop"
    assert "A stronger version" in result.choices[0].message.content
    assert result.usage.total_tokens > 0
    row = db.session.scalar(sa.select(AIUsage))
    assert (row.kind, row.provider, row.status) == ("v1", "local", "ok")


def test_streaming_through_deepseek_with_usage(sdk, use_deepseek):
    fake = use_deepseek()
    fake.reply(content="Streamed ✓ answer", reasoning="hmm", pieces=5, split_writes=True)
    stream = sdk.chat.completions.create(model="deepseek-v4-flash", stream=True, stream_options={"include_usage": True},
                                         messages=[{"role": "user", "content": "Hi"}])
    text, finish, usage = "", None, None
    for chunk in stream:
        if chunk.usage:
            usage = chunk.usage
        for choice in chunk.choices:
            text += choice.delta.content or ""
            finish = choice.finish_reason or finish
    assert (text, finish, usage.prompt_tokens) == ("Streamed ✓ answer", "stop", 12)
    assert fake.requests[0]["body"]["model"] == "deepseek-v4-flash"


def test_legacy_deepseek_names_and_a_template_as_system_prompt(sdk, use_deepseek, make_template):
    fake = use_deepseek()
    template_id = make_template(None)
    sdk.chat.completions.create(model="deepseek-reasoner", messages=[{"role": "user", "content": "Go"}],
                                extra_body={"template_id": template_id, "variables": {"team": "QA", "topic": "bugs"}})
    body = fake.requests[0]["body"]
    assert body["model"] == "deepseek-v4-flash" and body["thinking"] == {"type": "enabled"}
    assert body["messages"][0] == {"role": "system", "content": "Write a status email to QA about bugs."}


def test_errors_come_back_in_openais_format(sdk, live_server, use_deepseek):
    fake = use_deepseek(chain=("deepseek",))
    fake.error(429)
    with pytest.raises(openai.RateLimitError) as limited:
        sdk.chat.completions.create(model="deepseek-v4-flash", messages=[{"role": "user", "content": "Hi"}])
    assert limited.value.body["code"] == "rate_limited" and limited.value.body["type"] == "rate_limit_error"
    with pytest.raises(openai.BadRequestError) as bad:
        sdk.chat.completions.create(model="deepseek-v4-flash", messages=[])
    assert bad.value.body["param"] == "messages"
    unauthenticated = openai.OpenAI(base_url=f"{live_server.url}/v1", api_key="pc_wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        unauthenticated.models.list()
