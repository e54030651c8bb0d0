"""Schemas of the orchestrator and the intelligence endpoints under /api/v2/ai/."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from promptcraft.fields import JsonFloat, JsonInteger, TextLength
from promptcraft.orchestrator.assessment import WEIGHTS
from promptcraft.orchestrator.intent import TASK_VERBS
from promptcraft.orchestrator.service import FEEDBACK_TARGETS
from promptcraft.pagination import PageQuerySchema
from promptcraft.prompt_templates.schemas import IntentCandidateSchema, TemplateListItemSchema

PROMPT = TextLength(min=1, max=20_000)


class TextSchema(ma.Schema):
    text = fields.String(required=True, validate=PROMPT)


class PromptSchema(ma.Schema):
    prompt = fields.String(required=True, validate=PROMPT)


class IntentResultSchema(ma.Schema):
    category = fields.String(required=True, allow_none=True)
    category_name = fields.String(allow_none=True)
    confidence = fields.Float(required=True)
    task_type = fields.String(required=True, metadata={"enum": list(TASK_VERBS)})
    task_confidence = fields.Float(required=True)
    candidates = fields.List(fields.Nested(IntentCandidateSchema), required=True)
    templates = fields.List(fields.Nested(TemplateListItemSchema), required=True)
    method = fields.String(required=True, metadata={"description": "library (nearest neighbours) or model"})


class DetectedSchema(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE

    words = fields.Integer()


class AssessmentSchema(ma.Schema):
    overall = fields.Float(required=True, metadata={"description": "0-10"})
    scores = fields.Dict(keys=fields.String(validate=validate.OneOf(list(WEIGHTS))), values=fields.Float(),
                         required=True)
    suggestions = fields.List(fields.String(), required=True)
    strengths = fields.List(fields.String(), required=True)
    detected = fields.Dict(required=True)
    method = fields.String(required=True)


class RenderRequestSchema(ma.Schema):
    template_id = JsonInteger(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    variables = fields.Dict(keys=fields.String(validate=validate.Length(max=64)),
                            values=fields.String(validate=validate.Length(max=20_000)), load_default=dict)


class SearchQuerySchema(PageQuerySchema):
    q = fields.String(required=True, validate=validate.Length(min=1, max=5000))


class OptimizeSchema(ma.Schema):
    prompt = fields.String(required=True, validate=PROMPT)
    goal = fields.String(load_default="", validate=TextLength(max=2000))


class PassageSchema(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE

    id = fields.String(required=True)
    kind = fields.String(required=True)
    title = fields.String(required=True)
    text = fields.String(required=True)
    score = fields.Float(required=True)
    url = fields.String(required=True, allow_none=True)


class OptimizeResultSchema(ma.Schema):
    id = fields.Integer(required=True)
    original = fields.String(required=True)
    optimized = fields.String(required=True)
    changes = fields.List(fields.String(), required=True)
    score_before = fields.Float(required=True)
    score_after = fields.Float(required=True)
    assessment_before = fields.Dict(required=True)
    assessment_after = fields.Dict(required=True)
    diff = fields.String(required=True)
    sources = fields.List(fields.Nested(PassageSchema), required=True)
    method = fields.String(required=True)


class IterateSchema(ma.Schema):
    prompt = fields.String(required=True, validate=PROMPT)
    goal = fields.String(load_default="", validate=TextLength(max=2000))
    n_iter = JsonInteger(load_default=3, validate=validate.Range(min=1, max=5))
    target = JsonFloat(load_default=8.0, validate=validate.Range(min=0, max=10), data_key="target_score")


class IterationSchema(ma.Schema):
    iteration = fields.Integer(required=True)
    prompt = fields.String(required=True)
    score = fields.Float(required=True)
    changes = fields.List(fields.String(), required=True)


class IterateResultSchema(ma.Schema):
    iterations = fields.List(fields.Nested(IterationSchema), required=True)
    final_prompt = fields.String(required=True)
    final_score = fields.Float(required=True)
    target = fields.Float(required=True)
    reached = fields.Boolean(required=True)


class EvaluateSchema(ma.Schema):
    prompt = fields.String(required=True, validate=PROMPT)
    output = fields.String(required=True, validate=TextLength(min=1, max=100_000))
    criteria = fields.List(fields.String(validate=validate.Regexp(r"^[a-z_]{2,40}$")), validate=validate.Length(
        min=1, max=10))


class CriterionResultSchema(ma.Schema):
    score = fields.Float(required=True, allow_none=True)
    reason = fields.String(required=True)
    method = fields.String(required=True, allow_none=True)


class EvaluationSchema(ma.Schema):
    overall = fields.Float(required=True, allow_none=True)
    criteria = fields.Dict(keys=fields.String(), values=fields.Nested(CriterionResultSchema), required=True)


class RetrieveSchema(ma.Schema):
    query = fields.String(required=True, validate=PROMPT)
    k = JsonInteger(load_default=5, validate=validate.Range(min=1, max=20))


class PassageListSchema(ma.Schema):
    results = fields.List(fields.Nested(PassageSchema), required=True)


class QuestionSchema(ma.Schema):
    question = fields.String(required=True, validate=PROMPT)
    k = JsonInteger(load_default=5, validate=validate.Range(min=1, max=10))


class AnswerSchema(ma.Schema):
    answer = fields.String(required=True)
    citations = fields.List(fields.String(), required=True)
    passages = fields.List(fields.Nested(PassageSchema), required=True)
    grounded = fields.Boolean(required=True)
    method = fields.String(required=True)


class FeedbackSchema(ma.Schema):
    target_type = fields.String(required=True, validate=validate.OneOf(FEEDBACK_TARGETS))
    target_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    rating = JsonInteger(required=True, validate=validate.Range(min=1, max=5))
    comment = fields.String(load_default="", validate=TextLength(max=2000))
    template_id = JsonInteger(validate=validate.Range(min=1, max=2**31 - 1),
                              metadata={"description": "The library template the result was built from, if any"})


class FeedbackOutSchema(ma.Schema):
    id = fields.Integer(required=True)
    target_type = fields.String(required=True)
    target_id = fields.String(required=True)
    template_id = fields.Integer(required=True, allow_none=True)
    rating = fields.Integer(required=True)
    comment = fields.String(required=True)
    created_at = fields.DateTime(required=True)


class SuggestionQuerySchema(ma.Schema):
    q = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    limit = fields.Integer(load_default=8, validate=validate.Range(min=1, max=20))


class SuggestionSchema(PassageSchema):
    reason = fields.String(required=True)


class SuggestionListSchema(ma.Schema):
    results = fields.List(fields.Nested(SuggestionSchema), required=True)


class ToolSchema(ma.Schema):
    name = fields.String(required=True)
    description = fields.String(required=True)
    parameters = fields.Dict(required=True)


class AssistantSchema(ma.Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    purpose = fields.String(required=True)
    system_prompt = fields.String(required=True)
    tools = fields.List(fields.Nested(ToolSchema), required=True)


class AssistantListSchema(ma.Schema):
    results = fields.List(fields.Nested(AssistantSchema), required=True)


class AssistantRunSchema(ma.Schema):
    assistant_id = fields.String(required=True, validate=validate.Length(min=1, max=32))
    message = fields.String(required=True, validate=PROMPT)
    thread_id = fields.UUID()


class StepSchema(ma.Schema):
    position = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"description": "user, tool or assistant"})
    content = fields.String(required=True)
    tool = fields.String(required=True, allow_none=True)
    arguments = fields.Dict(required=True, allow_none=True)
    result = fields.Raw(required=True, allow_none=True)
    provider = fields.String(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)


class ThreadSchema(ma.Schema):
    id = fields.UUID(required=True)
    assistant_id = fields.String(required=True)
    title = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class ThreadDetailSchema(ThreadSchema):
    steps = fields.List(fields.Nested(StepSchema), required=True)


class RunResultSchema(ThreadDetailSchema):
    reply = fields.Method("last_reply", required=True, metadata={"description": "The assistant's answer"})

    def last_reply(self, thread) -> str:
        return thread.steps[-1].content


class AgentStatsSchema(ma.Schema):
    optimizations = fields.Dict(required=True)
    by_method = fields.Dict(required=True)
    tool_calls = fields.Dict(required=True)
    feedback = fields.Dict(required=True)
