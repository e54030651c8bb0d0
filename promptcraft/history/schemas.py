"""Request and response schemas of the history API (they also document it).

Bodies use the strict JSON fields of `promptcraft.fields`; pages load them through `FormInput`.
"""
from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from promptcraft.fields import FormInput, JsonBoolean, JsonFloat, JsonInteger, TextLength, text
from promptcraft.history.models import SOURCES
from promptcraft.pagination import PageQuerySchema

MAX_ID = 2**31 - 1  # integer primary keys are 32-bit on PostgreSQL
PROMPT_MAX = 50_000
RESPONSE_MAX = 200_000
NOTES_MAX = 10_000
TITLE_MAX = 200
TAG_MAX = 50
TAGS_MAX = 20
SCORE = validate.Range(min=0, max=10)  # the assessment rubric's 0-10 scale


def category_field() -> fields.String:
    return fields.String(load_default="", validate=[
        TextLength(max=64), validate.Regexp(r"^[a-z0-9-]*$", error="Use lower-case letters, digits and hyphens.")
    ], metadata={"description": "A category slug, or empty"})


def tags_field() -> fields.List:
    return fields.List(text(TAG_MAX, min_length=1), load_default=list, validate=validate.Length(
        max=TAGS_MAX, error=f"Use at most {TAGS_MAX} tags."))


def id_field(**kwargs: Any) -> JsonInteger:
    return JsonInteger(validate=validate.Range(min=1, max=MAX_ID), **kwargs)


class Partial(ma.Schema):
    """Mixin for PATCH bodies: every field optional, and absent fields stay as they are."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("partial", True)
        super().__init__(**kwargs)
        for field in self.fields.values():  # defaults never apply to a PATCH: do not document them
            field.load_default = ma.missing


class DeleteQuerySchema(ma.Schema):
    permanent = fields.Boolean(load_default=False, metadata={
        "description": "Delete for good instead of moving to the trash (works on rows already in the trash)"})


def ordering_field(choices: tuple[str, ...]) -> fields.String:
    return fields.String(load_default=choices[0], validate=validate.OneOf(choices), metadata={
        "description": "Sort key; a leading '-' sorts in descending order"})


class ListQuerySchema(PageQuerySchema):
    q = text(200, min_length=1, metadata={"description": "Case-insensitive text search"})
    deleted = fields.Boolean(load_default=False, metadata={"description": "List the trash instead"})


# --- history entries -------------------------------------------------------------------------

HISTORY_ORDERING = ("-created", "created", "-score", "score", "-tokens", "tokens", "-cost", "cost")


class PromptHistorySchema(ma.Schema):
    id = fields.Integer(required=True)
    original_prompt = fields.String(required=True)
    optimized_prompt = fields.String(required=True, allow_none=True)
    response = fields.String(required=True, allow_none=True)
    provider = fields.String(required=True)
    model = fields.String(required=True)
    template_id = fields.Integer(required=True, allow_none=True)
    category = fields.String(required=True)
    tags = fields.List(fields.String(), required=True)
    tokens_used = fields.Integer(required=True)
    cost = fields.Float(required=True, metadata={"description": "Cost in US dollars"})
    quality_score = fields.Float(required=True, allow_none=True, metadata={"description": "0 to 10 (the rubric)"})
    source = fields.String(required=True, validate=validate.OneOf(SOURCES))
    is_favorite = fields.Boolean(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    deleted_at = fields.DateTime(required=True, allow_none=True, metadata={"description": "In the trash since"})


class PromptHistoryCreateSchema(ma.Schema):
    original_prompt = text(PROMPT_MAX, min_length=1, required=True)
    optimized_prompt = text(PROMPT_MAX, load_default=None, allow_none=True)
    response = text(RESPONSE_MAX, load_default=None, allow_none=True)
    provider = text(64, load_default="")
    model = text(120, load_default="")
    template_id = id_field(load_default=None, allow_none=True)
    category = category_field()
    tags = tags_field()
    tokens_used = JsonInteger(load_default=0, validate=validate.Range(min=0, max=MAX_ID))
    cost = JsonFloat(load_default=0.0, validate=validate.Range(min=0, max=1_000_000))
    quality_score = JsonFloat(load_default=None, allow_none=True, validate=SCORE)
    source = fields.String(load_default="manual", validate=validate.OneOf(SOURCES))
    is_favorite = JsonBoolean(load_default=False)


class PromptHistoryUpdateSchema(Partial, PromptHistoryCreateSchema):
    pass


class PromptHistoryQuerySchema(ListQuerySchema):
    source = fields.String(validate=validate.OneOf(SOURCES))
    template_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    favorite = fields.Boolean(metadata={"description": "Only favourites (true) or only the others (false)"})
    ordering = ordering_field(HISTORY_ORDERING)


# --- saved prompts ---------------------------------------------------------------------------

SAVED_ORDERING = ("-created", "created", "-updated", "title", "-title", "-use_count")
PUBLIC_ORDERING = ("-created", "-use_count", "title")


class SavedPromptSchema(ma.Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    content = fields.String(required=True)
    description = fields.String(required=True)
    tags = fields.List(fields.String(), required=True)
    category = fields.String(required=True)
    is_public = fields.Boolean(required=True)
    is_favorite = fields.Boolean(required=True)
    use_count = fields.Integer(required=True, metadata={"description": "Times it was copied into a library"})
    template_id = fields.Integer(required=True, allow_none=True)
    duplicated_from_id = fields.Integer(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    deleted_at = fields.DateTime(required=True, allow_none=True, metadata={"description": "In the trash since"})


class PublicSavedPromptSchema(ma.Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    content = fields.String(required=True)
    description = fields.String(required=True)
    tags = fields.List(fields.String(), required=True)
    category = fields.String(required=True)
    use_count = fields.Integer(required=True)
    owner = fields.String(required=True, attribute="owner_name", metadata={"description": "The owner's username"})
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class SavedPromptCreateSchema(ma.Schema):
    title = text(TITLE_MAX, min_length=1, required=True)
    content = text(PROMPT_MAX, min_length=1, required=True)
    description = text(2000, load_default="")
    tags = tags_field()
    category = category_field()
    is_public = JsonBoolean(load_default=False)
    is_favorite = JsonBoolean(load_default=False)
    template_id = id_field(load_default=None, allow_none=True)


class SavedPromptUpdateSchema(Partial, SavedPromptCreateSchema):
    pass


class SavedPromptFormSchema(FormInput, SavedPromptCreateSchema):
    """The create/edit page: the prompt as typed, tags comma-separated. Favourite is a separate
    toggle and the template link is set where a template is used, so the form leaves both alone."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(exclude=("is_favorite", "template_id"), **kwargs)


