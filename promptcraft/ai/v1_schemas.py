"""OpenAI's chat-completions format, as /v1 accepts and answers it (only what we support)."""
from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from promptcraft.fields import JsonBoolean, JsonFloat, JsonInteger


class ContentField(fields.Field):
    """A message's content: a string, or OpenAI's list of parts (text parts are kept)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if isinstance(value, str):
            text = value
        elif isinstance(value, list) and all(isinstance(p, dict) for p in value):
            text = "".join(str(p.get("text", "")) for p in value if p.get("type") == "text")
        elif value is None:
            text = ""
        else:
            raise ma.ValidationError("Content is a string or a list of content parts.")
        if "\x00" in text or len(text) > 200_000:
            raise ma.ValidationError("Content is too long or contains NUL characters.")
        return text


class V1MessageSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    role = fields.String(required=True, validate=validate.OneOf(["system", "developer", "user", "assistant", "tool"]))
    content = ContentField(load_default="", metadata={"oneOf": [{"type": "string"}, {"type": "array", "items": {
        "type": "object"}}, {"type": "null"}]})
    name = fields.String(validate=validate.Length(max=64))
    tool_calls = fields.List(fields.Dict())
    tool_call_id = fields.String(validate=validate.Length(max=100))


class V1ChatRequestSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE  # clients send fields we do not use (user, seed, …); they are ignored

    model = fields.String(required=True, validate=validate.Length(min=1, max=100))
    messages = fields.List(fields.Nested(V1MessageSchema), required=True, validate=validate.Length(min=1, max=500))
    stream = JsonBoolean(load_default=False)
    stream_options = fields.Dict(keys=fields.String(), values=fields.Raw())
    temperature = JsonFloat(validate=validate.Range(min=0, max=2), allow_none=True)
    top_p = JsonFloat(validate=validate.Range(min=0, max=1), allow_none=True)
    max_tokens = JsonInteger(validate=validate.Range(min=1, max=64_000), allow_none=True)
    max_completion_tokens = JsonInteger(validate=validate.Range(min=1, max=64_000), allow_none=True)
    stop = fields.Raw(allow_none=True, metadata={"oneOf": [{"type": "string"}, {"type": "array", "items": {
        "type": "string"}}]})
    n = JsonInteger(validate=validate.Range(min=1, max=1), metadata={"description": "Only 1 is supported"})
    tools = fields.List(fields.Dict())
    tool_choice = fields.Raw()
    response_format = fields.Dict()
    thinking = fields.Dict(metadata={"description": "DeepSeek: {\"type\": \"enabled\" | \"disabled\"}"})
    template_id = JsonInteger(validate=validate.Range(min=1, max=2**31 - 1),
                              metadata={"description": "PromptCraft: a library template as the system prompt"})
    variables = fields.Dict(keys=fields.String(validate=validate.Length(max=64)),
                            values=fields.String(validate=validate.Length(max=20_000)))

    @ma.validates("stop")
    def stop_is_text(self, value: Any, **kwargs: Any) -> None:
        if value is not None and not (isinstance(value, str) or (
                isinstance(value, list) and len(value) <= 4 and all(isinstance(v, str) for v in value))):
            raise ma.ValidationError("stop is a string or a list of at most 4 strings.")


class V1UsageSchema(ma.Schema):
    prompt_tokens = fields.Integer(required=True)
    completion_tokens = fields.Integer(required=True)
    total_tokens = fields.Integer(required=True)
    prompt_tokens_details = fields.Dict(required=True)


class V1ResponseMessageSchema(ma.Schema):
    role = fields.String(required=True)
    content = fields.String(required=True, allow_none=True)
    reasoning_content = fields.String()
    tool_calls = fields.List(fields.Dict())


class V1ChoiceSchema(ma.Schema):
    index = fields.Integer(required=True)
    message = fields.Nested(V1ResponseMessageSchema, required=True)
    logprobs = fields.Raw(required=True, allow_none=True)
    finish_reason = fields.String(required=True)


class V1ChatCompletionSchema(ma.Schema):
    id = fields.String(required=True)
    object = fields.String(required=True)
    created = fields.Integer(required=True)
    model = fields.String(required=True)
    choices = fields.List(fields.Nested(V1ChoiceSchema), required=True)
    usage = fields.Nested(V1UsageSchema, required=True)
    system_fingerprint = fields.String(required=True, allow_none=True)


class V1ModelSchema(ma.Schema):
    id = fields.String(required=True)
    object = fields.String(required=True)
    created = fields.Integer(required=True)
    owned_by = fields.String(required=True)


class V1ModelListSchema(ma.Schema):
    object = fields.String(required=True)
    data = fields.List(fields.Nested(V1ModelSchema), required=True)


class OpenAIErrorDetailSchema(ma.Schema):
    message = fields.String(required=True)
    type = fields.String(required=True)
    param = fields.String(required=True, allow_none=True)
    code = fields.String(required=True, allow_none=True)


class OpenAIErrorSchema(ma.Schema):
    error = fields.Nested(OpenAIErrorDetailSchema, required=True)
