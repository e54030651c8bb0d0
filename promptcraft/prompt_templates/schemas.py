"""Request and response schemas of the library API (they also document it)."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from promptcraft.fields import FormInput, JsonBoolean, JsonInteger
from promptcraft.pagination import PageQuerySchema
from promptcraft.prompt_templates.transfer import FORMATS

ORDERING_CHOICES = ["relevance", "-created", "created", "-rating", "-usage", "title", "-title"]
SLUG = validate.Regexp(r"^[a-z0-9][a-z0-9-]{0,63}$")
VARIABLE_NAME = validate.Regexp(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")


class VariableSchema(ma.Schema):
    name = fields.String(required=True, validate=VARIABLE_NAME)
    description = fields.String(load_default="", validate=validate.Length(max=500))
    default = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=5000))
    required = JsonBoolean(load_default=None, allow_none=True)


class VariableOutSchema(ma.Schema):
    name = fields.String(required=True)
    description = fields.String(required=True)
    default = fields.String(required=True, allow_none=True)
    required = fields.Boolean(required=True)


class CategoryRefSchema(ma.Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)


class OwnerSchema(ma.Schema):
    id = fields.UUID(required=True)
    username = fields.String(required=True)


class TemplateRefSchema(ma.Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)


class HighlightSchema(ma.Schema):
    title = fields.String(required=True, metadata={"description": "HTML: the title with <mark>ed matches"})
    snippet = fields.String(required=True, metadata={"description": "HTML: the best passage, <mark>ed"})


class TemplateBaseSchema(ma.Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    variables = fields.List(fields.Nested(VariableOutSchema), required=True)
    category = fields.Nested(CategoryRefSchema, required=True, allow_none=True)
    tags = fields.List(fields.String(), required=True)
    is_public = fields.Boolean(required=True)
    is_featured = fields.Boolean(required=True)
    usage_count = fields.Integer(required=True)
    rating_avg = fields.Float(required=True)
    rating_count = fields.Integer(required=True)
    version = fields.Integer(required=True)
    owner = fields.Nested(OwnerSchema, required=True, allow_none=True,
                          metadata={"description": "null for the bundled library"})
    source = fields.String(required=True)
    license = fields.String(required=True, allow_none=True)
    contributors = fields.List(fields.String(), required=True)
    forked_from = fields.Nested(TemplateRefSchema, required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class TemplateSchema(TemplateBaseSchema):
    content = fields.String(required=True)


class TemplateListItemSchema(TemplateBaseSchema):
    content_preview = fields.Method("preview", required=True)
    score = fields.Float(attribute="search_score", allow_none=True,
                         metadata={"description": "Relevance, when the list is a search"})
    highlight = fields.Method("marks", allow_none=True)

    def preview(self, template) -> str:
        return template.content[:280]

    def marks(self, template) -> dict | None:
        title = getattr(template, "search_title", None)
        return {"title": str(title), "snippet": str(template.search_snippet)} if title is not None else None


class TemplateQuerySchema(PageQuerySchema):
    q = fields.String(validate=validate.Length(max=5000), metadata={"description": "Search text"})
    category = fields.String(validate=validate.Length(max=64))
    tag = fields.String(validate=validate.Length(max=64))
    owner = fields.String(validate=validate.OneOf(["me"]), metadata={"description": "me: only my templates"})
    featured = fields.Boolean()
    ordering = fields.String(validate=validate.OneOf(ORDERING_CHOICES),
                             metadata={"description": "Default: relevance with q, else -created"})


class TemplateCreateSchema(ma.Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="", validate=validate.Length(max=2000))
    content = fields.String(required=True, validate=validate.Length(min=1, max=50_000))
    variables = fields.List(fields.Nested(VariableSchema), validate=validate.Length(max=50),
                            metadata={"description": "Declarations; undeclared {{placeholders}} are added"})
    category = fields.String(load_default=None, allow_none=True, validate=SLUG)
    tags = fields.List(fields.String(validate=validate.Length(min=1, max=40)), load_default=list,
                       validate=validate.Length(max=10))
    is_public = JsonBoolean(load_default=True)
    is_featured = JsonBoolean(load_default=False, metadata={"description": "Staff only"})


class TemplateUpdateSchema(ma.Schema):
    title = fields.String(validate=validate.Length(min=1, max=200))
    description = fields.String(validate=validate.Length(max=2000))
    content = fields.String(validate=validate.Length(min=1, max=50_000))
    variables = fields.List(fields.Nested(VariableSchema), validate=validate.Length(max=50))
    category = fields.String(allow_none=True, validate=SLUG)
    tags = fields.List(fields.String(validate=validate.Length(min=1, max=40)), validate=validate.Length(max=10))
    is_public = JsonBoolean()
    is_featured = JsonBoolean(metadata={"description": "Staff only"})
    version_note = fields.String(validate=validate.Length(max=300))


class RenderSchema(ma.Schema):
    variables = fields.Dict(keys=fields.String(validate=VARIABLE_NAME), values=fields.String(
        validate=validate.Length(max=20_000)), load_default=dict)


class RenderedSchema(ma.Schema):
    template_id = fields.Integer(required=True)
    prompt = fields.String(required=True)
    usage_count = fields.Integer(required=True)


class VersionSchema(ma.Schema):
    version = fields.Integer(required=True)
    title = fields.String(required=True)
    content = fields.String(required=True)
    variables = fields.List(fields.Nested(VariableOutSchema), required=True)
    note = fields.String(required=True)
    author = fields.String(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    title_changed = fields.Boolean(required=True)
    diff = fields.String(required=True, metadata={"description": "Unified diff against the previous version"})


class VersionListSchema(ma.Schema):
    results = fields.List(fields.Nested(VersionSchema), required=True)


class RateSchema(ma.Schema):
    score = JsonInteger(required=True, validate=validate.Range(min=1, max=5))
    review = fields.String(load_default="", validate=validate.Length(max=2000))


class RatingSchema(ma.Schema):
    score = fields.Integer(required=True)
    review = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    rating_avg = fields.Float(required=True)
    rating_count = fields.Integer(required=True)


class RateFormSchema(FormInput, RateSchema):
    """The rating buttons of the detail page send the score as form text."""


class CategorySchema(ma.Schema):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)
    count = fields.Integer(required=True, metadata={"description": "Templates the caller can see"})


class CategoryQuerySchema(PageQuerySchema):
    page_size = fields.Integer(load_default=100, validate=validate.Range(min=1, max=100))


class SearchRequestSchema(ma.Schema):
    query = fields.String(required=True, validate=validate.Length(max=5000))
    category = fields.String(validate=validate.Length(max=64))
    tag = fields.String(validate=validate.Length(max=64))
    owner = fields.String(validate=validate.OneOf(["me"]))
    page = JsonInteger(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = JsonInteger(load_default=20, validate=validate.Range(min=1, max=100))


class IntentRequestSchema(ma.Schema):
    text = fields.String(required=True, validate=validate.Length(min=1, max=20_000))


class IntentCandidateSchema(ma.Schema):
    category = fields.String(required=True)
    name = fields.String(required=True, allow_none=True)
    score = fields.Float(required=True)


class IntentSchema(ma.Schema):
    category = fields.String(required=True, allow_none=True)
    category_name = fields.String(allow_none=True)
    confidence = fields.Float(required=True, metadata={"description": "Share of the neighbours' votes, 0-1"})
    candidates = fields.List(fields.Nested(IntentCandidateSchema), required=True)
    templates = fields.List(fields.Nested(TemplateListItemSchema), required=True)


class SimilarQuerySchema(ma.Schema):
    limit = fields.Integer(load_default=8, validate=validate.Range(min=1, max=50))


class ExportQuerySchema(ma.Schema):
    format = fields.String(load_default="json", validate=validate.OneOf(FORMATS))
    scope = fields.String(load_default="mine", validate=validate.OneOf(["mine", "library"]),
                          metadata={"description": "mine: your templates; library: the bundled collection"})


class ImportRequestSchema(ma.Schema):
    format = fields.String(required=True, validate=validate.OneOf(FORMATS))
    content = fields.String(required=True, validate=validate.Length(min=1, max=2_000_000),
                            metadata={"description": "The file's text"})


class ImportProblemSchema(ma.Schema):
    line = fields.Integer(required=True)
    errors = fields.Dict(required=True)


class ImportReportSchema(ma.Schema):
    created = fields.Integer(required=True)
    updated = fields.Integer(required=True)
    skipped = fields.Integer(required=True)
    invalid_count = fields.Integer(required=True)
    invalid = fields.List(fields.Nested(ImportProblemSchema), required=True)
