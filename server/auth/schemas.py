from marshmallow import Schema, fields, validate

from .passwords import MIN_LENGTH


class LoginSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200))


class SessionUserSchema(Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    unit_code = fields.String(attribute="unit.code")
    unit_name = fields.String(attribute="unit.name")
    must_change_password = fields.Boolean(metadata={
        "description": "true: only /api/auth/me, /logout and /password answer until the password is changed"})


class SessionSchema(Schema):
    user = fields.Nested(SessionUserSchema)
    csrf_token = fields.String(metadata={"description": "send it as the X-CSRF-Token header on every write"})
    home = fields.String(metadata={"description": "the page this user works from (the phone app, the desk, the county "
                                                  "view)"})


class PasswordChangeSchema(Schema):
    current_password = fields.String(required=True, load_only=True)
    new_password = fields.String(required=True, load_only=True, validate=validate.Length(
        min=MIN_LENGTH, max=200, error=f"at least {MIN_LENGTH} characters / 新密码至少 {MIN_LENGTH} 位"))
