"""JSON endpoints of the AI gateway under /api/v2/ai/."""
from __future__ import annotations

from flask import current_app

from promptcraft import sse
from promptcraft.ai import quotas, schemas, service
from promptcraft.ai.gateway import gateway
from promptcraft.ai.relay import relay
from promptcraft.auth.identity import login_required, require_user
from promptcraft.extensions import db
from promptcraft.http import ApiBlueprint, document_errors

blp = ApiBlueprint("ai", __name__, url_prefix="/api/v2/ai", description="AI providers, generation, usage, quotas")

STREAM_DOC = sse.stream_doc("Server-Sent Events: delta events, then exactly one done or error event")


@blp.route("/providers/", methods=["GET"])
@blp.response(200, schemas.AIProviderListSchema)
def providers():
    """The provider chain in fallback order: configured, reachable (probed), paid."""
    return {"results": current_app.extensions["ai"].status()}


@blp.route("/models/", methods=["GET"])
@blp.response(200, schemas.ModelListSchema)
@login_required
def models():
    """Models of every configured provider, asked live."""
    return service.models()


@blp.route("/generate/", methods=["POST"])
@blp.arguments(schemas.GenerateSchema)
@blp.response(200, schemas.CompletionSchema)
@document_errors(402, 502, 503, 504)
@login_required
def generate(data):
    """Run a prompt, or a library template with its variables; the run is saved to your history."""
    result, template_id, history_id = service.generate(require_user(), data)
    return {**_completion(result), "template_id": template_id, "history_id": history_id}


def _completion(result) -> dict:
    return {"content": result.content, "reasoning": result.reasoning, "provider": result.provider,
            "model": result.model, "finish_reason": result.finish_reason, "usage": result.usage.as_dict()}


@blp.route("/usage/", methods=["GET"])
@blp.arguments(schemas.UsageQuerySchema, location="query")
@blp.response(200, schemas.UsageReportSchema)
@login_required
def usage(args):
    """Your real token and cost totals, per day and model."""
    return service.usage_report(require_user(), args["days"])


@blp.route("/quotas/", methods=["GET"])
@blp.response(200, schemas.QuotaSchema)
@login_required
def quota():
    """Your daily allowance (from your plan) and what remains of it, and your credits."""
    return quotas.status(require_user())


@blp.route("/deepseek/chat/", methods=["POST"])
@blp.arguments(schemas.ChatSchema)
@blp.response(200, schemas.CompletionSchema)
@document_errors(402, 502, 503, 504)
@login_required
def deepseek_chat(data):
    """One chat completion from DeepSeek (no fallback)."""
    request = service.chat_request(data["messages"], data)
    return _completion(gateway().complete(require_user(), request, kind="deepseek", only="deepseek"))


@blp.route("/deepseek/test/", methods=["GET"])
@blp.response(200, schemas.DeepSeekTestSchema)
@login_required
def deepseek_test():
    """Whether DeepSeek answers with the configured key (GET /models, and /user/balance for staff)."""
    return service.deepseek_test(require_user())


@blp.route("/deepseek/stream/", methods=["POST"])
@blp.arguments(schemas.ChatSchema)
@blp.alt_response(200, success=True, **STREAM_DOC)
@document_errors(402, 502, 503, 504)
@login_required
def deepseek_stream(data):
    """Stream a DeepSeek completion as Server-Sent Events (nothing is persisted)."""
    request = service.chat_request(data["messages"], data)
    stream = gateway().open_stream(require_user(), request, kind="deepseek", only="deepseek")
    db.session.remove()  # no database session is held while the stream is open
    return sse.response(relay(stream))
