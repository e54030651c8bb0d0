"""Request and response schemas of the auth API (they also document it)."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

NAME = validate.Length(max=150)


class UserSchema(ma.Schema):
    id = fields.UUID(required=True)
    username = fields.String(required=True)
    email = fields.Email(required=True)
    first_name = fields.String(required=True)
    last_name = fields.String(required=True)
    bio = fields.String(required=True)
    timezone = fields.String(required=True)
    is_staff = fields.Boolean(required=True)
    credits = fields.Integer(required=True)
    level = fields.Integer(required=True)
    xp = fields.Integer(required=True)
    rank = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    last_login_at = fields.DateTime(required=True, allow_none=True)


class RegisterSchema(ma.Schema):
    username = fields.String(required=True, validate=validate.Length(min=3, max=150))
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=256))
    password_confirm = fields.String(required=True, load_only=True, validate=validate.Length(max=256))
    first_name = fields.String(load_default="", validate=NAME)
    last_name = fields.String(load_default="", validate=NAME)


class LoginSchema(ma.Schema):
    username_or_email = fields.String(validate=validate.Length(min=1, max=254))
    username = fields.String(validate=validate.Length(min=1, max=150))
    email = fields.String(validate=validate.Length(min=1, max=254))
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=256))

    @ma.validates_schema
    def one_identifier(self, data: dict, **kwargs) -> None:
        if not any(data.get(k) for k in ("username_or_email", "username", "email")):
            raise ma.ValidationError("Send username_or_email, username or email.", "username_or_email")

    @ma.post_load
    def identifier(self, data: dict, **kwargs) -> dict:
        data["identifier"] = data.get("username_or_email") or data.get("username") or data.get("email")
        return data


class TokenPairSchema(ma.Schema):
    access = fields.String(required=True)
    refresh = fields.String(required=True)


class SessionSchema(TokenPairSchema):
    user = fields.Nested(UserSchema, required=True)


class SocialSessionSchema(SessionSchema):
    created = fields.Boolean(required=True, metadata={"description": "Whether the account was created now"})


class RefreshSchema(ma.Schema):
    refresh = fields.String(validate=validate.Length(min=1, max=4096), metadata={
        "description": "The refresh token; browsers may rely on the refresh cookie instead"
    })


class LogoutSchema(RefreshSchema):
    pass


class MessageSchema(ma.Schema):
    detail = fields.String(required=True)


class ProfileUpdateSchema(ma.Schema):
    username = fields.String(validate=validate.Length(min=3, max=150))
    email = fields.Email(validate=validate.Length(max=254))
    first_name = fields.String(validate=NAME)
    last_name = fields.String(validate=NAME)
    bio = fields.String(validate=validate.Length(max=2000))
    timezone = fields.String(validate=validate.Length(min=1, max=64))


class ChangePasswordSchema(ma.Schema):
    old_password = fields.String(required=True, load_only=True, validate=validate.Length(max=256))
    new_password = fields.String(required=True, load_only=True, validate=validate.Length(max=256))


class ChangePasswordResultSchema(ma.Schema):
    detail = fields.String(required=True)
    revoked_sessions = fields.Integer(required=True)


class UserStatsSchema(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE

    xp = fields.Integer(required=True)
    level = fields.Integer(required=True)
    rank = fields.String(required=True)
    credits = fields.Integer(required=True)
    member_since = fields.DateTime(required=True)
    api_keys = fields.Integer(required=True)
    active_sessions = fields.Integer(required=True)
    templates = fields.Integer(metadata={"description": "Templates the user owns"})
    prompts = fields.Integer(metadata={"description": "Prompt history entries"})
    chats = fields.Integer(metadata={"description": "Chat sessions"})
    streak = fields.Integer(metadata={"description": "Current streak in days"})
    longest_streak = fields.Integer(metadata={"description": "Longest streak in days"})
    achievements_unlocked = fields.Integer(metadata={"description": "Achievements unlocked"})


class UsernameQuerySchema(ma.Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=150))


class EmailQuerySchema(ma.Schema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))


class AvailabilitySchema(ma.Schema):
    available = fields.Boolean(required=True)
    reason = fields.String(required=True, allow_none=True, metadata={"description": "invalid or taken"})


class ApiKeySchema(ma.Schema):
    id = fields.UUID(required=True)
    name = fields.String(required=True)
    prefix = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    last_used_at = fields.DateTime(required=True, allow_none=True)


class ApiKeyCreatedSchema(ApiKeySchema):
    key = fields.String(required=True, metadata={"description": "The secret: shown this once only"})


class ApiKeyCreateSchema(ma.Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))


class ApiKeyListSchema(ma.Schema):
    results = fields.List(fields.Nested(ApiKeySchema), required=True)


class ProviderSchema(ma.Schema):
    name = fields.String(required=True)
    label = fields.String(required=True)
    initiate_url = fields.String(required=True)


class ProviderListSchema(ma.Schema):
    providers = fields.List(fields.Nested(ProviderSchema), required=True)


class InitiateQuerySchema(ma.Schema):
    next = fields.String(validate=validate.Length(max=500), metadata={
        "description": "A path on this site to return to; the callback then redirects there with cookies set"
    })


class CallbackQuerySchema(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE

    state = fields.String(required=True, validate=validate.Length(max=500))
    code = fields.String(validate=validate.Length(max=2000))
    error = fields.String(validate=validate.Length(max=500))
