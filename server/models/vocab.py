"""Controlled vocabularies (codes stored in the database). English codes as in docs/domain.md;
user-facing Chinese labels live in the message catalogues, not here."""

from grids.codes import CODE_LENGTH, HOUSEHOLD_CODE_LENGTH, UNIT_LEVELS  # noqa: F401 (the grid's own, re-exported)

from ..roles import ROLES  # noqa: F401,E402 (the roles' own home, re-exported for the models' CHECK)

HOUSEHOLD_TAGS = ("subsistence", "elderly_alone", "left_behind_child", "disabled", "poverty_watch", "key_person")
MEMBER_RELATIONS = ("spouse", "child", "parent", "grandchild", "sibling", "other")
SEXES = ("M", "F")
# The register (docs/domain.md, "Households 户 and the register"): why a member joined or left a household, why a
# household left the register (注销), and the states of a move to another cell.
MEMBER_JOIN_REASONS = ("birth", "marriage", "move_in")      # 出生, 婚入, 迁入
MEMBER_LEAVE_REASONS = ("death", "marriage", "move_out")    # 死亡, 婚出, 迁出
RETIRE_REASONS = ("moved_away", "died_out", "merged", "duplicate", "other")  # 迁出, 户内无人, 并户, 重复登记, 其他
MOVE_STATES = ("pending", "accepted", "refused", "cancelled")

VISIT_KINDS = ("poverty_check", "employment_help", "counselling", "policy", "other")

DISPUTE_CATEGORIES = (
    "neighbour", "family", "land_rights", "land_requisition", "unpaid_wages", "social_insurance",
    "housing", "environment", "enterprise_community", "illegal_land_use", "other",
)
RISK_COLOURS = ("red", "orange", "yellow", "blue")
DISPUTE_STATES = ("reported", "accepted", "assigned", "mediating", "resolved", "called_back", "closed")
HANDLING_LEVELS = ("village", "town", "county")
# How the dispute first became known; the early-warning rate counts grid screening against petitions.
DISPUTE_CHANNELS = ("grid_screening", "visit", "letter", "walk_in", "phone", "sms", "online", "petition_county",
                    "petition_higher")
# The channels of petitions registered at the window (信、访、网、电): letter, visit, phone, SMS, online / WeChat.
PETITION_CHANNELS = ("letter", "walk_in", "phone", "sms", "online")
SATISFACTION = ("satisfied", "basically_satisfied", "unsatisfied")
DISPUTE_EVENT_KINDS = ("report", "accept", "assign", "mediate", "escalate", "resolve", "call_back", "close",
                       "supervise", "note")
# Evidence 拍照取证 (server/attachments/): a photo or a scanned document, and what it may be attached to
ATTACHMENT_KINDS = ("photo", "document")
ATTACHED_TYPES = ("visit", "dispute", "dispute_event")
# Messages 消息通知 (server/notifications/kinds.py says what each tells, and to whom)
NOTIFICATION_KINDS = ("dispute_arrived", "case_assigned", "deadline_near", "deadline_passed", "supervised",
                      "alert_raised", "report_due", "follow_up_due", "move_awaiting")
NOTIFICATION_SUBJECTS = ("dispute", "alert", "cell", "visit", "move")
# Outbound channels 消息外发 (server/notifications/channels.py): two group robots, posting to a group once per event, and
# SMS, to each person; an outbound message waits (pending), goes (sent), gives up (failed), waits for the day's digest
# (held), or went in one (digested)
OUTBOUND_CHANNELS = ("wecom", "dingtalk", "sms")
PERSONAL_CHANNELS = ("sms",)
OUTBOUND_STATUSES = ("pending", "sent", "failed", "held", "digested")
