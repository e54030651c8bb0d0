"""Assistants: the registry, the offline planned sequence, the model's tool-use loop, threads."""
from __future__ import annotations

import json

HEADERS = None


def test_registry_lists_each_assistant_with_its_tools(client):
    registry = {a["id"]: a for a in client.get("/api/v2/ai/assistant/").json["results"]}
    assert {"prompt-coach", "template-finder", "critic", "rewriter"} <= set(registry)
    assert {t["name"] for t in registry["template-finder"]["tools"]} == {
        "search_library", "read_saved_prompts", "render_template"}
    assert registry["critic"]["system_prompt"]


def test_offline_run_follows_the_plan_and_saves_every_step(client, auth, user, library):
    headers = auth.headers(user)
    run = client.post("/api/v2/ai/assistant/run/", headers=headers,
                      json={"assistant_id": "prompt-coach", "message": "write a tweet about our launch"}).json
    kinds = [(s["kind"], s["tool"]) for s in run["steps"]]
    assert kinds == [("user", None), ("tool", "assess_prompt"), ("tool", "search_library"), ("tool", "read_history"),
                     ("assistant", None)]
    assert "/10" in run["reply"] and run["steps"][-1]["provider"] == "local"
    follow = client.post("/api/v2/ai/assistant/run/", headers=headers, json={
        "assistant_id": "prompt-coach", "message": "write a LinkedIn post about our launch",
        "thread_id": run["id"]}).json
    assert follow["id"] == run["id"] and len(follow["steps"]) == 10
    detail = client.get(f"/api/v2/ai/assistant/threads/{run['id']}/", headers=headers).json
    assert [s["position"] for s in detail["steps"]] == list(range(1, 11))
    assert client.get("/api/v2/ai/assistant/threads/", headers=headers).json["count"] == 1


def test_threads_are_private_and_assistants_checked(client, auth, user, make_user, library):
    headers = auth.headers(user)
    run = client.post("/api/v2/ai/assistant/run/", headers=headers,
                      json={"assistant_id": "critic", "message": "summarize my notes"}).json
    other = auth.headers(make_user(username="eve", email="eve@example.test"))
    assert client.get(f"/api/v2/ai/assistant/threads/{run['id']}/", headers=other).status_code == 404
    wrong = client.post("/api/v2/ai/assistant/run/", headers=headers,
                        json={"assistant_id": "rewriter", "message": "x", "thread_id": run["id"]})
    assert wrong.status_code == 409
    unknown = client.post("/api/v2/ai/assistant/run/", headers=headers, json={"assistant_id": "oracle", "message": "x"})
    assert unknown.status_code == 400


def test_with_a_model_the_tool_calls_are_run_and_fed_back(client, auth, user, use_deepseek, library):
    fake = use_deepseek()
    fake.reply(tool_calls=[{"id": "call_1", "type": "function", "function": {
        "name": "search_library", "arguments": json.dumps({"query": "translate", "k": 2})}}])
    fake.reply(tool_calls=[{"id": "call_2", "type": "function", "function": {
        "name": "render_template", "arguments": json.dumps({"template_id": 999999})}}])
    fake.reply(content="Use the translator template.")
    run = client.post("/api/v2/ai/assistant/run/", headers=auth.headers(user),
                      json={"assistant_id": "template-finder", "message": "I need to translate emails"}).json
    assert run["reply"] == "Use the translator template." and run["steps"][-1]["provider"] == "deepseek"
    tools = [s for s in run["steps"] if s["kind"] == "tool"]
    assert [t["tool"] for t in tools] == ["search_library", "render_template"]
    assert tools[0]["result"] and "error" in tools[1]["result"]
    third = fake.requests[2]["body"]
    assert third["messages"][-1]["role"] == "tool" and third["messages"][-1]["tool_call_id"] == "call_2"
    assert {t["function"]["name"] for t in third["tools"]} == {"search_library", "read_saved_prompts",
                                                              "render_template"}


def test_the_tool_loop_is_bounded(client, auth, user, use_deepseek, library):
    fake = use_deepseek()
    for n in range(6):
        fake.reply(tool_calls=[{"id": f"c{n}", "type": "function", "function": {
            "name": "assess_prompt", "arguments": json.dumps({"prompt": "hi"})}}])
    fake.reply(content="Done.")
    run = client.post("/api/v2/ai/assistant/run/", headers=auth.headers(user),
                      json={"assistant_id": "critic", "message": "hi"}).json
    assert len([s for s in run["steps"] if s["kind"] == "tool"]) == 4
    assert fake.requests[-1]["body"]["tool_choice"] == "none"
