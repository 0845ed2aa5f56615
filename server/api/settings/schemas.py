"""The county settings as the API shows and takes them."""
from marshmallow import Schema, ValidationError, fields, validate, validates

from ...models.vocab import DISPUTE_CATEGORIES, DISPUTE_CHANNELS, NOTIFICATION_KINDS, OUTBOUND_CHANNELS

DAYS = validate.Range(min=1, max=365)
HOUR = validate.Range(min=0, max=23)


def channels_by_kind(channels=OUTBOUND_CHANNELS, **metadata) -> fields.Dict:
    """{kind of message: [channels]}: known kinds, known channels (the county's rule, and a user's choice)."""
    return fields.Dict(keys=fields.String(validate=validate.OneOf(NOTIFICATION_KINDS)),
                       values=fields.List(fields.String(validate=validate.OneOf(channels))), **metadata)


class SettingsSchema(Schema):
    acceptance_days = fields.Dict(keys=fields.String(), values=fields.Integer(validate=DAYS), metadata={
        "description": "days from the report to the notice of acceptance, by channel; 'default' for the rest"})
    resolution_days = fields.Dict(keys=fields.String(), values=fields.Integer(validate=DAYS), metadata={
        "description": "days from acceptance to resolution, by channel (e.g. sms 7, online 15); 'default' for the rest"})
    near_limit_share = fields.Float(validate=validate.Range(min=0, max=1))
    daily_reporting = fields.Boolean(metadata={"description": "sensitive period: cells report every day"})
    daily_reporting_since = fields.Date(dump_only=True, allow_none=True, metadata={
        "description": "the China day daily reporting was switched on (null while off); kept by the server"})
    visit_max_distance_m = fields.Integer(validate=validate.Range(min=10, max=100_000))
    visit_max_accuracy_m = fields.Integer(validate=validate.Range(min=1, max=100_000))
    repeat_dispute_days = fields.Integer(validate=DAYS)
    cluster_days = fields.Integer(validate=validate.Range(min=1, max=90))
    cluster_baseline_days = fields.Integer(validate=DAYS)
    cluster_p_value = fields.Float(validate=validate.Range(min=0.000001, max=0.2))
    cluster_min_disputes = fields.Integer(validate=validate.Range(min=1, max=1000))
    high_risk_categories = fields.List(fields.String(validate=validate.OneOf(DISPUTE_CATEGORIES)))
    high_risk_min_parties = fields.Integer(validate=validate.Range(min=2, max=100_000))
    stalled_days = fields.Integer(validate=DAYS)
    key_person_visit_days = fields.Integer(validate=DAYS)
    zero_report_grace_days = fields.Integer(validate=validate.Range(min=0, max=28))
    notify_channels = channels_by_kind(metadata={
        "description": "which kinds of message go out by which channel (wecom, dingtalk, sms), when configured"})
    quiet_hours = fields.List(fields.Integer(validate=HOUR), validate=validate.Length(equal=2), metadata={
        "description": "[from, to] China hours: no SMS in between except urgent ones (equal: none)"})
    notify_sms_per_hour = fields.Integer(validate=validate.Range(min=1, max=100), metadata={
        "description": "at most so many SMS a person an hour; the rest wait"})
    digest_hour = fields.Integer(validate=HOUR, metadata={
        "description": "the China hour the daily digest goes to those who chose it"})

    @validates("acceptance_days", "resolution_days")
    def _channels(self, value, **_):
        unknown = sorted(set(value) - set(DISPUTE_CHANNELS) - {"default"})
        if unknown:
            raise ValidationError(f"unknown channels: {', '.join(unknown)} / 未知渠道：{'、'.join(unknown)}")
        if "default" not in value:
            raise ValidationError("a 'default' limit for the other channels is needed / 须包含 default（其他渠道的期限）")


class SettingsChangeSchema(SettingsSchema):
    """Any subset of the settings."""
