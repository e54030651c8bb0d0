"""JSON endpoints of the prompt library under /api/v2/."""
from __future__ import annotations

from flask import Response

from promptcraft.auth.identity import current_user, login_required, require_user
from promptcraft.http import ApiBlueprint, document_errors
from promptcraft.orchestrator import intent
from promptcraft.orchestrator.schemas import IntentResultSchema
from promptcraft.pagination import Page, page_schema, paginate
from promptcraft.prompt_templates import discovery, schemas, service, transfer

blp = ApiBlueprint("templates", __name__, url_prefix="/api/v2", description="The prompt library")

EXPORT_TYPES = {"json": "application/json", "jsonl": "application/x-ndjson", "csv": "text/csv"}


def _filters(args: dict) -> discovery.Filters:
    return discovery.Filters(category=args.get("category"), tag=args.get("tag"),
                             owner_me=args.get("owner") == "me", featured=args.get("featured"))


@blp.route("/templates/", methods=["GET"])
@blp.arguments(schemas.TemplateQuerySchema, location="query")
@blp.response(200, page_schema(schemas.TemplateListItemSchema))
def list_templates(args):
    """List and search templates: q, category, tag, owner=me, featured, ordering, pagination."""
    return discovery.list_templates(current_user(), q=args.get("q"), filters=_filters(args),
                                    ordering=args.get("ordering"), page=args["page"], page_size=args["page_size"])


@blp.route("/templates/", methods=["POST"], endpoint="create_template")
@blp.arguments(schemas.TemplateCreateSchema)
@blp.response(201, schemas.TemplateSchema)
@document_errors(403)
@login_required
def create_template(data):
    """Create a template in the caller's library."""
    return service.create_template(require_user(), data)


@blp.route("/templates/<id:template_id>/", methods=["GET"])
@blp.response(200, schemas.TemplateSchema)
def get_template(template_id: int):
    """One template (private ones only for their owner)."""
    return service.view_template(template_id, current_user())


@blp.route("/templates/<id:template_id>/", methods=["PUT"], endpoint="replace_template")
@blp.arguments(schemas.TemplateCreateSchema)
@blp.response(200, schemas.TemplateSchema)
@document_errors(403)
@login_required
def replace_template(data, template_id: int):
    """Replace a template you own (a new version when the text changes)."""
    return service.update_template(template_id, require_user(), data)


@blp.route("/templates/<id:template_id>/", methods=["PATCH"], endpoint="update_template")
@blp.arguments(schemas.TemplateUpdateSchema)
@blp.response(200, schemas.TemplateSchema)
@document_errors(403)
@login_required
def update_template(data, template_id: int):
    """Change some fields of a template you own."""
    return service.update_template(template_id, require_user(), data)


@blp.route("/templates/<id:template_id>/", methods=["DELETE"], endpoint="delete_template")
@blp.response(204)
@document_errors(403)
@login_required
def delete_template(template_id: int):
    """Delete a template you own."""
    service.delete_template(template_id, require_user())


@blp.route("/templates/<id:template_id>/render/", methods=["POST"])
@blp.arguments(schemas.RenderSchema)
@blp.response(200, schemas.RenderedSchema)
def render_template(data, template_id: int):
    """Fill in the variables; 400 names every missing required one. Counts as a use."""
    template, prompt = service.render_template(template_id, current_user(), data["variables"])
    return {"template_id": template.id, "prompt": prompt, "usage_count": template.usage_count}


@blp.route("/templates/<id:template_id>/versions/", methods=["GET"])
@blp.response(200, schemas.VersionListSchema)
def template_versions(template_id: int):
    """Every saved version, newest first, with a unified diff to the previous one."""
    return {"results": service.versions(template_id, current_user())}