class SavedPromptDuplicateSchema(ma.Schema):
    title = text(TITLE_MAX, min_length=1, metadata={"description": "Title of the copy (default: the original's)"})


class SavedPromptQuerySchema(ListQuerySchema):
    category = fields.String(validate=TextLength(max=64))
    favorite = fields.Boolean(metadata={"description": "Only favourites (true) or only the others (false)"})
    is_public = fields.Boolean()
    ordering = ordering_field(SAVED_ORDERING)


class PublicSavedPromptQuerySchema(PageQuerySchema):
    q = text(200, min_length=1, metadata={"description": "Case-insensitive text search"})
    category = fields.String(validate=TextLength(max=64))
    ordering = ordering_field(PUBLIC_ORDERING)


# --- iterations ------------------------------------------------------------------------------

ITERATION_ORDERING = ("-created", "created", "version", "-version", "-score", "score")


class PromptIterationSchema(ma.Schema):
    id = fields.Integer(required=True)
    saved_prompt_id = fields.Integer(required=True, allow_none=True)
    thread_id = fields.Integer(required=True, allow_none=True)
    version = fields.Integer(required=True, metadata={"description": "1, 2, 3… within its thread, else its prompt"})
    prompt = fields.String(required=True)
    response = fields.String(required=True, allow_none=True)
    notes = fields.String(required=True)
    score = fields.Float(required=True, allow_none=True, metadata={"description": "0 to 10 (the rubric)"})
    is_bookmarked = fields.Boolean(required=True)
    is_active = fields.Boolean(required=True, metadata={"description": "The current version of its parent"})
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    deleted_at = fields.DateTime(required=True, allow_none=True, metadata={"description": "In the trash since"})


class PromptIterationContentSchema(ma.Schema):
    prompt = text(PROMPT_MAX, min_length=1, required=True)
    response = text(RESPONSE_MAX, load_default=None, allow_none=True)
    notes = text(NOTES_MAX, load_default="")
    score = JsonFloat(load_default=None, allow_none=True, validate=SCORE)


class PromptIterationAddSchema(PromptIterationContentSchema):
    is_active = JsonBoolean(load_default=True, metadata={
        "description": "Make it the current version (the first version always is)"})


class PromptIterationCreateSchema(PromptIterationAddSchema):
    saved_prompt_id = id_field(load_default=None, allow_none=True)
    thread_id = id_field(load_default=None, allow_none=True, metadata={
        "description": "The thread it belongs to; its saved prompt is the thread's when not given"})

    @ma.validates_schema
    def has_a_parent(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("saved_prompt_id") is None and data.get("thread_id") is None:
            raise ma.ValidationError("Give a saved_prompt_id, a thread_id or both.", "saved_prompt_id")


class PromptIterationUpdateSchema(Partial, PromptIterationContentSchema):
    pass


class PromptIterationQuerySchema(PageQuerySchema):
    saved_prompt_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    thread_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    bookmarked = fields.Boolean()
    active = fields.Boolean()
    deleted = fields.Boolean(load_default=False, metadata={"description": "List the trash instead"})
    ordering = ordering_field(ITERATION_ORDERING)


# --- threads ---------------------------------------------------------------------------------

THREAD_ORDERING = ("-updated", "-created", "created", "title")


class PromptThreadSchema(ma.Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    saved_prompt_id = fields.Integer(required=True, allow_none=True)
    iteration_count = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    deleted_at = fields.DateTime(required=True, allow_none=True, metadata={"description": "In the trash since"})


class PromptThreadDetailSchema(PromptThreadSchema):
    iterations = fields.List(fields.Nested(PromptIterationSchema), required=True, metadata={
        "description": "Live iterations, oldest version first"})


class PromptThreadCreateSchema(ma.Schema):
    title = text(TITLE_MAX, min_length=1, required=True)
    saved_prompt_id = id_field(load_default=None, allow_none=True)


class PromptThreadUpdateSchema(Partial, PromptThreadCreateSchema):
    pass


class PromptThreadQuerySchema(ListQuerySchema):
    saved_prompt_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    ordering = ordering_field(THREAD_ORDERING)
