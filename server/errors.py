"""One JSON error shape for the whole API, produced here.

    {"code": 404, "status": "Not Found", "message": "...", "message_zh": "...", "errors": {...}}

Views raise errors with `api_abort(status, en, zh)`; marshmallow validation failures arrive
from flask-smorest as 422 with field-level `errors`.
"""
import logging

import marshmallow as ma
from flask import jsonify, request
from flask_smorest import Api, abort
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge

from grids.archive import size_text

from .document_components import COMPONENTS, UUIDText, component_field
from .i18n import bilingual_errors
from .nullable import nullable_properties
from .one_of import one_of_properties

log = logging.getLogger(__name__)

DEFAULT_ZH = {
    400: "请求无效", 401: "请先登录", 403: "无权执行此操作", 404: "未找到", 405: "不支持此请求方法",
    409: "数据已被他人修改", 413: "提交内容过大", 415: "不支持的内容类型", 422: "提交的数据有误",
    429: "请求过于频繁，请稍后再试", 500: "服务器内部错误", 507: "服务器存储空间已满",
}


class ErrorSchema(ma.Schema):
    """The error body, as the OpenAPI document declares it for every operation's error responses."""
    class Meta:
        unknown = ma.INCLUDE  # a view may add fields of its own (e.g. retry_after_minutes on 429)

    code = ma.fields.Integer(required=True, metadata={"description": "HTTP status code"})
    status = ma.fields.String(required=True, metadata={"description": "HTTP status name"})
    message = ma.fields.String(required=True, metadata={"description": "What went wrong, in English"})
    message_zh = ma.fields.String(required=True, metadata={"description": "What went wrong, in Chinese 中文说明"})
    errors = component_field("FieldMessages")


class WanggeApi(Api):
    """flask-smorest's Api with the app's own error body in the document, and what apispec cannot say by itself:
    values that are one of several schemas (server/one_of.py), null as OpenAPI 3.0.3 says it (server/nullable.py),
    the components no schema makes (server/document_components.py), and a schema's rules over several of its fields
    (its `OPENAPI`, e.g. one_of_given)."""
    ERROR_SCHEMA = ErrorSchema

    def _init_spec(self, **kwargs):
        super()._init_spec(**kwargs)
        for name, component in COMPONENTS.items():
            self.spec.components.schema(name, component)
        self.register_field(UUIDText, *UUIDText.OPENAPI_TYPE)
        converter = self.ma_plugin.converter
        converter.add_attribute_function(one_of_properties)
        converter.add_attribute_function(nullable_properties)
        fields_only = converter.schema2jsonschema
        converter.schema2jsonschema = lambda schema: {**fields_only(schema), **getattr(schema, "OPENAPI", {})}


def api_abort(status: int, message: str, message_zh: str, errors=None, **extra):
    """Stop with a JSON error; `errors` holds field messages, `extra` more fields for the body."""
    kwargs = {"errors": errors} if errors is not None else {}
    abort(status, message=message, message_zh=message_zh, extra=extra, **kwargs)


def found_or_404(value, message: str, message_zh: str):
    """The value, or a 404 when the lookup (through the user's scope) found nothing."""
    if value is None:
        api_abort(404, message, message_zh)
    return value


def error_body(exc: HTTPException) -> dict:
    data = getattr(exc, "data", None) or {}
    body = {
        "code": exc.code,
        "status": exc.name,
        "message": data.get("message") or exc.description,
        "message_zh": data.get("message_zh") or DEFAULT_ZH.get(exc.code, exc.name),
    }
    # flask-smorest puts marshmallow's field messages under data["messages"]
    if "messages" in data:
        body["errors"] = bilingual_errors(data["messages"])
    elif "errors" in data:
        body["errors"] = bilingual_errors(data["errors"])
    body.update(data.get("extra") or {})
    return body


def body_too_large() -> dict:
    """What a 413 of Werkzeug's (the body passed the request's max_content_length, server/limits.py) says."""
    limit = request.max_content_length
    return {"message": f"The request body is larger than the limit of {size_text(limit)} for this request "
                       "(max_body_bytes)",
            "message_zh": f"请求体超过本请求 {size_text(limit)} 的上限（max_body_bytes）",
            "extra": {"limits": {"max_body_bytes": limit}}}


def handle_http_exception(exc: HTTPException):
    if exc.code is None or not request.path.startswith("/api"):
        return exc
    if isinstance(exc, RequestEntityTooLarge) and not getattr(exc, "data", None) and request.max_content_length:
        exc.data = body_too_large()
    response = jsonify(error_body(exc))
    response.status_code = exc.code
    for key, value in exc.get_headers():
        if key.lower() != "content-type":
            response.headers[key] = value
    return response


class InsufficientStorage(HTTPException):
    code = 507  # Werkzeug has no class for it
    description = "Insufficient Storage"


def storage_full(exc: Exception) -> bool:
    """The database could not write for want of space: SQLite's SQLITE_FULL, PostgreSQL's disk_full (53100)."""
    orig = getattr(exc, "orig", None)
    return isinstance(exc, OperationalError) and (
        "database or disk is full" in str(orig) or getattr(orig, "pgcode", None) == "53100")


def handle_unexpected(exc: Exception):
    if isinstance(exc, HTTPException):
        return handle_http_exception(exc)
    if storage_full(exc) and request.path.startswith("/api"):
        # the request's transaction is rolled back with its session: nothing of it was saved
        log.error("storage full on %s %s: %s", request.method, request.path, exc.orig)
        full = InsufficientStorage()
        full.data = {"message": "The server's storage is full: nothing of this request was saved. Try again later; "
                                "the administrators have been told",
                     "message_zh": "服务器存储空间已满：本次提交未保存，请稍后重试（已通知管理员）"}
        return handle_http_exception(full)
    log.exception("unhandled error on %s %s", request.method, request.path)
    wrapped = InternalServerError()
    if not request.path.startswith("/api"):
        return wrapped
    return handle_http_exception(wrapped)


def register_error_handlers(app):
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
