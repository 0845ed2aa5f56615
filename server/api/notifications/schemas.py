"""The message centre's bodies 消息中心."""
from marshmallow import Schema, fields

from ...models.vocab import NOTIFICATION_KINDS, NOTIFICATION_SUBJECTS, PERSONAL_CHANNELS
from ..common import JsonBoolean
from ..pagination import PageArgsSchema, page_schema
from ..settings.schemas import channels_by_kind


class NotificationArgsSchema(PageArgsSchema):
    unread = fields.Boolean(load_default=False, metadata={"description": "only the unread ones"})


class NotificationSchema(Schema):
    id = fields.UUID()
    kind = fields.String(metadata={"enum": list(NOTIFICATION_KINDS)})
    text = fields.String(metadata={"description": "in English; never a name, an ID or a phone number"})
    text_zh = fields.String()
    subject_type = fields.String(metadata={"enum": list(NOTIFICATION_SUBJECTS),
                                           "description": "what it is about"})
    subject_id = fields.String(metadata={"description": "the dispute's or alert's id, the cell's code, the visit's "
                                                        "or the move's id"})
    api_url = fields.String(metadata={"description": "where a client reads the thing it is about"})
    urgent = fields.Boolean(metadata={"description": "red: past a limit, a red-risk dispute, a high alert"})
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)


class NotificationPageSchema(page_schema(NotificationSchema, "NotificationList")):
    unread = fields.Integer(metadata={"description": "how many of the caller's messages are unread (all pages)"})


class ReadAllSchema(Schema):
    read = fields.Integer(metadata={"description": "how many were marked read"})


class PreferencesSchema(Schema):
    """The caller's own choice of how messages reach them beyond the message centre (server/notifications/outbox.py)."""
    notify_channels = channels_by_kind(PERSONAL_CHANNELS, required=True, allow_none=True, metadata={
        "description": "the personal channels (sms) for each kind, within what the county allows; a kind left out "
                       "follows the county; null: all the county allows. Group robots post to their groups"})
    notify_digest = JsonBoolean(required=True, metadata={
        "description": "one SMS a day at the county's digest hour summing up, instead of one each (urgent ones go "
                       "at once)"})
    county_allows = channels_by_kind(PERSONAL_CHANNELS, dump_only=True, metadata={
        "description": "the personal channels the county sends each kind by (setting notify_channels)"})
    mobile_on_file = fields.Boolean(dump_only=True, metadata={"description": "SMS need a mobile on file"})
    my_kinds = fields.List(fields.String(metadata={"enum": list(NOTIFICATION_KINDS)}), dump_only=True, metadata={
        "description": "the kinds of message the caller's role can be told"})
