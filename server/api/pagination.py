"""Paginated lists, the same everywhere: ?page=&page_size= in, {items, page, page_size, total} out."""
import sqlalchemy as sa
from flask import current_app
from marshmallow import Schema, ValidationError, fields, validate, validates

from ..extensions import db


class PageArgsSchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    page_size = fields.Integer(load_default=None, metadata={"description": "default 50, at most 500"})

    @validates("page_size")
    def _check_page_size(self, value, **_):
        if value is None:
            return
        limit = current_app.config["PAGE_SIZE_MAX"]
        if not 1 <= value <= limit:
            raise ValidationError(f"page_size must be between 1 and {limit} / 每页条数须在 1 到 {limit} 之间")


def page_schema(item_schema, name: str) -> type[Schema]:
    """The response schema of a page of item_schema."""
    return Schema.from_dict({"items": fields.List(fields.Nested(item_schema)), "page": fields.Integer(),
                             "page_size": fields.Integer(), "total": fields.Integer()}, name=name)


def paginate(query, args: dict, *order_by, row=None) -> dict:
    """One page of an ORM select, with the total counted in SQL. Items are the selected objects, or
    row(r) of each result row when the select has several columns."""
    size = args.get("page_size") or current_app.config["PAGE_SIZE_DEFAULT"]
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    page = query.order_by(*order_by).offset((args["page"] - 1) * size).limit(size)
    items = ([row(r) for r in db.session.execute(page).all()] if row else
             db.session.scalars(page).unique().all())
    return {"items": items, "page": args["page"], "page_size": size, "total": total}
