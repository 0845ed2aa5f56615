from marshmallow import Schema, fields, validate

from ...register.importer import ROW_MODES, STATUSES


class RegisterImportFormSchema(Schema):
    rows = fields.String(load_default=None, validate=validate.OneOf(ROW_MODES),
                         metadata={"description": "one row per member or per household; default: told from the headings"})
    apply = fields.Boolean(load_default=False, metadata={"description": "write, when no row is refused or a duplicate"})
    report = fields.String(load_default="all", validate=validate.OneOf(("all", "problems")),
                           metadata={"description": "every row in the report, or only rows with a problem"})


class RegisterImportFileSchema(Schema):
    file = fields.Raw(required=True, metadata={
        "type": "string", "format": "binary",
        "description": ".xlsx, or CSV in UTF-8 or GBK, with Chinese or English headings (README, \"Bringing in a "
                       "county's register\")"})


class FileErrorSchema(Schema):
    message = fields.String()
    message_zh = fields.String()


class RowProblemSchema(FileErrorSchema):
    severity = fields.String(metadata={"description": "error or warning"})
    kind = fields.String()
    field = fields.String(allow_none=True, metadata={"description": "the field at fault; the message names its column"})


class RegisterRowSchema(Schema):
    row = fields.Integer(metadata={"description": "the spreadsheet's row number"})
    status = fields.String(validate=validate.OneOf(STATUSES))
    name = fields.String(allow_none=True)
    id_number = fields.String(allow_none=True, metadata={"description": "masked"})
    relation = fields.String()
    household_code = fields.String(allow_none=True, metadata={"description": "the code the household gets (planned "
                                                                             "in a dry run)"})
    problems = fields.List(fields.Nested(RowProblemSchema))


class RegisterLimitsSchema(Schema):
    """The limits of an upload (server/limits.py): its bytes, its rows and columns, and what an .xlsx unpacks to."""
    max_file_bytes = fields.Integer()
    max_rows = fields.Integer()
    max_columns = fields.Integer()
    max_unpacked_bytes = fields.Integer()
    max_part_bytes = fields.Integer(metadata={"description": "each part of an .xlsx but its sheets"})
    max_archive_members = fields.Integer()


class RegisterImportResultSchema(Schema):
    file = fields.String(allow_none=True)
    rows_mode = fields.String(allow_none=True, metadata={"description": "member or household"})
    rows_mode_from = fields.String(allow_none=True, metadata={"description": "headers or option"})
    heading_row = fields.Integer(allow_none=True)
    columns = fields.Dict(keys=fields.String(), values=fields.String(),
                          metadata={"description": "field → the heading it was read from"})
    rows = fields.Integer()
    empty_rows_skipped = fields.Integer()
    households = fields.Integer()
    people = fields.Integer()
    cells = fields.Integer()
    located_by_point = fields.Integer()
    accepted = fields.Integer()
    warning = fields.Integer()
    refused = fields.Integer()
    duplicate = fields.Integer()
    ok = fields.Boolean()
    applied = fields.Boolean()
    written = fields.Dict(keys=fields.String(), values=fields.Integer())
    file_errors = fields.List(fields.Nested(FileErrorSchema))
    limits = fields.Nested(RegisterLimitsSchema)
    report = fields.List(fields.Nested(RegisterRowSchema))
