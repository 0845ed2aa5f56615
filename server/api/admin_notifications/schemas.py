"""The outbox as the console shows it 消息外发."""
from marshmallow import Schema, fields, validate

from ...models.vocab import OUTBOUND_CHANNELS, OUTBOUND_STATUSES
from ..pagination import PageArgsSchema, page_schema


class DeliveryArgsSchema(PageArgsSchema):
    status = fields.String(validate=validate.OneOf(OUTBOUND_STATUSES))
    channel = fields.String(validate=validate.OneOf(OUTBOUND_CHANNELS))


class DeliverySchema(Schema):
    id = fields.UUID()
    channel = fields.String(metadata={"enum": list(OUTBOUND_CHANNELS)})
    status = fields.String(metadata={"enum": list(OUTBOUND_STATUSES)})
    username = fields.String(allow_none=True, metadata={"description": "the recipient of an SMS; none for a group"})
    body = fields.String(metadata={"description": "as sent: never an ID or a phone number"})
    urgent = fields.Boolean()
    attempts = fields.Integer()
    next_attempt_at = fields.DateTime()
    last_error = fields.String(allow_none=True, metadata={"description": "a short reason, without secrets"})
    created_at = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True)


class DeliveryCountSchema(Schema):
    channel = fields.String(metadata={"enum": list(OUTBOUND_CHANNELS)})
    status = fields.String(metadata={"enum": list(OUTBOUND_STATUSES)})
    count = fields.Integer()


class DeliveryPageSchema(page_schema(DeliverySchema, "DeliveryList")):
    counts = fields.List(fields.Nested(DeliveryCountSchema), metadata={
        "description": "how many by channel and status, all of them (not only this page's filter)"})
    configured = fields.List(fields.String(), metadata={"description": "the channels configured on the server"})
