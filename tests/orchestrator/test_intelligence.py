"""Intent, optimizer, iteration, retrieval, answers, evaluation, feedback and suggestions."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from promptcraft.history.service import record_prompt
from promptcraft.orchestrator.intent import task_from_words
from promptcraft.orchestrator.models import Feedback, OptimizationRun


@pytest.fixture
def headers(auth, user):
    return auth.headers(user)


def test_intent_gives_category_task_type_and_templates(client, library):
    body = client.post("/api/v2/orchestrator/intent/", json={"text": "Translate my product page into Spanish"}).json
    assert (body["category"], body["task_type"], body["method"]) == ("language", "translate", "library")
    assert 0 < body["confidence"] <= 1 and body["templates"]
    legacy = client.post("/api/v2/intent/process/", json={"text": "Summarize this research article for me"}).json
    assert legacy["task_type"] == "summarize"


def test_task_type_comes_from_the_leading_verb():
    assert task_from_words("Please debug this function") == "code"
    assert task_from_words("Could you brainstorm names for a cafe") == "brainstorm"
    assert task_from_words("the weather is nice") is None


def test_optimize_raises_the_score_and_cites_its_sources(client, headers, db, user, library):
    record_prompt(user.id, "Write a blog post about remote work for engineering managers, 800 words.",
                  quality_score=8, source="manual")
    result = client.post("/api/v2/ai/agent/optimize/", headers=headers,
                         json={"prompt": "write a blog post about remote work", "goal": "our engineering blog"}).json
    assert result["score_after"] > result["score_before"]
    assert result["diff"].startswith("--- before\n+++ after") and result["changes"]
    assert "Context: our engineering blog" in result["optimized"]
    kinds = {source["kind"] for source in result["sources"]}
    assert "history" in kinds and "template" in kinds
    assert db.session.scalar(sa.select(OptimizationRun.score_after)) == result["score_after"]
    entries = client.get("/api/v2/history/history/", headers=headers, query_string={"source": "optimizer"}).json
    assert [(e["original_prompt"], e["optimized_prompt"], e["quality_score"]) for e in entries["results"]] == [
        ("write a blog post about remote work", result["optimized"], result["score_after"])]


def test_iterate_stops_at_the_target_or_when_it_stops_helping(client, headers, library):
    body = client.post("/api/v2/ai/iterate/", headers=headers,
                       json={"prompt": "write a poem", "n_iter": 4, "target_score": 7.5}).json
    scores = [step["score"] for step in body["iterations"]]
    assert scores[0] < scores[-1] or body["reached"]
    assert len(body["iterations"]) <= 5
    assert body["reached"] == (body["final_score"] >= 7.5)
    already = client.post("/api/v2/ai/iterate/", headers=headers, json={"prompt": "write a poem", "n_iter": 2,
                                                                        "target_score": 1}).json
    assert len(already["iterations"]) == 1 and already["reached"]
    runs = client.get("/api/v2/history/history/", headers=headers, query_string={"source": "optimizer"}).json
    assert sorted((e["optimized_prompt"], e["quality_score"]) for e in runs["results"]) == sorted(
        [(body["final_prompt"], body["final_score"]), (already["final_prompt"], already["final_score"])])


def test_retrieve_mixes_the_library_and_the_users_prompts(client, headers, db, user, library):
    record_prompt(user.id, "Draft a cover letter for a data engineer role at a fintech", source="manual")
    results = client.post("/api/v2/ai/rag/retrieve/", headers=headers, json={"query": "cover letter", "k": 6}).json
    kinds = [r["kind"] for r in results["results"]]
    assert kinds[:2] == ["template", "history"]  # each source's best, fused by rank, not by raw score
    for kind in ("template", "history"):
        scores = [r["score"] for r in results["results"] if r["kind"] == kind]
        assert scores == sorted(scores, reverse=True)


def test_answers_cite_passages_or_say_nothing_was_found(client, headers, library):
    found = client.post("/api/v2/ai/rag/answer/", headers=headers,
                        json={"question": "How do I write a cover letter?"}).json
    assert found["grounded"] and found["citations"]
    assert all(f"[{c}]" in found["answer"] for c in found["citations"])
    assert set(found["citations"]) <= {p["id"] for p in found["passages"]}
    nothing = client.post("/api/v2/ai/rag/answer/", headers=headers, json={"question": "xylophone quasar zymurgy"}).json
    assert not nothing["grounded"] and "nothing relevant" in nothing["answer"]


def test_evaluate_measures_format_count_and_relevance(client, headers):
    prompt = "List three tips for sleeping better, under 50 words, as bullets."
    good = client.post("/api/v2/ai/evaluate/", headers=headers, json={
        "prompt": prompt,
        "output": "- Keep a sleep schedule.\n- Avoid screens before bed.\n- Keep the room cool."}).json
    bad = client.post("/api/v2/ai/evaluate/", headers=headers, json={
        "prompt": prompt, "output": "Cats are lovely animals and many people enjoy having them at home."}).json
    assert good["overall"] > bad["overall"]
    assert good["criteria"]["completeness"]["score"] == 10 and "3 tips asked for, 3 found" in good["criteria"][
        "completeness"]["reason"]
    assert bad["criteria"]["format"]["score"] < 10


def test_feedback_moves_suggestions(client, headers, make_template, db):
    liked = make_template(None, title="Cover letter helper", content="Write a cover letter for {{role}}.")
    disliked = make_template(None, title="Cover letter generator", content="Generate a cover letter for {{job}}.")
    before = [s["title"] for s in client.get("/api/v2/ai/suggestions/?q=cover+letter", headers=headers).json["results"]]
    assert "Cover letter generator" in before
    for template_id, rating in ((liked, 5), (disliked, 1)):
        response = client.post("/api/v2/ai/feedback/", headers=headers,
                               json={"target_type": "template", "target_id": str(template_id), "rating": rating})
        assert response.status_code == 201
    after = client.get("/api/v2/ai/suggestions/?q=cover+letter", headers=headers).json["results"]
    titles = [s["title"] for s in after]
    assert "Cover letter generator" not in titles
    assert after[0]["title"] == "Cover letter helper" and after[0]["reason"] == "You rated this template highly."
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Feedback)) == 2


def test_feedback_on_someone_elses_run_is_404(client, auth, headers, make_user):
    run = client.post("/api/v2/ai/agent/optimize/", headers=headers, json={"prompt": "write a poem"}).json
    other = auth.headers(make_user(username="eve", email="eve@example.test"))
    response = client.post("/api/v2/ai/feedback/", headers=other,
                           json={"target_type": "optimization", "target_id": str(run["id"]), "rating": 5})
    assert response.status_code == 404


def test_agent_stats_are_for_staff_and_count_real_runs(client, auth, headers, staff):
    client.post("/api/v2/ai/agent/optimize/", headers=headers, json={"prompt": "write a poem"})
    assert client.get("/api/v2/ai/agent/stats/", headers=headers).status_code == 403
    stats = client.get("/api/v2/ai/agent/stats/", headers=auth.headers(staff)).json
    assert stats["optimizations"]["optimize"]["runs"] == 1


def test_a_models_json_is_used_when_it_validates(client, headers, use_deepseek, library):
    fake = use_deepseek()
    fake.reply(content=json.dumps({"scores": {"clarity": 10, "specificity": 10}, "suggestions": ["Name the reader."]}))
    judged = client.post("/api/v2/orchestrator/assess/", headers=headers, json={"prompt": "write a poem"}).json
    assert judged["method"] == "rubric+judge" and "Name the reader." in judged["suggestions"]
    fake.reply(content="not json at all")
    fallback = client.post("/api/v2/orchestrator/assess/", headers=headers, json={"prompt": "write a poem"}).json
    assert fallback["method"] == "rubric"
    fake.reply(content=json.dumps({"scores": {"clarity": 42}}))  # out of range: discarded
    assert client.post("/api/v2/orchestrator/assess/", headers=headers,
                       json={"prompt": "write a poem"}).json["method"] == "rubric"


def test_a_model_rewrite_is_kept_only_when_it_scores_better(client, headers, use_deepseek, library):
    fake = use_deepseek()
    strong = ("You are a senior copywriter. Write a 120-word launch email for our budgeting app aimed at students. "
              "Friendly tone, one call to action, no jargon. Format: subject line, then two short paragraphs.")
    fake.reply(content=json.dumps({"improved_prompt": strong, "changes": ["Made it specific."]}))
    result = client.post("/api/v2/ai/agent/optimize/", headers=headers, json={"prompt": "write an email"}).json
    assert result["method"] == "model" and result["optimized"] == strong
    fake.reply(content=json.dumps({"improved_prompt": "write an email please", "changes": ["Said please."]}))
    weaker = client.post("/api/v2/ai/agent/optimize/", headers=headers, json={"prompt": "write an email"}).json
    assert weaker["method"] == "local"
