"""Reading the audit log (county staff and admin). There is no way to change it."""
import sqlalchemy as sa
from flask.views import MethodView

from ...models import AuditLog
from ..blueprint import Blueprint
from ..pagination import page_schema, paginate
from .schemas import AuditQuerySchema, AuditRowSchema

blp = Blueprint("audit", __name__, url_prefix="/api/audit", description="Audit log 操作日志")


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
