"""All models, importable from one place (Alembic and the seed generator need the full metadata)."""
from .alert import Alert
from .attachment import Attachment
from .audit import AuditLog, LoginAttempt
from .dispute import Dispute, DisputeEvent, DisputeLink
from .grid import GridUnit
from .household import Household, HouseholdMember, HouseholdMove, HouseholdTag
from .notification import Notification, OutboundMessage
from .sync import DeviceSync, Setting, SyncItem, ZeroReport
from .user import CadreLink, User, UserSession
from .visit import FollowUpDone, Visit

__all__ = ["Alert", "Attachment", "AuditLog", "CadreLink", "DeviceSync", "LoginAttempt", "Dispute", "DisputeEvent", "DisputeLink", "FollowUpDone", "GridUnit",
           "Household", "HouseholdMember", "HouseholdMove", "HouseholdTag", "Notification", "OutboundMessage", "Setting", "SyncItem", "User", "UserSession", "Visit",
           "ZeroReport"]
