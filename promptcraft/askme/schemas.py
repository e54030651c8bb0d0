"""AskMe requests and responses."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from promptcraft.fields import TextLength
from promptcraft.orchestrator.intent import TASK_VERBS
from promptcraft.orchestrator.schemas import AssessmentSchema
from promptcraft.pagination import PageQuerySchema

GOAL = TextLength(min=3, max=2000)


class AskMeStartSchema(ma.Schema):
    goal = fields.String(validate=GOAL, metadata={"description": "What the prompt is for, in your words"})
    intent = fields.String(validate=GOAL, metadata={"description": "Another name for `goal` (older clients)"})
    context = fields.String(load_default="", validate=TextLength(max=5000))
    task_type = fields.String(validate=validate.OneOf(list(TASK_VERBS)),
                              metadata={"description": "Override the kind of task detected in the goal"})

    @ma.validates_schema
    def goal_given(self, data, **kwargs):
        if not (data.get("goal") or data.get("intent")):
            raise ma.ValidationError("Say what the prompt is for.", "goal")


class AskMeAnswerSchema(ma.Schema):
    session_id = fields.UUID(required=True)
    question_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    answer = fields.String(required=True, validate=TextLength(min=1, max=5000))


class AskMeSessionIdSchema(ma.Schema):
    session_id = fields.UUID(required=True)


class AskMeStreamQuerySchema(AskMeSessionIdSchema):
    after = fields.Integer(load_default=0, validate=validate.Range(min=0, max=2**62),
                           metadata={"description": "Replay only events after this `seq` (or send Last-Event-ID)"})


class AskMeSessionQuerySchema(PageQuerySchema):
    status = fields.String(validate=validate.OneOf(["open", "finished"]))


class AskMeQuestionSchema(ma.Schema):
    id = fields.String(required=True)
    slot = fields.String(required=True, metadata={"description": "What the question settles: audience, tone, …"})
    text = fields.String(required=True)
    why = fields.String(required=True, metadata={"description": "Why it matters for the prompt"})
    kind = fields.String(required=True, metadata={"enum": ["text", "choice"]})
    options = fields.List(fields.String(), required=True)
    follows = fields.String(required=True, allow_none=True,
                            metadata={"description": "The question whose answer opened this one"})


class AskMeKnownSlotSchema(ma.Schema):
    value = fields.String(required=True)
    source = fields.String(required=True, metadata={"enum": ["goal", "profile", "history"]})


class AskMeSessionSummarySchema(ma.Schema):
    id = fields.UUID(required=True)
    goal = fields.String(required=True)
    task_type = fields.String(required=True)
    category = fields.String(required=True, allow_none=True)
    status = fields.String(required=True, metadata={"enum": ["open", "finalizing", "finished"]})
    completeness = fields.Float(required=True, metadata={"description": "0-1"})
    score = fields.Float(required=True, allow_none=True, metadata={"description": "0-10, once finalised"})
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class AskMeSessionSchema(AskMeSessionSummarySchema):
    context = fields.String(required=True)
    template_id = fields.Integer(required=True, allow_none=True)
    method = fields.String(required=True, metadata={"description": "Who planned the questions: local or model"})
    questions = fields.List(fields.Nested(AskMeQuestionSchema), required=True)
    answers = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    known = fields.Dict(keys=fields.String(), values=fields.Nested(AskMeKnownSlotSchema), required=True)
    current_question = fields.Nested(AskMeQuestionSchema, required=True, allow_none=True)
    final_prompt = fields.String(required=True, allow_none=True)
    assessment = fields.Nested(AssessmentSchema, required=True, allow_none=True)
    history_id = fields.Integer(required=True, allow_none=True)
    finished_at = fields.DateTime(required=True, allow_none=True)


class AskMeAnswerResultSchema(ma.Schema):
    session_id = fields.UUID(required=True)
    question_id = fields.String(required=True)
    follow_ups = fields.List(fields.Nested(AskMeQuestionSchema), required=True)
    completeness = fields.Float(required=True, metadata={"description": "0-1"})
    next_question = fields.Nested(AskMeQuestionSchema, required=True, allow_none=True)
    session = fields.Nested(AskMeSessionSchema, required=True)


class AskMeFinalizeResultSchema(ma.Schema):
    session_id = fields.UUID(required=True)
    prompt = fields.String(required=True)
    score = fields.Float(required=True, metadata={"description": "0-10"})
    assessment = fields.Nested(AssessmentSchema, required=True)
    history_id = fields.Integer(required=True, allow_none=True)
    template_id = fields.Integer(required=True, allow_none=True)
    session = fields.Nested(AskMeSessionSchema, required=True)


class AskMeDebugSchema(ma.Schema):
    sessions = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    planned_by = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    events = fields.Integer(required=True)
    average_completeness = fields.Float(required=True, allow_none=True)
    average_score = fields.Float(required=True, allow_none=True)
    slots_asked = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    follow_ups_opened = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
