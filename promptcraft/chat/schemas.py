"""Schemas of the chat API."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from promptcraft.ai.schemas import ChatMessageSchema, GenerationOptionsSchema
from promptcraft.fields import JsonInteger, TextLength
from promptcraft.pagination import PageQuerySchema
from promptcraft.prompt_templates.schemas import VariableOutSchema


class CompletionRequestSchema(GenerationOptionsSchema):
    session_id = fields.UUID(metadata={"description": "Continue this session; omit to start one"})
    message = fields.String(validate=TextLength(min=1, max=100_000), metadata={"description": "The new user message"})
    messages = fields.List(fields.Nested(ChatMessageSchema), validate=validate.Length(min=1, max=200),
                           metadata={"description": "Or a whole OpenAI-style history (starts a session)"})
    template_id = JsonInteger(validate=validate.Range(min=1, max=2**31 - 1),
                              metadata={"description": "A library template rendered as the system prompt"})
    variables = fields.Dict(keys=fields.String(validate=validate.Length(max=64)),
                            values=fields.String(validate=validate.Length(max=20_000)), load_default=dict)

    @ma.validates_schema
    def message_or_history(self, data: dict, **kwargs) -> None:
        if not data.get("message") and not data.get("messages"):
            raise ma.ValidationError("Send message (or messages).", "message")


class BasicCompletionSchema(GenerationOptionsSchema):
    messages = fields.List(fields.Nested(ChatMessageSchema), required=True, validate=validate.Length(min=1, max=200))


class MessageOutSchema(ma.Schema):
    id = fields.UUID(required=True)
    role = fields.String(required=True)
    content = fields.String(required=True)
    reasoning = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "pending, streaming, complete, interrupted, error"})
    provider = fields.String(required=True, allow_none=True)
    model = fields.String(required=True, allow_none=True)
    finish_reason = fields.String(required=True, allow_none=True)
    error_code = fields.String(required=True, allow_none=True)
    error_message = fields.String(required=True, allow_none=True)
    prompt_tokens = fields.Integer(required=True)
    completion_tokens = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)
    completed_at = fields.DateTime(required=True, allow_none=True)


class ChatSessionSchema(ma.Schema):
    id = fields.UUID(required=True)
    title = fields.String(required=True)
    model = fields.String(required=True, allow_none=True)
    template_id = fields.Integer(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class ChatSessionDetailSchema(ChatSessionSchema):
    system_prompt = fields.String(required=True)
    messages = fields.List(fields.Nested(MessageOutSchema), required=True)


class ExtractedSchema(ma.Schema):
    id = fields.Integer(required=True)
    session_id = fields.UUID(required=True, allow_none=True)
    message_id = fields.UUID(required=True, allow_none=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    content = fields.String(required=True)
    variables = fields.List(fields.Nested(VariableOutSchema), required=True)
    category = fields.String(required=True, allow_none=True)
    tags = fields.List(fields.String(), required=True)
    score = fields.Float(required=True)
    status = fields.String(required=True)
    template_id = fields.Integer(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    decided_at = fields.DateTime(required=True, allow_none=True)


class ExtractedQuerySchema(PageQuerySchema):
    status = fields.String(validate=validate.OneOf(["pending", "approved", "rejected"]))


class DecisionSchema(ma.Schema):
    status = fields.String(required=True, validate=validate.OneOf(["approved", "rejected"]))
    title = fields.String(validate=TextLength(min=1, max=200))
    description = fields.String(validate=TextLength(max=2000))
    content = fields.String(validate=TextLength(min=1, max=50_000))


class ExtractionStatusSchema(ma.Schema):
    enabled = fields.Boolean(required=True)
    method = fields.String(required=True)
    min_words = fields.Integer(required=True)
    min_score = fields.Float(required=True)
    pending = fields.Integer(required=True)
    approved = fields.Integer(required=True)
    rejected = fields.Integer(required=True)
    last_proposal_at = fields.DateTime(required=True, allow_none=True)


class ChatHealthSchema(ma.Schema):
    status = fields.String(required=True)
    database = fields.String(required=True)
    providers = fields.List(fields.Dict(), required=True)


class AuthTestSchema(ma.Schema):
    authenticated = fields.Boolean(required=True)
    via = fields.String(required=True, allow_none=True, metadata={"description": "bearer, cookie or api_key"})
    username = fields.String(required=True, allow_none=True)
