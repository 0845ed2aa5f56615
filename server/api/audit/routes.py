"""Reading the audit log (county staff and admin). There is no way to change it."""
import sqlalchemy as sa
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from ...models import AuditLog
from ..blueprint import Blueprint
from ..pagination import PageArgsSchema, page_schema, paginate

blp = Blueprint("audit", __name__, url_prefix="/api/audit", description="Audit log 操作日志")


class AuditQuerySchema(PageArgsSchema):
    action = fields.String(validate=validate.Length(max=32))
    entity_type = fields.String(validate=validate.Length(max=32))
    entity_id = fields.String(validate=validate.Length(max=64))
    username = fields.String(validate=validate.Length(max=64))
    since = fields.AwareDateTime(metadata={"description": "ISO 8601 with offset"})
    until = fields.AwareDateTime()


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


AuditPageSchema = page_schema(AuditRowSchema, "AuditPage")


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
        return paginate(sa.select(AuditLog).where(*conditions), args, AuditLog.id.desc())
