"""Templates: create, edit (every content change is a version), delete, render, rate, fork, use."""
from __future__ import annotations

import difflib
import re
from typing import Any

import sqlalchemy as sa

from promptcraft import signals
from promptcraft.auth.models import User
from promptcraft.entitlements import entitlements
from promptcraft.errors import AppError
from promptcraft.extensions import db
from promptcraft.prompt_templates import variables as template_variables
from promptcraft.prompt_templates.models import (
    Category,
    Template,
    TemplateRating,
    TemplateTag,
    TemplateUsage,
    TemplateVersion,
)

TAG_RE = re.compile(r"^[a-z0-9][a-z0-9+#.-]{0,39}$")
MAX_TAGS = 10
VERSIONED_FIELDS = ("title", "content", "variables")


def visible_to(user: User | None) -> sa.ColumnElement[bool]:
    """Public templates, plus the user's own; staff see everything."""
    if user is None:
        return Template.is_public.is_(True)
    if user.is_staff:
        return sa.true()
    return sa.or_(Template.is_public.is_(True), Template.owner_id == user.id)


def get_template(template_id: int, user: User | None) -> Template:
    """A template the user may see; a private one of someone else is 404, as if it did not exist."""
    template = db.session.get(Template, template_id)
    if template is None or not (template.is_public or _owns(user, template) or (user and user.is_staff)):
        raise AppError.not_found("Template")
    return template


def view_template(template_id: int, user: User | None) -> Template:
    """A template opened by someone: the same as get_template, and listeners hear of the view."""
    template = get_template(template_id, user)
    signals.template_viewed.send(user.id if user else None, template_id=template.id)
    return template


def _owns(user: User | None, template: Template) -> bool:
    return user is not None and template.owner_id == user.id


def editable(template_id: int, user: User) -> Template:
    """A template the user may change: their own, or any for staff (403 for others' public ones)."""
    template = get_template(template_id, user)
    if not (_owns(user, template) or user.is_staff):
        raise AppError.forbidden("Only the owner can change this template; duplicate it to make your own.")
    return template


def normalise_tags(tags: list[str]) -> list[str]:
    clean = list(dict.fromkeys(t.strip().lower().replace(" ", "-") for t in tags if t and t.strip()))
    bad = [t for t in clean if not TAG_RE.match(t)]
    if bad or len(clean) > MAX_TAGS:
        problems = [f"'{t}' is not a valid tag." for t in bad] or [f"Use at most {MAX_TAGS} tags."]
        raise AppError.invalid("Some tags are not valid.", {"tags": problems})
    return clean


def category_by_slug(slug: str | None) -> Category | None:
    if not slug:
        return None
    category = db.session.scalar(sa.select(Category).where(Category.slug == slug))
    if category is None:
        raise AppError.invalid("Unknown category.", {"category": [f"No category '{slug}'."]})
    return category


def sync_tags(template: Template) -> None:
    """Keep the tag index in step with the template's tags (call after flush)."""
    db.session.execute(sa.delete(TemplateTag).where(TemplateTag.template_id == template.id))
    if template.tags:
        db.session.execute(sa.insert(TemplateTag), [{"template_id": template.id, "tag": t} for t in template.tags])


def _snapshot(template: Template, author: User | None, note: str) -> None:
    db.session.add(TemplateVersion(
        template_id=template.id, version=template.version, title=template.title, content=template.content,
        variables=template.variables, author_id=author.id if author else None, note=note,
    ))


def build(data: dict[str, Any], owner: User | None) -> Template:
    """A new template from validated data (flushed with its first version, not committed)."""
    template = Template(
        owner_id=owner.id if owner else None,
        title=data["title"].strip(),
        description=(data.get("description") or "").strip(),
        content=data["content"],
        variables=template_variables.declare(data["content"], data.get("variables")),
        tags=normalise_tags(data.get("tags") or []),
        category=category_by_slug(data.get("category")),
        is_public=data.get("is_public", True),
        source=data.get("source", "user"),
        source_ref=data.get("source_ref"),
        license=data.get("license"),
        contributors=data.get("contributors") or [],
        forked_from_id=data.get("forked_from_id"),
    )
    db.session.add(template)
    db.session.flush()
    sync_tags(template)
    _snapshot(template, owner, data.get("version_note") or "Created")
    return template


def check_private_allowance(user: User, *, adding: bool) -> None:
    """A plan may cap how many private templates a user keeps (402 over the cap)."""
    if not adding:
        return
    limit = entitlements(user)["private_templates"]
    if limit is None:
        return
    owned = db.session.scalar(sa.select(sa.func.count()).where(Template.owner_id == user.id,
                                                               Template.is_public.is_(False)))
    if owned >= limit:
        raise AppError(402, "plan_limit", f"Your plan keeps {limit} private templates; make one public or upgrade.",
                       {"limit": limit})


def create_template(user: User, data: dict[str, Any]) -> Template:
    if data.get("is_featured") and not user.is_staff:
        raise AppError.forbidden("Only staff can feature templates.")
    check_private_allowance(user, adding=not data.get("is_public", True))
    template = build(data, user)
    template.is_featured = bool(data.get("is_featured"))
    db.session.commit()
    signals.template_created.send(user.id, template_id=template.id)
    return template


