"""What the API modules share: media types, the schemas of bodies that are files or text, and argument
fields that several operations take."""
from urllib.parse import quote

from marshmallow import ValidationError, fields, validate

from grids.codes import CODE_LENGTH, HOUSEHOLD_CODE_LENGTH, UNIT_LEVELS

# media types besides JSON
GEOJSON = "application/geo+json"
MVT = "application/vnd.mapbox-vector-tile"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# schemas of responses that are a file or text
BINARY = {"type": "string", "format": "binary"}
TEXT = {"type": "string"}

# the code of a unit at any level (a county, town, village or cell)
UNIT_CODE = validate.And(validate.Length(min=CODE_LENGTH["county"], max=CODE_LENGTH["cell"]),
                         validate.Regexp(r"^\d+$", error="digits only / 只能是数字"))
HOUSEHOLD_CODE = validate.And(validate.Length(equal=HOUSEHOLD_CODE_LENGTH),
                              validate.Regexp(r"^\d+$", error="digits only / 只能是数字"))
MAPPED_LEVELS = UNIT_LEVELS[1:]  # the levels figures and map layers are given per unit at: town, village, cell


def also_as(status: int, media: dict) -> dict:
    """`@blp.doc(**also_as(200, {"text/csv": TEXT}))`: the response also comes in these media types (a file, a
    tile), each with its schema, beside what `@blp.response` declares."""
    return {"responses": {status: {"content": {media_type: {"schema": schema} for media_type, schema in media.items()}}}}


def attachment(filename: str, fallback: str) -> dict:
    """The Content-Disposition header of a download named `filename` (Chinese too: RFC 5987's filename*, which
    browsers prefer), with an ASCII `fallback` for clients that read only filename."""
    return {"Content-Disposition": f'attachment; filename="{fallback}"; filename*=UTF-8\'\'{quote(filename, safe="")}'}


class JsonBoolean(fields.Boolean):
    """true or false in a JSON body, nothing else: marshmallow's Boolean also takes 0, 1, "yes" and "on"."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise ValidationError("true or false / 须为 true 或 false")
        return value
