from marshmallow import Schema, fields, validate

from ...geojson_schemas import Geometry
from ...models.vocab import ATTACHED_TYPES, ATTACHMENT_KINDS


class UploadArgsSchema(Schema):
    id = fields.UUID(load_default=None, metadata={
        "description": "the client's UUID for the attachment: the same id sent again answers the first upload (200)"})


class AttachedToSchema(Schema):
    type = fields.String(validate=validate.OneOf(ATTACHED_TYPES))
    id = fields.UUID()


class AttachmentSchema(Schema):
    id = fields.UUID()
    kind = fields.String(validate=validate.OneOf(ATTACHMENT_KINDS))
    content_type = fields.String(metadata={"description": "of the file served: image/jpeg for every photo"})
    size = fields.Integer(metadata={"description": "bytes served"})
    width = fields.Integer(allow_none=True)
    height = fields.Integer(allow_none=True)
    sha256 = fields.String(metadata={"description": "of the file served (its ETag)"})
    taken_at = fields.DateTime(allow_none=True, metadata={
        "description": "EXIF DateTimeOriginal (China time when the EXIF gives no offset)"})
    location = Geometry("Point", allow_none=True, metadata={"description": "from the EXIF GPS"})
    distance_m = fields.Float(allow_none=True, metadata={
        "description": "from the household of the visit it is attached to, when both are located"})
    uploaded_at = fields.DateTime()
    uploaded_by = fields.String(allow_none=True, metadata={"description": "the uploader's display name"})
    attached_to = fields.Nested(AttachedToSchema, allow_none=True)
    url = fields.String()
    thumbnail_url = fields.String(allow_none=True, metadata={"description": "null for a document"})


class AttachmentShortSchema(Schema):
    """An attachment as lists show it (a visit's, a step's)."""
    id = fields.UUID()
    kind = fields.String()
    content_type = fields.String()
    url = fields.String()
    thumbnail_url = fields.String(allow_none=True)
    taken_at = fields.DateTime(allow_none=True)

