"""JSON endpoints under /api/v2/auth/."""
from __future__ import annotations

import uuid

from flask import current_app, g, redirect, request, url_for
from flask_jwt_extended import set_access_cookies, set_refresh_cookies

from promptcraft.auth import api_keys, schemas, service, social
from promptcraft.auth.identity import current_identity, login_required, require_user
from promptcraft.auth.limits import login_per_account, login_per_ip, register_per_ip
from promptcraft.errors import AppError
from promptcraft.http import ApiBlueprint, document_errors

blp = ApiBlueprint("auth", __name__, url_prefix="/api/v2/auth", description="Accounts, tokens and API keys")


def _user_agent() -> str:
    return request.headers.get("User-Agent", "")


def _refresh_token(body: dict) -> str:
    token = body.get("refresh") or request.cookies.get(current_app.config["JWT_REFRESH_COOKIE_NAME"])
    if not token:
        raise AppError.invalid("Send the refresh token.", {"refresh": ["Missing data for required field."]})
    return token


@blp.route("/register/", methods=["POST"])
@register_per_ip
@blp.arguments(schemas.RegisterSchema)
@blp.response(201, schemas.SessionSchema)
@document_errors(409)
def register(data):
    """Create an account and sign in."""
    user, pair = service.register(data, user_agent=_user_agent())
    return {"user": user, "access": pair.access, "refresh": pair.refresh}


@blp.route("/login/", methods=["POST"])
@login_per_ip
@login_per_account
@blp.arguments(schemas.LoginSchema)
@blp.response(200, schemas.SessionSchema)
@document_errors(401)
def login(data):
    """Sign in with a username or email and a password."""
    user, pair = service.login(data["identifier"], data["password"], user_agent=_user_agent())
    return {"user": user, "access": pair.access, "refresh": pair.refresh}


@blp.route("/logout/", methods=["POST"])
@blp.arguments(schemas.LogoutSchema, required=False)
@blp.response(200, schemas.MessageSchema)
@login_required
def logout(data):
    """Revoke the current access token and its refresh-token family."""
    identity = current_identity()
    service.logout(identity.user, identity.claims, data.get("refresh"))
    g.clear_auth_cookies = True
    return {"detail": "Signed out."}


@blp.route("/refresh/", methods=["POST"], endpoint="refresh")
@blp.route("/token/refresh/", methods=["POST"], endpoint="token_refresh")
@blp.arguments(schemas.RefreshSchema, required=False)
@blp.response(200, schemas.TokenPairSchema)
@document_errors(401)
def refresh(data):
    """Exchange a refresh token for a new pair; a reused token revokes its family."""
    pair = service.refresh(_refresh_token(data))
    return {"access": pair.access, "refresh": pair.refresh}


@blp.route("/profile/", methods=["GET"])
@blp.response(200, schemas.UserSchema)
@login_required
def profile():
    """The signed-in user's profile."""
    return require_user()


@blp.route("/profile/update/", methods=["PUT", "PATCH"])
@blp.arguments(schemas.ProfileUpdateSchema)
@blp.response(200, schemas.UserSchema)
@document_errors(409)
@login_required
def update_profile(data):
    """Change names, bio, time zone, username or email."""
    return service.update_profile(require_user(), data)


@blp.route("/change-password/", methods=["POST"])
@blp.arguments(schemas.ChangePasswordSchema)
@blp.response(200, schemas.ChangePasswordResultSchema)
@login_required
def change_password(data):
    """Set a new password; every other session is signed out."""
    identity = current_identity()
    revoked = service.change_password(
        identity.user, data["old_password"], data["new_password"], keep_family=identity.family_id
    )
    return {"detail": "Password changed.", "revoked_sessions": revoked}


@blp.route("/stats/", methods=["GET"])
@blp.response(200, schemas.UserStatsSchema)
@login_required
def stats():
    """The signed-in user's activity figures."""
    return service.user_stats(require_user())


@blp.route("/check-username/", methods=["GET"])
@blp.arguments(schemas.UsernameQuerySchema, location="query")
@blp.response(200, schemas.AvailabilitySchema)
def check_username(args):
    """Whether a username is free to register."""
    return service.availability(username=args["username"])


@blp.route("/check-email/", methods=["GET"])
@blp.arguments(schemas.EmailQuerySchema, location="query")
@blp.response(200, schemas.AvailabilitySchema)
def check_email(args):
    """Whether an email address is free to register."""
    return service.availability(email=args["email"])


@blp.route("/api-keys/", methods=["GET"])
@blp.response(200, schemas.ApiKeyListSchema)
@login_required
def list_api_keys():
    """The caller's API keys (prefix and last use only)."""
    return {"results": api_keys.list_keys(require_user())}


@blp.route("/api-keys/", methods=["POST"], endpoint="create_api_key")
@blp.arguments(schemas.ApiKeyCreateSchema)
@blp.response(201, schemas.ApiKeyCreatedSchema)
@document_errors(409)
@login_required
def create_api_key(data):
    """Create an API key; the secret is in this response only."""
    key, secret = api_keys.create_key(require_user(), data["name"])
    return {field: getattr(key, field) for field in schemas.ApiKeySchema().fields} | {"key": secret}


@blp.route("/api-keys/<uuid:key_id>/", methods=["DELETE"])
@blp.response(204)
@login_required
def delete_api_key(key_id: uuid.UUID):
    """Delete an API key; it stops working at once."""
    api_keys.delete_key(require_user(), key_id)


@blp.route("/social/providers/", methods=["GET"])
@blp.response(200, schemas.ProviderListSchema)
def social_providers():
    """Configured social sign-in providers (an empty list when none)."""
    return {
        "providers": [
            {**p, "initiate_url": url_for("auth.social_initiate", provider=p["name"])} for p in social.providers()
        ]
    }


@blp.route("/social/<string:provider>/initiate/", methods=["GET"])
@blp.arguments(schemas.InitiateQuerySchema, location="query")
@blp.alt_response(302, description="Redirect to the provider's authorization page", success=True)
def social_initiate(args, provider: str):
    """Start social sign-in: redirects to the provider."""
    next_url = args.get("next")
    if next_url and (not next_url.startswith("/") or next_url.startswith("//")):
        raise AppError.invalid("next must be a path on this site.", {"next": ["Use a path such as /profile."]})
    callback = url_for("auth.social_callback", _external=True)
    return redirect(social.authorization_url(provider, callback, next_url))


@blp.route("/social/callback/", methods=["GET"])
@blp.arguments(schemas.CallbackQuerySchema, location="query")
@blp.response(200, schemas.SocialSessionSchema)
@blp.alt_response(302, description="Signed in with cookies, redirected to `next`", success=True)
@document_errors(409, 502)
def social_callback(args):
    """Finish social sign-in: tokens as JSON, or cookies and a redirect to `next`."""
    info, next_url = social.complete(args.get("state"))
    user, pair, created = social.sign_in(info, user_agent=_user_agent())
    if next_url:
        response = redirect(next_url)
        set_access_cookies(response, pair.access)
        set_refresh_cookies(response, pair.refresh)
        return response
    return {"user": user, "access": pair.access, "refresh": pair.refresh, "created": created}
