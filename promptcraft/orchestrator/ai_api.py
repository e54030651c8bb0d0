"""The intelligence endpoints under /api/v2/ai/: assistants, the optimizer agent, retrieval,
evaluation, iteration, feedback and suggestions."""
from __future__ import annotations

import uuid

from promptcraft.auth.identity import login_required, require_user, staff_required
from promptcraft.http import ApiBlueprint, document_errors
from promptcraft.orchestrator import assistants, evaluation, optimizer, retrieval, schemas, service
from promptcraft.pagination import PageQuerySchema, page_schema

blp = ApiBlueprint("intelligence", __name__, url_prefix="/api/v2/ai",
                   description="Assistants, optimizer, retrieval, evaluation, feedback, suggestions")


@blp.route("/assistant/", methods=["GET"])
@blp.response(200, schemas.AssistantListSchema)
def assistant_registry():
    """The registered assistants: purpose, system prompt and the tools each may use."""
    return {"results": assistants.registry()}


@blp.route("/assistant/run/", methods=["POST"])
@blp.arguments(schemas.AssistantRunSchema)
@blp.response(200, schemas.RunResultSchema)
@document_errors(409, 402)
@login_required
def assistant_run(data):
    """Run an assistant on a message (a bounded tool-use loop); every step is saved in the thread."""
    return assistants.run(require_user(), data["assistant_id"], data["message"], data.get("thread_id"))


@blp.route("/assistant/threads/", methods=["GET"])
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, page_schema(schemas.ThreadSchema))
@login_required
def assistant_threads(args):
    """Your assistant threads, most recent first."""
    return assistants.threads(require_user(), args["page"], args["page_size"])


@blp.route("/assistant/threads/<uuid:thread_id>/", methods=["GET"])
@blp.response(200, schemas.ThreadDetailSchema)
@login_required
def assistant_thread(thread_id: uuid.UUID):
    """One thread with every step: messages, tool calls with their results, replies."""
    return assistants.get_thread(require_user(), thread_id)


@blp.route("/agent/optimize/", methods=["POST"])
@blp.arguments(schemas.OptimizeSchema)
@blp.response(200, schemas.OptimizeResultSchema)
@login_required
def optimize(data):
    """Optimise a prompt: the rewrite, what changed and why, its sources, scores before and after."""
    return optimizer.optimize(require_user(), data["prompt"], data["goal"])


@blp.route("/agent/stats/", methods=["GET"])
@blp.response(200, schemas.AgentStatsSchema)
@staff_required
def agent_stats():
    """What the agents did: optimisation runs and gains, tool calls, feedback (staff)."""
    return service.stats()


@blp.route("/rag/retrieve/", methods=["POST"])
@blp.arguments(schemas.RetrieveSchema)
@blp.response(200, schemas.PassageListSchema)
@login_required
def rag_retrieve(data):
    """Passages from the library and your saved prompts and history, with scores."""
    return {"results": [p.as_dict() for p in retrieval.retrieve(require_user(), data["query"], data["k"])]}


@blp.route("/rag/answer/", methods=["POST"])
@blp.arguments(schemas.QuestionSchema)
@blp.response(200, schemas.AnswerSchema)
@login_required
def rag_answer(data):
    """An answer grounded in retrieved passages, with citations (or a plain 'nothing relevant')."""
    return retrieval.answer(require_user(), data["question"], data["k"])


@blp.route("/evaluate/", methods=["POST"])
@blp.arguments(schemas.EvaluateSchema)
@blp.response(200, schemas.EvaluationSchema)
@login_required
def evaluate(data):
    """Score a model's output against the prompt, per criterion, with reasons."""
    return evaluation.evaluate(require_user(), data["prompt"], data["output"], data.get("criteria"))


@blp.route("/iterate/", methods=["POST"])
@blp.arguments(schemas.IterateSchema)
@blp.response(200, schemas.IterateResultSchema)
@login_required
def iterate(data):
    """Optimise and re-assess until the target score or n_iter; every iteration with its score."""
    return optimizer.iterate(require_user(), data["prompt"], data["n_iter"], data["target"], data["goal"])


@blp.route("/feedback/", methods=["POST"])
@blp.arguments(schemas.FeedbackSchema)
@blp.response(201, schemas.FeedbackOutSchema)
@login_required
def feedback(data):
    """Rate any AI result; ratings move what suggestions show you."""
    return service.give_feedback(require_user(), data)


@blp.route("/suggestions/", methods=["GET"])
@blp.arguments(schemas.SuggestionQuerySchema, location="query")
@blp.response(200, schemas.SuggestionListSchema)
@login_required
def suggestions(args):
    """Prompt suggestions from the library and your history, shaped by your feedback."""
    return {"results": service.suggestions(require_user(), args["q"], args["limit"])}
