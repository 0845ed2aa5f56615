"""Arguments and rows of the audit log API."""
from marshmallow import Schema, fields, validate

from ...document_components import component_field
from ..pagination import PageArgsSchema


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
    before = fields.Dict(keys=fields.String(), values=component_field("JsonValue"), allow_none=True, metadata={
        "description": "the record before the write, field by field (personal numbers masked, password hashes left "
                       "out); null for a new record"})
    after = fields.Dict(keys=fields.String(), values=component_field("JsonValue"), allow_none=True, metadata={
        "description": "the record after the write, or what the action recorded (a sign-in's username, an import's "
                       "counts); null for a removal"})
