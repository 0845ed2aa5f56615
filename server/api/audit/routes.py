"""Reading the audit log (county staff and admin). There is no way to change it."""
import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...models import AuditLog

blp = Blueprint("audit", __name__, url_prefix="/api/audit", description="Audit log 操作日志")


class AuditQuerySchema(Schema):
    action = fields.String(validate=validate.Length(max=32))
    entity_type = fields.String(validate=validate.Length(max=32))
    entity_id = fields.String(validate=validate.Length(max=64))
    username = fields.String(validate=validate.Length(max=64))
    since = fields.AwareDateTime(metadata={"description": "ISO 8601 with offset"})
    until = fields.AwareDateTime()
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    page_size = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


class AuditRowSchema(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    username = fields.String()
    address = fields.String(allow_none=True)
    action = fields.String()
    entity_type = fields.String()
    entity_id = fields.String(allow_none=True)
    before = fields.Raw(allow_none=True)
    after = fields.Raw(allow_none=True)


class AuditPageSchema(Schema):
    items = fields.List(fields.Nested(AuditRowSchema))
    page = fields.Integer()
    page_size = fields.Integer()
    total = fields.Integer()


@blp.route("")
class AuditLogList(MethodView):
    @blp.arguments(AuditQuerySchema, location="query")
    @blp.response(200, AuditPageSchema)
    def get(self, args):
        """Audit rows, newest first, filtered by action, entity, user and period."""
        conditions = [getattr(AuditLog, key) == args[key]
                      for key in ("action", "entity_type", "entity_id", "username") if args.get(key)]
        if args.get("since"):
            conditions.append(AuditLog.at >= args["since"])
        if args.get("until"):
            conditions.append(AuditLog.at < args["until"])
        where = sa.and_(sa.true(), *conditions)
        total = db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(where))
        items = db.session.scalars(sa.select(AuditLog).where(where).order_by(AuditLog.id.desc())
                                   .offset((args["page"] - 1) * args["page_size"]).limit(args["page_size"])).all()
        return {"items": items, "page": args["page"], "page_size": args["page_size"], "total": total}
