"""JSON endpoints under /api/v2/orchestrator/: intent, assessment, render, search, one template."""
from __future__ import annotations

from promptcraft.auth.identity import current_user
from promptcraft.http import ApiBlueprint
from promptcraft.orchestrator import intent, schemas, service
from promptcraft.pagination import page_schema
from promptcraft.prompt_templates import discovery
from promptcraft.prompt_templates import schemas as template_schemas
from promptcraft.prompt_templates import service as templates

blp = ApiBlueprint("orchestrator", __name__, url_prefix="/api/v2/orchestrator",
                   description="Intent, assessment and the library seen from the orchestrator")


@blp.route("/intent/", methods=["POST"])
@blp.arguments(schemas.TextSchema)
@blp.response(200, schemas.IntentResultSchema)
def detect_intent(data):
    """Category and task type of a request, with confidence, learned from the library."""
    return intent.classify(data["text"], current_user())


@blp.route("/assess/", methods=["POST"])
@blp.arguments(schemas.PromptSchema)
@blp.response(200, schemas.AssessmentSchema)
def assess(data):
    """Score a prompt 0-10 per criterion and overall, with concrete suggestions."""
    return service.assessment(current_user(), data["prompt"])


@blp.route("/render/", methods=["POST"])
@blp.arguments(schemas.RenderRequestSchema)
@blp.response(200, template_schemas.RenderedSchema)
def render(data):
    """Fill a template's variables (400 names the missing ones)."""
    template, prompt = templates.render_template(data["template_id"], current_user(), data["variables"])
    return {"template_id": template.id, "prompt": prompt, "usage_count": template.usage_count}


@blp.route("/search/", methods=["GET"])
@blp.arguments(schemas.SearchQuerySchema, location="query")
@blp.response(200, page_schema(template_schemas.TemplateListItemSchema))
def search(args):
    """Search the library (the same search service as the library)."""
    return discovery.list_templates(current_user(), q=args["q"], page=args["page"], page_size=args["page_size"])


@blp.route("/template/<id:template_id>/", methods=["GET"])
@blp.response(200, template_schemas.TemplateSchema)
def template(template_id: int):
    """One template."""
    return templates.view_template(template_id, current_user())
