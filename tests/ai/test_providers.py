"""The DeepSeek provider against the fake server: wire format, edge cases, errors."""
from __future__ import annotations

import time

import pytest

from promptcraft.ai.types import ChatRequest, ProviderError
from tests.fakes.deepseek import API_KEY as DEEPSEEK_KEY

HI = [{"role": "user", "content": "Hi"}]


def collect(stream):
    kinds = {"content": "", "reasoning": ""}
    finish = usage = None
    for event in stream:
        if event.kind in kinds:
            kinds[event.kind] += event.text
        elif event.kind == "finish":
            finish = event.finish_reason
        elif event.kind == "usage":
            usage = event.usage
    return kinds["content"], kinds["reasoning"], finish, usage


def test_complete_reads_content_usage_and_cache_hits(deepseek, fake_deepseek):
    fake_deepseek.reply(content="Bonjour", prompt_tokens=100, cache_hit_tokens=60, completion_tokens=5,
                        keepalive_lines=3)
    result = deepseek.complete(ChatRequest(HI, temperature=0.2))
    assert (result.content, result.finish_reason, result.model) == ("Bonjour", "stop", "deepseek-v4-flash")
    assert (result.usage.prompt_tokens, result.usage.cached_tokens, result.usage.completion_tokens) == (100, 60, 5)
    sent = fake_deepseek.requests[0]
    assert sent["headers"]["Authorization"] == "Bearer test-deepseek-key"
    assert sent["body"]["temperature"] == 0.2 and sent["body"]["stream"] is False


@pytest.mark.parametrize("shape", [
    {}, {"events_per_write": 3}, {"split_writes": True}, {"comments": True}, {"usage_only_last_chunk": True},
    {"split_writes": True, "events_per_write": 2, "comments": True},
])
def test_stream_survives_every_read_boundary(deepseek, fake_deepseek, shape):
    fake_deepseek.reply(content="Grüße aus Köln — ✓ 你好", reasoning="Let me think…", pieces=7, **shape)
    content, reasoning, finish, usage = collect(deepseek.stream(ChatRequest(HI)))
    assert content == "Grüße aus Köln — ✓ 你好"
    assert reasoning == "Let me think…"
    assert finish == "stop" and usage.prompt_tokens == 12


def test_stream_without_done_is_an_error(deepseek, fake_deepseek):
    fake_deepseek.reply(content="cut short", done=False)
    with pytest.raises(ProviderError) as error:
        collect(deepseek.stream(ChatRequest(HI)))
    assert error.value.code == "bad_response"


def test_insufficient_system_resource_is_a_failure_not_an_answer(deepseek, fake_deepseek):
    fake_deepseek.reply(content="partial", finish_reason="insufficient_system_resource")
    with pytest.raises(ProviderError) as error:
        collect(deepseek.stream(ChatRequest(HI)))
    assert error.value.code == "overloaded" and error.value.may_fall_back
    fake_deepseek.reply(content="partial", finish_reason="insufficient_system_resource")
    with pytest.raises(ProviderError):
        deepseek.complete(ChatRequest(HI))


@pytest.mark.parametrize("status,code,falls_back", [
    (400, "invalid_request", False), (401, "provider_unauthorized", False), (402, "provider_payment_required", False),
    (422, "invalid_parameters", False), (429, "rate_limited", False), (500, "upstream_error", True),
    (503, "overloaded", True),
])
def test_error_statuses_are_mapped(deepseek, fake_deepseek, status, code, falls_back):
    fake_deepseek.error(status)
    with pytest.raises(ProviderError) as error:
        deepseek.complete(ChatRequest(HI))
    assert (error.value.code, error.value.may_fall_back, error.value.upstream_status) == (code, falls_back, status)
    assert "deepseek" in error.value.message


def test_a_silent_upstream_times_out(deepseek, fake_deepseek):
    fake_deepseek.reply(content="late", stall_after=1, stall_seconds=4)
    started = time.monotonic()
    with pytest.raises(ProviderError) as error:
        collect(deepseek.stream(ChatRequest(HI)))
    assert error.value.code == "timeout"
    assert time.monotonic() - started < 3.5  # the read timeout (2 s), not the stall


def test_legacy_model_names_map_to_flash_with_thinking(deepseek, fake_deepseek):
    deepseek.complete(ChatRequest(HI, model="deepseek-chat"))
    deepseek.complete(ChatRequest(HI, model="deepseek-reasoner"))
    deepseek.complete(ChatRequest(HI, model="deepseek-v4-pro", thinking=False))
    bodies = [r["body"] for r in fake_deepseek.requests]
    assert [(b["model"], b.get("thinking")) for b in bodies] == [
        ("deepseek-v4-flash", {"type": "disabled"}), ("deepseek-v4-flash", {"type": "enabled"}),
        ("deepseek-v4-pro", {"type": "disabled"})]


def test_reasoning_is_stripped_from_the_history_sent_back(deepseek, fake_deepseek):
    history = [{"role": "user", "content": "Q1"},
               {"role": "assistant", "content": "A1", "reasoning_content": "secret chain"},
               {"role": "user", "content": "Q2"}]
    deepseek.complete(ChatRequest(history))
    assert all("reasoning_content" not in m for m in fake_deepseek.requests[0]["body"]["messages"])


def test_models_and_balance(deepseek):
    assert [m["id"] for m in deepseek.models()] == ["deepseek-v4-flash", "deepseek-v4-pro"]
    assert deepseek.balance()["is_available"] is True


def test_wrong_key_is_unauthorized(fake_deepseek):
    from promptcraft.ai.providers.deepseek import DeepSeekProvider

    bad = DeepSeekProvider(fake_deepseek.url, "wrong", "deepseek-v4-flash", [], read_timeout=2, connect_timeout=1,
                           retries=0)
    with pytest.raises(ProviderError) as error:
        bad.models()
    assert error.value.code == "provider_unauthorized"


def test_closing_the_stream_closes_the_upstream_connection(deepseek, fake_deepseek):
    fake_deepseek.reply(content="x" * 400, pieces=40, delay=0.05)
    stream = deepseek.stream(ChatRequest(HI))
    iterator = iter(stream)
    next(iterator)
    stream.close()
    assert fake_deepseek.closed_early.wait(3)


def test_the_environments_proxy_carries_every_call(fake_deepseek, monkeypatch):
    """An operator behind an HTTP proxy sets HTTP(S)_PROXY (and NO_PROXY) as for any tool."""
    from promptcraft.ai.providers.deepseek import DeepSeekProvider

    monkeypatch.setenv("HTTP_PROXY", fake_deepseek.url)  # the fake answers a proxied request too
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    proxied = DeepSeekProvider("http://api.deepseek.example", DEEPSEEK_KEY, "deepseek-v4-flash", [],
                               read_timeout=2, connect_timeout=1, retries=0)
    assert collect(proxied.stream(ChatRequest(HI)))[0] == "Echo: Hi"
    assert fake_deepseek.requests[-1]["headers"]["Host"] == "api.deepseek.example"