def apply_changes(template: Template, changes: dict[str, Any], author: User | None) -> bool:
    """Apply validated changes; returns whether a new version was recorded. Does not commit."""
    if "tags" in changes:
        template.tags = normalise_tags(changes["tags"] or [])
        db.session.flush()
        sync_tags(template)
    if "category" in changes:
        template.category = category_by_slug(changes["category"])
    for field in ("description", "is_public", "is_featured", "license", "contributors"):
        if field in changes:
            setattr(template, field, changes[field] if field != "description" else (changes[field] or "").strip())
    before = {field: getattr(template, field) for field in VERSIONED_FIELDS}
    if "title" in changes:
        template.title = changes["title"].strip()
    if "content" in changes or "variables" in changes:
        content = changes.get("content", template.content)
        if "variables" in changes:
            declared = changes["variables"]
        else:  # keep the declarations of the placeholders that remain
            used = set(template_variables.placeholders(content))
            declared = [item for item in template.variables if item["name"] in used]
        template.content = content
        template.variables = template_variables.declare(content, declared)
    if any(getattr(template, field) != before[field] for field in VERSIONED_FIELDS):
        template.version += 1
        _snapshot(template, author, changes.get("version_note") or "Edited")
        return True
    return False


def update_template(template_id: int, user: User, changes: dict[str, Any]) -> Template:
    """Edit a template; changing its title, content or variables records a new version."""
    template = editable(template_id, user)
    if "is_featured" in changes and changes["is_featured"] != template.is_featured and not user.is_staff:
        raise AppError.forbidden("Only staff can feature templates.")
    check_private_allowance(user, adding=template.is_public and changes.get("is_public") is False)
    apply_changes(template, changes, user)
    db.session.commit()
    signals.template_updated.send(user.id, template_id=template.id)
    return template


def delete_template(template_id: int, user: User) -> None:
    template = editable(template_id, user)
    db.session.delete(template)
    db.session.commit()
    signals.template_deleted.send(user.id, template_id=template_id)


def render_template(template_id: int, user: User | None, values: dict[str, Any], *, record: bool = True
                    ) -> tuple[Template, str]:
    """Fill in the variables (400 naming every missing required one); a render counts as a use."""
    template = get_template(template_id, user)
    text, missing = template_variables.render(template.content, template.variables, values)
    if missing:
        raise AppError(400, "missing_variables", "Fill in: " + ", ".join(missing) + ".",
                       {"missing": missing, "fields": {name: ["This variable is required."] for name in missing}})
    if record:
        record_usage(template, user, "render")
    return template, text


def record_usage(template: Template, user: User | None, kind: str) -> None:
    """Count one use of a template (render, generate, chat, copy) and tell the listeners."""
    db.session.add(TemplateUsage(template_id=template.id, user_id=user.id if user else None, kind=kind))
    db.session.execute(sa.update(Template).where(Template.id == template.id)
                       .values(usage_count=Template.usage_count + 1))
    db.session.commit()
    db.session.refresh(template)
    signals.template_used.send(user.id if user else None, template_id=template.id, kind=kind,
                               owner_id=template.owner_id)


def rate_template(template_id: int, user: User, score: int, review: str = "") -> TemplateRating:
    """One rating per user, updatable; the template's average and count follow. Not your own."""
    template = get_template(template_id, user)
    if _owns(user, template):
        raise AppError.forbidden("You cannot rate your own template.")
    rating = db.session.scalar(sa.select(TemplateRating).where(
        TemplateRating.template_id == template.id, TemplateRating.user_id == user.id))
    created = rating is None
    if created:
        rating = TemplateRating(template_id=template.id, user_id=user.id, score=score, review=review)
        db.session.add(rating)
    else:
        rating.score, rating.review = score, review
    db.session.flush()
    average, count = db.session.execute(
        sa.select(sa.func.avg(TemplateRating.score), sa.func.count()).where(TemplateRating.template_id == template.id)
    ).one()
    template.rating_avg, template.rating_count = round(float(average), 3), count
    db.session.commit()
    signals.template_rated.send(user.id, template_id=template.id, score=score, created=created,
                                owner_id=template.owner_id)
    return rating


def user_rating(template_id: int, user: User | None) -> TemplateRating | None:
    if user is None:
        return None
    return db.session.scalar(sa.select(TemplateRating).where(
        TemplateRating.template_id == template_id, TemplateRating.user_id == user.id))


def duplicate_template(template_id: int, user: User) -> Template:
    """Fork into the caller's library (private), keeping the source's licence and credits."""
    source = get_template(template_id, user)
    check_private_allowance(user, adding=True)
    data = {
        "title": f"{source.title} (copy)"[:200], "description": source.description, "content": source.content,
        "variables": source.variables, "tags": source.tags,
        "category": source.category.slug if source.category else None,
        "is_public": False, "source": "fork", "license": source.license,
        "contributors": source.contributors, "forked_from_id": source.id,
        "version_note": f"Forked from “{source.title}” by {source.owner_name}",
    }
    template = build(data, user)
    db.session.commit()
    signals.template_created.send(user.id, template_id=template.id)
    return template


def versions(template_id: int, user: User | None) -> list[dict[str, Any]]:
    """Every saved version, newest first, each with a unified diff against the one before."""
    template = get_template(template_id, user)
    rows = list(db.session.scalars(sa.select(TemplateVersion).where(TemplateVersion.template_id == template.id)
                                   .order_by(TemplateVersion.version)))
    result, previous = [], None
    for row in rows:
        before = previous.content if previous else ""
        diff = "\n".join(difflib.unified_diff(
            before.splitlines(), row.content.splitlines(), lineterm="",
            fromfile=f"v{previous.version}" if previous else "empty", tofile=f"v{row.version}",
        ))
        result.append({"version": row.version, "title": row.title, "content": row.content,
                       "variables": row.variables, "note": row.note, "created_at": row.created_at,
                       "author": _username(row.author_id), "diff": diff,
                       "title_changed": bool(previous and previous.title != row.title)})
        previous = row
    return list(reversed(result))


def _username(user_id) -> str | None:
    return db.session.scalar(sa.select(User.username).where(User.id == user_id)) if user_id else None
