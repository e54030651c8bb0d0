"""The one pagination helper: `?page=&page_size=` in, `{results, count, page, pages}` out."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import marshmallow as ma
import sqlalchemy as sa

from promptcraft.extensions import db

MAX_PAGE_SIZE = 100


class PageQuerySchema(ma.Schema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=100_000))
    page_size = ma.fields.Integer(load_default=20, validate=ma.validate.Range(min=1, max=MAX_PAGE_SIZE))


@dataclass
class Page:
    results: list[Any]
    count: int
    page: int
    page_size: int
    count_capped: bool = False  # `count` is a lower bound: counting stopped there (a very broad search)

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages or self.count_capped

    @property
    def has_prev(self) -> bool:
        return self.page > 1


def paginate(stmt: sa.Select, page: int = 1, page_size: int = 20, *, scalars: bool = True) -> Page:
    """Run `stmt` for one page and count all its rows (one COUNT over the same statement)."""
    count = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())) or 0
    window = stmt.limit(page_size).offset((page - 1) * page_size)
    rows = db.session.scalars(window).all() if scalars else db.session.execute(window).all()
    return Page(list(rows), count, page, page_size)


@cache
def page_schema(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """The paginated envelope of `item_schema`, one class per item schema (apispec names it)."""
    name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
    return type(
        name,
        (ma.Schema,),
        {
            "results": ma.fields.List(ma.fields.Nested(item_schema), required=True),
            "count": ma.fields.Integer(required=True),
            "count_capped": ma.fields.Boolean(
                required=True, dump_default=False,
                metadata={"description": "True when `count` is a lower bound: a very broad search stops counting "
                                         "there (more results follow on later pages)."}),
            "page": ma.fields.Integer(required=True),
            "pages": ma.fields.Integer(required=True),
        },
    )
