"""Components of the OpenAPI document that no marshmallow schema makes, for shapes marshmallow cannot say: field
messages nested to any depth, and a stored value of any JSON type. The Api registers them (server/errors.py); fields
name them with `component_field`. And a field shown otherwise than its class (UUIDText). Marshmallow, no Flask."""
from marshmallow import fields

from .nullable import NULL_ONLY

REF = "#/components/schemas/"

COMPONENTS = {
    "FieldMessages": {
        "type": "object", "description": "Messages by location and field, in both languages: a field's list of "
        "messages, or the messages of its own fields (or of a list's items, keyed by index)",
        "additionalProperties": {"oneOf": [{"type": "array", "items": {"type": "string"}},
                                           {"$ref": f"{REF}FieldMessages"}]}},
    # a value as stored: a column of any table, a field of any record; its lists and objects hold values of any type
    # (openapi-python-client cannot generate a union that holds itself, so they are left open)
    "JsonValue": {
        "description": "a stored value of any JSON type",
        "oneOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}, {"type": "array", "items": {}},
                  {"type": "object", "additionalProperties": {}}, NULL_ONLY]},
}


def component_field(name: str, **kwargs) -> fields.Raw:
    """A field holding the component `name`, dumped as it is."""
    ref = {"$ref": f"{REF}{name}"}
    shown = {"anyOf": [ref, NULL_ONLY]} if kwargs.get("allow_none") else {"allOf": [ref]}
    metadata = {**kwargs.pop("metadata", {}), **shown}
    return fields.Raw(metadata=metadata, **kwargs)


class UUIDText(fields.UUID):
    """A UUID sent in a header, shown as a plain string: openapi-python-client types `format: uuid` as uuid.UUID and puts
    that object in the header as it is, which httpx refuses (a generated client could not send X-Device-Id)."""

    OPENAPI_TYPE = ("string", None)  # the Api maps the class to it (server/errors.py)
