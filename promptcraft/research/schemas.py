"""Request and response schemas of the research API (they also document it)."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from promptcraft.fields import FormInput, text
from promptcraft.pagination import PageQuerySchema
from promptcraft.research.models import DEPTHS, STATUSES

TOPIC_MAX = 300


class ResearchJobCreateSchema(ma.Schema):
    topic = text(TOPIC_MAX, min_length=3, required=True,
                 metadata={"description": "What to research, in a few words or a question"})
    depth = fields.String(load_default="standard", validate=validate.OneOf(DEPTHS),
                          metadata={"description": "quick, standard or deep: how many sources of each kind"})


class ResearchJobFormSchema(FormInput, ResearchJobCreateSchema):
    pass


class ResearchJobQuerySchema(PageQuerySchema):
    status = fields.String(validate=validate.OneOf(STATUSES))


class ResearchSourceSchema(ma.Schema):
    n = fields.Integer(required=True, metadata={"description": "The number the brief cites, as [n]"})
    id = fields.String(required=True, metadata={"description": "template:ID, saved:ID, history:ID or web:N"})
    kind = fields.String(required=True, metadata={"description": "template, saved_prompt, history or web"})
    title = fields.String(required=True)
    url = fields.String(allow_none=True, required=True)
    snippet = fields.String(required=True)
    score = fields.Float(required=True)
    cited = fields.Boolean(required=True, metadata={"description": "Whether the brief cites this source"})


class ResearchErrorSchema(ma.Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)


class ResearchJobSummarySchema(ma.Schema):
    id = fields.Integer(required=True)
    topic = fields.String(required=True)
    depth = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "queued, running, done or failed"})
    stage = fields.String(required=True)
    progress = fields.Integer(required=True, metadata={"description": "Percent, 0–100"})
    created_at = fields.DateTime(required=True)
    finished_at = fields.DateTime(allow_none=True, required=True)
    error = fields.Nested(ResearchErrorSchema, allow_none=True, required=True,
                          metadata={"description": "Why the job failed; null unless it did"})


class ResearchStepSchema(ma.Schema):
    id = fields.Integer(required=True)
    stage = fields.String(required=True)
    progress = fields.Integer(required=True)
    message = fields.String(required=True)
    created_at = fields.DateTime(required=True)


class ResearchJobSchema(ResearchJobSummarySchema):
    started_at = fields.DateTime(allow_none=True, required=True)
    attempts = fields.Integer(required=True)
    sources = fields.List(fields.Nested(ResearchSourceSchema), required=True)
    brief = fields.String(required=True, metadata={"description": "Markdown, citing sources as [n]; empty until done"})
    brief_method = fields.String(allow_none=True, required=True,
                                 metadata={"description": "model (written by a model) or local (composed offline)"})
    messages = fields.List(fields.Nested(ResearchStepSchema), required=True, attribute="events",
                           metadata={"description": "The progress steps so far, oldest first"})


class ResearchStreamQuerySchema(ma.Schema):
    last_event_id = fields.Integer(validate=validate.Range(min=0, max=2**63 - 1), metadata={
        "description": "Resume after this event (EventSource sends the Last-Event-ID header instead)"})
