"""The app's flask-smorest Blueprint: a JSON body the document declares required must be sent.

webargs reads a request without a JSON body (none, or another content type) as `{}`, so an operation whose
fields are all optional (PATCH) would take it as an empty change. Here it answers 422, or 415 when a body
came in another content type, naming the body in both languages."""
from flask_smorest import Blueprint as SmorestBlueprint
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from ..errors import api_abort


class Parser(FlaskParser):
    def load_json(self, req, schema):
        data = super().load_json(req, schema)
        if data is core.missing:
            if req.get_data(cache=True) and not is_json_request(req):
                api_abort(415, "Send the body as JSON (Content-Type: application/json)",
                          "请求体须为 JSON（Content-Type: application/json）")
            api_abort(422, "A JSON body is required", "缺少 JSON 请求体",
                      errors={"json": ["A JSON body is required / 缺少 JSON 请求体"]})
        return data


class Blueprint(SmorestBlueprint):
    ARGUMENTS_PARSER = Parser()


BINARY = {"type": "string", "format": "binary"}
TEXT = {"type": "string"}
OBJECT = {"type": "object"}


def also_as(status: int, media: dict) -> dict:
    """`@blp.doc(**also_as(200, {"text/csv": TEXT}))`: the response also comes in these media types (a file, a
    tile), each with its schema, beside what `@blp.response` declares."""
    return {"responses": {status: {"content": {media_type: {"schema": schema} for media_type, schema in media.items()}}}}
