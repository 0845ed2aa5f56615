"""Registering a petition at the window and looking up earlier cases: every field checked on its own, with the
problem named in English and Chinese (ID numbers by GB 11643-1999, mobiles 1[3-9] and nine digits)."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ...models.vocab import DISPUTE_CATEGORIES, HOUSEHOLD_CODE_LENGTH, PETITION_CHANNELS, RISK_COLOURS
from ...register import fields as fields_
from ...sync.items import attachment_ids
from ..disputes.schemas import DisputeSchema

_id_number, _mobile, _not_blank, _received_lately = (fields_.id_number, fields_.mobile, fields_.not_blank,
                                                     fields_.received_lately)


def _household_code(**metadata):
    # to the very end: Python's $ also matches before a final newline, which (?!\n) refuses; OpenAPI's patterns are
    # ECMA-262, which has no \Z (there $ is the end already)
    return fields.String(validate=validate.Regexp(f"^[0-9]{{{HOUSEHOLD_CODE_LENGTH}}}$(?!\\n)", error=(
        f"a household code is {HOUSEHOLD_CODE_LENGTH} digits / 住户编号须为{HOUSEHOLD_CODE_LENGTH}位数字")), metadata=metadata)


class LookupSchema(Schema):
    id_number = fields.String(validate=_id_number, metadata={"description": "resident ID number (18 characters)"})
    name = fields.String(validate=[validate.Length(min=1, max=50), _not_blank])
    mobile = fields.String(validate=_mobile)
    household_code = _household_code()

    @validates_schema
    def _something_to_look_for(self, data, **_):
        if not (data.get("id_number") or data.get("household_code") or (data.get("name") and data.get("mobile"))):
            raise ValidationError("give an ID number, a name with a mobile, or a household / "
                                  "请填写身份证号、姓名加手机号或住户", "id_number")


class EarlierCaseSchema(DisputeSchema):
    matched_by = fields.List(fields.String(), metadata={"description": "id_number, name_mobile and/or household"})


class EarlierCasesSchema(Schema):
    items = fields.List(fields.Nested(EarlierCaseSchema))


class PetitionSchema(Schema):
    channel = fields.String(required=True, validate=validate.OneOf(PETITION_CHANNELS), metadata={
        "description": "letter 来信, walk_in 来访, phone 来电, sms 短信, online 网上/微信"})
    petitioner_name = fields.String(required=True, validate=[validate.Length(min=1, max=50), _not_blank])
    petitioner_id_number = fields.String(validate=_id_number, metadata={"description": "resident ID number (18 characters)"})
    petitioner_mobile = fields.String(validate=_mobile)
    petitioner_address = fields.String(validate=validate.Length(max=200))
    household_code = _household_code(description="the petitioner's household: the petition lives in its cell")
    cell_code = fields.String(validate=validate.Length(min=1, max=15), metadata={
        "description": "the cell, when no household is given"})
    category = fields.String(required=True, validate=validate.OneOf(DISPUTE_CATEGORIES))
    risk_colour = fields.String(required=True, validate=validate.OneOf(RISK_COLOURS))
    title = fields.String(required=True, validate=[validate.Length(min=1, max=200), _not_blank])
    description = fields.String(load_default="", validate=validate.Length(max=4000))
    party_count = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    reported_at = fields.AwareDateTime(validate=_received_lately, metadata={
        "description": "when it was received (登记); now if left out; at most a year back and 10 minutes ahead"})
    first_receiver_username = fields.String(validate=validate.Length(min=1, max=64), metadata={
        "description": "who received it first (首问负责); you, if left out"})
    linked_dispute_ids = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=50), metadata={
        "description": "earlier cases of the same petitioner or household to link (重复信访)"})
    note = fields.String(load_default="", validate=validate.Length(max=4000))
    attachments = attachment_ids()


REVEALABLE = ("petitioner_id_number", "petitioner_mobile")


class PetitionRevealSchema(Schema):
    field = fields.String(required=True, validate=validate.OneOf(REVEALABLE))
    reason = fields.String(required=True, validate=[validate.Length(min=2, max=200), _not_blank],
                           metadata={"description": "why it is needed; kept in the audit log"})
