"""Sign-in, sign-up, profile, password and API-key pages."""
from __future__ import annotations

import uuid

from flask import Blueprint, flash, g, request, url_for
from flask_jwt_extended import set_access_cookies, set_refresh_cookies

from promptcraft.auth import api_keys, schemas, service, social
from promptcraft.auth.identity import current_identity, current_user, login_required, require_user
from promptcraft.auth.limits import login_per_account, login_per_ip, register_per_ip
from promptcraft.errors import AppError
from promptcraft.forms import empty_form, load_form
from promptcraft.htmx import hx_redirect, render_page

bp = Blueprint("auth_pages", __name__)


def _safe_next(default: str = "/") -> str:
    target = request.values.get("next") or default
    return target if target.startswith("/") and not target.startswith("//") else default


def _signed_in(pair, destination: str):
    response = hx_redirect(destination)
    set_access_cookies(response, pair.access)
    set_refresh_cookies(response, pair.refresh)
    return response


@bp.route("/login", methods=["GET", "POST"])
@login_per_ip
@login_per_account
def login():
    """Sign-in page."""
    if request.method == "GET":
        if current_user():
            return hx_redirect(_safe_next())
        return render_page("auth/login.html", form=empty_form(), providers=social.providers(), next=_safe_next())
    form = load_form(schemas.LoginSchema())
    if form.ok:
        try:
            _, pair = service.login(form.data["identifier"], form.data["password"],
                                    user_agent=request.headers.get("User-Agent", ""))
            return _signed_in(pair, _safe_next())
        except AppError as error:
            form.fail(error)
    return render_page("auth/login.html", "form", form=form, providers=social.providers(), next=_safe_next()), 400


@bp.route("/register", methods=["GET", "POST"])
@register_per_ip
def register():
    """Sign-up page with live availability checks."""
    if request.method == "GET":
        return render_page("auth/register.html", form=empty_form())
    form = load_form(schemas.RegisterSchema())
    if form.ok:
        try:
            user, pair = service.register(form.data, user_agent=request.headers.get("User-Agent", ""))
            flash(f"Welcome, {user.username}! You start with {user.credits} credits.", "success")
            return _signed_in(pair, "/")
        except AppError as error:
            form.fail(error)
    return render_page("auth/register.html", "form", form=form), 400


@bp.route("/register/check/<string:field>")
def check(field: str):
    """Live availability of a username or email, as a small fragment."""
    if field not in {"username", "email"}:
        raise AppError.not_found("Check")
    value = request.args.get(field, "").strip()
    result = service.availability(**{field: value}) if value else None
    return render_page("auth/_availability.html", field=field, value=value, result=result)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out of this browser."""
    identity = current_identity()
    service.logout(identity.user, identity.claims)
    g.clear_auth_cookies = True
    flash("You are signed out.", "info")
    return hx_redirect(url_for("auth_pages.login"))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    """Profile page: edit names, bio, time zone and contact details."""
    user = require_user()
    if request.method == "GET":
        return render_page("auth/profile.html", form=empty_form(), stats=service.user_stats(user))
    form = load_form(schemas.ProfileUpdateSchema())
    if form.ok:
        try:
            service.update_profile(user, form.data)
            flash("Profile saved.", "success")
            return hx_redirect(url_for("auth_pages.profile"))
        except AppError as error:
            form.fail(error)
    return render_page("auth/profile.html", "profile_form", form=form, stats=service.user_stats(user)), 400


@bp.route("/profile/password", methods=["GET", "POST"])
@login_required
def password():
    """Change the password; other sessions are signed out."""
    if request.method == "GET":
        return render_page("auth/password.html", form=empty_form())
    form = load_form(schemas.ChangePasswordSchema())
    if form.ok:
        identity = current_identity()
        try:
            revoked = service.change_password(identity.user, form.data["old_password"], form.data["new_password"],
                                              keep_family=identity.family_id)
            flash(f"Password changed. {revoked} other session(s) signed out.", "success")
            return hx_redirect(url_for("auth_pages.profile"))
        except AppError as error:
            form.fail(error)
    return render_page("auth/password.html", "form", form=form), 400


@bp.route("/profile/api-keys", methods=["GET", "POST"])
@login_required
def keys():
    """List, create and delete personal API keys."""
    user = require_user()
    created, form, status = None, empty_form(), 200
    if request.method == "POST":
        form = load_form(schemas.ApiKeyCreateSchema())
        if form.ok:
            try:
                created = api_keys.create_key(user, form.data["name"])
                form = empty_form()
            except AppError as error:
                form.fail(error)
        status = 200 if form.ok or created else 400
    return render_page("auth/api_keys.html", "keys", keys=api_keys.list_keys(user), created=created,
                       form=form), status


@bp.route("/profile/api-keys/<uuid:key_id>", methods=["DELETE"])
@login_required
def delete_key(key_id: uuid.UUID):
    """Delete one key and show the remaining list."""
    user = require_user()
    api_keys.delete_key(user, key_id)
    return render_page("auth/api_keys.html", "keys", keys=api_keys.list_keys(user), created=None,
                       form=empty_form())
