from marshmallow import Schema, fields, validate

from ...models.vocab import ROLES
from ...privacy import mask_phone
from ..common import HOUSEHOLD_CODE, UNIT_CODE
from ..pagination import PageArgsSchema, page_schema

USERNAME = validate.Regexp(r"^[A-Za-z0-9_.-]{3,64}$",
                           error="3–64 letters, digits, _ . - / 3 至 64 位字母、数字或 _ . -")
MOBILE = validate.Regexp(r"^1[3-9]\d{9}$", error="an 11-digit mobile number / 11 位手机号码")
PASSWORD = validate.Length(min=8, max=200, error="at least 8 characters / 密码至少 8 位")


class RoleSchema(Schema):
    code = fields.String()
    zh = fields.String(metadata={"description": "the role's Chinese name"})
    bound_to = fields.List(fields.String(), metadata={"description": "levels of grid unit a user in it is bound to"})


class AccountSchema(Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    phone = fields.Function(lambda u: mask_phone(u.phone), allow_none=True, metadata={"type": "string"})
    unit_code = fields.String(attribute="unit.code")
    unit_name = fields.String(attribute="unit.name")
    active = fields.Boolean()
    must_change_password = fields.Boolean(metadata={"description": "must change the password at the next sign-in"})
    created_at = fields.DateTime()


class UserCreateSchema(Schema):
    username = fields.String(required=True, validate=USERNAME)
    password = fields.String(required=True, load_only=True, validate=PASSWORD)
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    unit_code = fields.String(required=True, validate=UNIT_CODE)
    phone = fields.String(load_default=None, allow_none=True, validate=MOBILE)


class UserPatchSchema(Schema):
    password = fields.String(load_only=True, validate=PASSWORD)
    display_name = fields.String(validate=validate.Length(min=1, max=50))
    role = fields.String(validate=validate.OneOf(ROLES))
    unit_code = fields.String(validate=UNIT_CODE)
    phone = fields.String(allow_none=True, validate=MOBILE)
    active = fields.Boolean()


class UserQuerySchema(PageArgsSchema):
    role = fields.String(validate=validate.OneOf(ROLES))
    unit_code = fields.String(validate=UNIT_CODE, metadata={"description": "units under it"})
    q = fields.String(validate=validate.Length(min=1, max=64), metadata={"description": "username or name contains"})


UserPageSchema = page_schema(AccountSchema, "UserPage")


class LinkSchema(Schema):
    id = fields.Integer()
    cadre_username = fields.String(attribute="cadre.username")
    cadre_name = fields.String(attribute="cadre.display_name")
    household_code = fields.String(attribute="household.code")
    household_head = fields.String(attribute="household.head_name")
    household_address = fields.String(attribute="household.address")
    valid_from = fields.Date()
    valid_to = fields.Date(allow_none=True)


class LinkCreateSchema(Schema):
    cadre_username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    household_code = fields.String(required=True, validate=HOUSEHOLD_CODE)
    valid_from = fields.Date(load_default=None)


class LinkPatchSchema(Schema):
    valid_to = fields.Date(required=True, metadata={"description": "end the link on this day"})


class LinkQuerySchema(PageArgsSchema):
    cadre_username = fields.String(validate=validate.Length(min=1, max=64))
    household_code = fields.String(validate=HOUSEHOLD_CODE)
    unit_code = fields.String(validate=UNIT_CODE, metadata={"description": "households under this unit (a village)"})
    current = fields.Boolean(load_default=True, metadata={"description": "only links in force"})


LinkPageSchema = page_schema(LinkSchema, "LinkPage")


class LinkImportFormSchema(Schema):
    mode = fields.String(load_default="all", validate=validate.OneOf(("all", "partial")),
                         metadata={"description": "all: write only if every row is good; partial: write the good rows"})
    dry_run = fields.Boolean(load_default=False)


class MessageSchema(Schema):
    message = fields.String()
    message_zh = fields.String()


class LinkImportRowSchema(Schema):
    row = fields.Integer(metadata={"description": "the row's number in the file"})
    cadre_username = fields.String(allow_none=True)
    household_code = fields.String(allow_none=True)
    ok = fields.Boolean()
    errors = fields.List(fields.Nested(MessageSchema))


class LinkImportResultSchema(Schema):
    rows = fields.Integer()
    good = fields.Integer()
    bad = fields.Integer()
    applied = fields.Integer(metadata={"description": "links written"})
    file_errors = fields.List(fields.Nested(MessageSchema), metadata={"description": "the file could not be read"})
    report = fields.List(fields.Nested(LinkImportRowSchema))


class LinkImportFileSchema(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary",
                                               "description": "CSV (UTF-8 or GBK) or .xlsx with columns "
                                                              "cadre_username/干部账号, household_code/户编号, "
                                                              "valid_from/开始日期"})
