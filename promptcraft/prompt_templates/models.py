"""The prompt library's tables."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from promptcraft.auth.models import User
from promptcraft.db_types import UTCDateTime, utcnow
from promptcraft.extensions import db

# JSON everywhere, JSONB on PostgreSQL (indexable, and what the search trigger reads).
JSONType = sa.JSON().with_variant(JSONB(), "postgresql")


class Category(db.Model):
    __tablename__ = "template_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")


class Template(db.Model):
    """A reusable prompt with `{{variables}}`. No owner means the bundled library."""

    __tablename__ = "templates"
    __table_args__ = (
        sa.Index("ix_templates_public_created", "is_public", "created_at"),
        # Covers everything search filters and boosts on, so ranking never reads the wide rows.
        sa.Index("ix_templates_ranking", "id", "is_public", "owner_id", "category_id", "is_featured",
                 "usage_count", "rating_avg"),
        # The list's sort orders (discovery.ORDERINGS, read either way): a page of a large
        # category is the first rows of the index that pass the filters, not a sort of them all.
        sa.Index("ix_templates_usage_order", "usage_count", "rating_avg", "id"),
        sa.Index("ix_templates_rating_order", "rating_avg", "rating_count", "id"),
        sa.Index("ix_templates_title_order", "title", "id"),
        # The same within a category (its pages are the commonest list; SQLite would sort the
        # whole category rather than walk an order index for it).
        sa.Index("ix_templates_category_created", "category_id", "is_public", "created_at", "id"),
        sa.Index("ix_templates_category_usage", "category_id", "is_public", "usage_count", "rating_avg", "id"),
        sa.Index("ix_templates_category_rating", "category_id", "is_public", "rating_avg", "rating_count", "id"),
        sa.Index("ix_templates_category_title", "category_id", "is_public", "title", "id"),
    )

    # An integer key: SQLite's full-text index is keyed by it (FTS5 content_rowid).
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    content: Mapped[str] = mapped_column(sa.Text)
    # [{"name", "description", "default", "required"}], in order of first use in content.
    variables: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    tags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    category_id: Mapped[int | None] = mapped_column(sa.ForeignKey("template_categories.id", ondelete="SET NULL"))
    is_public: Mapped[bool] = mapped_column(default=True)
    is_featured: Mapped[bool] = mapped_column(default=False, index=True)
    usage_count: Mapped[int] = mapped_column(default=0)
    rating_avg: Mapped[float] = mapped_column(default=0.0)
    rating_count: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)
    # Where it came from: the bundled collection's id, licence and credits, or the template it forks.
    source: Mapped[str] = mapped_column(sa.String(64), default="user")
    source_ref: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    license: Mapped[str | None] = mapped_column(sa.String(32))
    contributors: Mapped[list[str]] = mapped_column(JSONType, default=list)
    forked_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("templates.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    owner: Mapped[User | None] = relationship(lazy="joined")
    category: Mapped[Category | None] = relationship(lazy="joined")
    forked_from: Mapped[Template | None] = relationship(remote_side=[id], lazy="selectin")

    @property
    def owner_name(self) -> str:
        return self.owner.username if self.owner else "PromptCraft library"


class TemplateTag(db.Model):
    """One row per (template, tag): what tag filters and tag counts use (an index, kept by the service)."""

    __tablename__ = "template_tags"
    __table_args__ = (sa.Index("ix_template_tags_tag", "tag", "template_id"),)

    template_id: Mapped[int] = mapped_column(sa.ForeignKey("templates.id", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(sa.String(64), primary_key=True)


class TemplateVersion(db.Model):
    """Every saved state of a template's content; version 1 is the original."""

    __tablename__ = "template_versions"
    __table_args__ = (sa.UniqueConstraint("template_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(sa.ForeignKey("templates.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200))
    content: Mapped[str] = mapped_column(sa.Text)
    variables: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    author_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TemplateRating(db.Model):
    __tablename__ = "template_ratings"
    __table_args__ = (sa.UniqueConstraint("template_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(sa.ForeignKey("templates.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    score: Mapped[int]
    review: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship(lazy="joined")


class TemplateUsage(db.Model):
    """One use of a template: rendered, sent to a model, used in a chat."""

    __tablename__ = "template_usage"
    __table_args__ = (sa.Index("ix_template_usage_template_created", "template_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(sa.ForeignKey("templates.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