@blp.route("/templates/<id:template_id>/rate/", methods=["POST"])
@blp.arguments(schemas.RateSchema)
@blp.response(200, schemas.RatingSchema)
@document_errors(403)
@login_required
def rate_template(data, template_id: int):
    """Rate 1-5 with an optional review; rating again updates your rating."""
    rating = service.rate_template(template_id, require_user(), data["score"], data["review"])
    template = service.get_template(template_id, require_user())
    return {"score": rating.score, "review": rating.review, "created_at": rating.created_at,
            "updated_at": rating.updated_at, "rating_avg": template.rating_avg, "rating_count": template.rating_count}


@blp.route("/templates/<id:template_id>/duplicate/", methods=["POST"])
@blp.response(201, schemas.TemplateSchema)
@login_required
def duplicate_template(template_id: int):
    """Fork a template into your library, keeping attribution to its source."""
    return service.duplicate_template(template_id, require_user())


@blp.route("/templates/export/", methods=["GET"])
@blp.arguments(schemas.ExportQuerySchema, location="query")
@blp.alt_response(200, description="The templates as a file (JSON, JSONL or CSV)", success=True)
@blp.doc(responses={"200": {"description": "The templates as a file (JSON, JSONL or CSV)", "content": {
    "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
    "application/x-ndjson": {"schema": {"type": "string", "description": "One JSON object per line"}},
    "text/csv": {"schema": {"type": "string", "description": "A header row, then one template per row"}}}}})
@login_required
def export_templates(args):
    """Download your templates (or the bundled library) in the shape import reads."""
    templates = transfer.templates_for_export(require_user(), library=args["scope"] == "library")
    body = transfer.dump(transfer.export_rows(templates), args["format"])
    filename = f"promptcraft-templates.{args['format']}"
    return Response(body, mimetype=EXPORT_TYPES[args["format"]],
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@blp.route("/templates/import/", methods=["POST"])
@blp.arguments(schemas.ImportRequestSchema)
@blp.response(200, schemas.ImportReportSchema)
@login_required
def import_templates(data):
    """Import templates into your library; invalid rows are reported by line and skipped whole."""
    rows = transfer.read_rows(data["content"], data["format"])
    return transfer.import_rows(rows, require_user(), default_public=False).as_dict()


@blp.route("/template-categories/", methods=["GET"])
@blp.arguments(schemas.CategoryQuerySchema, location="query")
@blp.response(200, page_schema(schemas.CategorySchema))
def template_categories(args):
    """Categories with how many templates you can see in each."""
    rows = discovery.categories(current_user())
    start = (args["page"] - 1) * args["page_size"]
    return Page(rows[start:start + args["page_size"]], len(rows), args["page"], args["page_size"])


@blp.route("/search/prompts/", methods=["POST"])
@blp.arguments(schemas.SearchRequestSchema)
@blp.response(200, page_schema(schemas.TemplateListItemSchema))
def search_prompts(data):
    """Ranked search with filters; results carry highlighted snippets."""
    return discovery.list_templates(current_user(), q=data["query"], filters=_filters(data),
                                    page=data["page"], page_size=data["page_size"])


@blp.route("/intent/process/", methods=["POST"])
@blp.arguments(schemas.IntentRequestSchema)
@blp.response(200, IntentResultSchema)
def process_intent(data):
    """Detect the category and task type of a request (with confidence) and recommend templates."""
    return intent.classify(data["text"], current_user())


@blp.route("/prompts/featured/", methods=["GET"])
@blp.arguments(schemas.PageQuerySchema, location="query")
@blp.response(200, page_schema(schemas.TemplateListItemSchema))
def featured_templates(args):
    """Featured templates, best rated first."""
    return paginate(discovery.featured_query(current_user()), args["page"], args["page_size"])


@blp.route("/prompts/<id:template_id>/similar/", methods=["GET"])
@blp.arguments(schemas.SimilarQuerySchema, location="query")
@blp.response(200, page_schema(schemas.TemplateListItemSchema))
def similar_templates(args, template_id: int):
    """Templates most like this one, from the search index (no AI call)."""
    results = discovery.similar(template_id, current_user(), limit=args["limit"])
    return Page(results, len(results), 1, max(1, len(results)))
