"""The app's flask-smorest Blueprint: a JSON body the document declares required must be sent, and no text
may hold a NUL character.

webargs reads a request without a JSON body (none, or another content type) as `{}`, so an operation whose
fields are all optional (PATCH) would take it as an empty change. Here it answers 422, or 415 when a body
came in another content type, naming the body in both languages. A body nested deeper than MAX_JSON_DEPTH answers
400 (server/bounded_json.py). PostgreSQL cannot store or even compare
text with NUL (U+0000) in it (a 500 found by the fuzzer on PostGIS); no keyboard types one, so it answers 422
naming the field, on both back ends.

An upload's form fields and its file, read as two arguments (webargs' form and files locations), are documented as
one multipart/form-data body (flask-smorest would leave the form fields as Swagger 2's formData parameters, which
OpenAPI 3 does not have)."""
from functools import cache

from flask_smorest import Blueprint as SmorestBlueprint
from marshmallow import Schema
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from .. import limits
from ..bounded_json import MAX_JSON_DEPTH, TooDeep, check_depth
from ..errors import api_abort


def _nul_at(value, path: str = "") -> str | None:
    """The path of the first string (key or value) holding a NUL character, or None."""
    if isinstance(value, str):
        return path or "body" if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = _nul_at(str(key), f"{path}.{key}".lstrip(".")) or _nul_at(item, f"{path}.{key}".lstrip("."))
            if found:
                return found
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = _nul_at(item, f"{path}[{i}]")
            if found:
                return found
    return None


def _refuse_nul(location: str, data) -> None:
    where = _nul_at(data)
    if where:
        api_abort(422, f"Text may not contain NUL characters ({where})", f"文本不能含有空字符（{where}）",
                  errors={location: {where: ["contains a NUL character / 含有空字符"]}})


def _may_hold_nul(body: bytes) -> bool:
    """Whether JSON text could decode to a string holding NUL: only through the escape \\u0000, or a NUL byte (a body
    in UTF-16 or UTF-32, which JSON allows, has them everywhere). A body without either need not be walked."""
    return b"\\u0000" in body or b"\x00" in body


def limit_request_body() -> None:
    """before_request: the most the endpoint's body may hold (server/limits.py), within MAX_CONTENT_LENGTH. Werkzeug
    refuses a body declared larger when it is first read, and one sent without its length once it passes it."""
    from flask import current_app, request
    request.max_content_length = min(limits.body_limit(request.endpoint), current_app.config["MAX_CONTENT_LENGTH"])


def refuse_nul_in_path() -> None:
    """before_request: a path holding %00 (a unit or household code) is refused like any other NUL."""
    from flask import request
    if "\x00" in request.path:
        _refuse_nul("path", {"path": request.path})


class Parser(FlaskParser):
    def _raw_load_json(self, req):
        try:
            data = super()._raw_load_json(req)
            if data is not core.missing:
                check_depth(data)
            return data
        except (TooDeep, RecursionError):
            pass  # answered outside the handler, so the error carries no traceback of the decoder's recursion
        api_abort(400, f"The JSON body is nested deeper than {MAX_JSON_DEPTH} levels",
                  f"JSON 请求体嵌套超过 {MAX_JSON_DEPTH} 层", errors={"json": [
                      f"nested deeper than {MAX_JSON_DEPTH} levels / 嵌套超过 {MAX_JSON_DEPTH} 层"]})

    def load_querystring(self, req, schema):
        _refuse_nul("query", req.args.to_dict(flat=False))
        return super().load_querystring(req, schema)

    def load_json(self, req, schema):
        data = super().load_json(req, schema)
        if _may_hold_nul(req.get_data(cache=True)):
            _refuse_nul("json", data)
        if data is core.missing:
            if req.get_data(cache=True) and not is_json_request(req):
                api_abort(415, "Send the body as JSON (Content-Type: application/json)",
                          "请求体须为 JSON（Content-Type: application/json）")
            api_abort(422, "A JSON body is required", "缺少 JSON 请求体",
                      errors={"json": ["A JSON body is required / 缺少 JSON 请求体"]})
        return data


@cache
def upload_schema(form: type[Schema], files: type[Schema]) -> type[Schema]:
    """The body of an upload as the document shows it: the form's fields and the file's, as one schema, named after the
    form's (ImportFormSchema → ImportUpload)."""
    name = form.__name__.removesuffix("Schema").removesuffix("Form") + "UploadSchema"
    return Schema.from_dict({**form._declared_fields, **files._declared_fields}, name=name)


class Blueprint(SmorestBlueprint):
    ARGUMENTS_PARSER = Parser()

    def _prepare_arguments_doc(self, doc, doc_info, *, api, spec, **kwargs):
        arguments = doc_info.get("arguments")
        if arguments and spec.openapi_version.major >= 3:
            by_location = {p["in"]: p for p in arguments["parameters"] if isinstance(p, dict)}
            if "form" in by_location and "files" in by_location:
                form, files = by_location["form"], by_location["files"]
                arguments["parameters"].remove(form)
                files["schema"] = upload_schema(form["schema"], files["schema"])  # multipart/form-data, as files are
        return super()._prepare_arguments_doc(doc, doc_info, api=api, spec=spec, **kwargs)


