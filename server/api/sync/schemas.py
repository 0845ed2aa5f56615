"""What a pull answers, beside the push bodies of server/sync/items.py."""
from marshmallow import Schema, fields

from ...models.sync import ZERO_REPORT_KINDS
from ...register.schemas import MoveSchema
from ...sync.pull import DAILY_REPORT_DAYS, PULLED_MESSAGES, RECENT_VISITS
from ..disputes.schemas import DisputeDetailSchema
from ..households.schemas import HouseholdDetailSchema, VisitSchema
from ..notifications.schemas import NotificationSchema


class RecentVisitSchema(VisitSchema):
    class Meta:
        exclude = ("received_at", "gps_accuracy_m", "distance_m", "flags")  # for the office, not the phone


class PulledHouseholdSchema(HouseholdDetailSchema):
    last_visit_at = fields.DateTime(allow_none=True, metadata={"description": "the latest visit, by anyone"})
    my_last_visit_at = fields.DateTime(allow_none=True, metadata={
        "description": "the caller's own latest visit (a cadre's monthly duty counts only their own)"})
    recent_visits = fields.List(fields.Nested(RecentVisitSchema), metadata={
        "description": f"its latest {RECENT_VISITS} visits, newest first"})


class PulledLinkSchema(Schema):
    cadre_username = fields.Function(lambda link: link.cadre.username if link.cadre else None, allow_none=True,
                                    metadata={"type": "string"})
    household_code = fields.Function(lambda link: link.household.code if link.household else None,
                                    allow_none=True, metadata={"type": "string"})
    valid_from = fields.Date()
    valid_to = fields.Date(allow_none=True)


class FollowUpSchema(Schema):
    visit_id = fields.UUID()
    household_code = fields.String()
    head_name = fields.String()
    address = fields.String()
    follow_up_on = fields.Date()
    visited_at = fields.DateTime()
    findings = fields.String()
    author = fields.String(allow_none=True, metadata={"description": "who logged the visit"})


class PulledZeroReportSchema(Schema):
    id = fields.UUID()
    cell_code = fields.String()
    kind = fields.String(metadata={"enum": list(ZERO_REPORT_KINDS)})
    period = fields.Date(metadata={"description": "the month's first day, or the day"})
    nothing_to_report = fields.Boolean()
    note = fields.String()
    reported_at = fields.DateTime()


class PulledSettingsSchema(Schema):
    daily_reporting = fields.Boolean(metadata={"description": "cells report every day (日报告制)"})
    zero_report_grace_days = fields.Integer(metadata={
        "description": "days into a month before last month's missing report is raised"})
    clock_skew_seconds = fields.Integer(metadata={
        "description": "how far the phone's clock may be off the server's (server_time) before its times are refused: "
                       "the app warns its user beyond it"})


class CellNameSchema(Schema):
    code = fields.String()
    name = fields.String()


class PullResultSchema(Schema):
    server_time = fields.DateTime()
    cursor = fields.DateTime(metadata={"description": "send it as `since` next time"})
    households = fields.List(fields.Nested(PulledHouseholdSchema), metadata={"description": "changed since the cursor"})
    household_codes = fields.List(fields.String(), metadata={
        "description": "all on the register in scope (retired ones left out): drop any other"})
    incoming_moves = fields.List(fields.Nested(MoveSchema), metadata={
        "description": "moves into cells of the area waiting for acceptance, on every pull (keepers of the register; "
                       "others: [])"})
    outgoing_moves = fields.List(fields.Nested(MoveSchema), metadata={
        "description": "moves out of cells of the area waiting for the receiving side, on every pull"})
    village_cells = fields.List(fields.Nested(CellNameSchema), metadata={
        "description": "a grid worker's: the cells of their village (their own too), on every pull, to move a household "
                       "to; others: []"})
    cadre_links = fields.List(fields.Nested(PulledLinkSchema), metadata={"description": "changed since the cursor"})
    disputes = fields.List(fields.Nested(DisputeDetailSchema), metadata={
        "description": "not closed and changed since the cursor, with parties and timeline (oldest step first)"})
    dispute_ids = fields.List(fields.UUID(), metadata={
        "description": "all not closed in scope (reported to called back): keep these, drop any other"})
    open_dispute_ids = fields.List(fields.UUID(), metadata={
        "deprecated": True, "description": "all open (reported to mediating) in scope: what phones kept before "
                                           "dispute_ids (README, CHANGELOG)"})
    follow_ups = fields.List(fields.Nested(FollowUpSchema), metadata={
        "description": "every open follow-up in scope, on every pull (not superseded by a later visit of the "
                       "household, not marked done), soonest due first: replace the list with it"})
    zero_reports = fields.List(fields.Nested(PulledZeroReportSchema), metadata={
        "description": f"the reports of a grid worker's cell: monthly of this month and the last, daily of the last "
                       f"{DAILY_REPORT_DAYS} days (China dates), on every pull; other roles: []"})
    settings = fields.Nested(PulledSettingsSchema)
    notifications = fields.List(fields.Nested(NotificationSchema), metadata={
        "description": f"the caller's messages, unread first, newest first, at most {PULLED_MESSAGES}, on every pull: "
                       "replace the list with it"})
