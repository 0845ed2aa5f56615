"""Who may call what: every endpoint's roles, in one table.

Requests are denied unless their endpoint is listed here (deny by default), so an endpoint added
without a decision cannot be reached; tests/api/test_authorization.py checks every endpoint of the
URL map against its own matrix. What part of the county a user may see is decided in server/scope.py."""
from ..models.sync import SYNC_ITEM_TYPES
from ..roles import CELL_REPORTERS, HANDLER, REGISTER_EDITORS, REGISTER_KEEPERS, ROLES

PUBLIC = "public"        # no login needed
EVERYONE = frozenset(ROLES)
FIELD = frozenset({"grid_worker", "cadre", "village_head", "town_secretary", "county_staff"})  # not admin
ADMIN = frozenset({"admin"})
SUPERVISORS = frozenset({"county_staff", "admin"})
UPLOADERS = FIELD  # evidence 拍照取证: the field roles and the handling roles, who attach it to their records
REGISTRARS = frozenset({"county_staff", "town_secretary"})  # who registers petitions at the window (信访)
HANDLERS = frozenset(HANDLER.values())  # who acts on disputes and alerts, each at its own level (server/roles.py)

# Who may file each type of item pushed from a phone (sync.Push is open to FIELD): what an item acts on is then checked
# by the scope and, for a dispute's steps and the register, by their own rules at the level they belong to
SYNC_ITEM_ROLES = {**{kind: FIELD for kind in SYNC_ITEM_TYPES},
                   "zero_report": CELL_REPORTERS}  # the grid worker files the cell's report, nobody else

ENDPOINT_ROLES = {
    "static": PUBLIC,
    "api-docs.openapi_json": PUBLIC,
    "api_docs": PUBLIC,
    "pwa.home": PUBLIC,
    "pwa.app_file": PUBLIC,
    "pwa.app_config": PUBLIC,
    "pwa.vendor_file": PUBLIC,
    "pwa.view_file": PUBLIC,
    "auth.Login": PUBLIC,
    "auth.Logout": EVERYONE,
    "auth.Me": EVERYONE,
    "auth.Password": EVERYONE,
    "grid.Tree": EVERYONE,
    "grid.Unit": EVERYONE,
    "grid.Children": EVERYONE,
    "grid.Households": FIELD,
    "households.HouseholdDetail": FIELD,
    "households.HouseholdVisits": FIELD,
    "households.Reveal": FIELD,
    # the register (server/roles.py `register`): keepers list, register, move and retire; cadres also correct their own
    "households.Households": REGISTER_KEEPERS,
    "households.Members": REGISTER_EDITORS,
    "households.MemberLeave": REGISTER_EDITORS,
    "households.Move": REGISTER_KEEPERS,
    "households.Retire": REGISTER_KEEPERS,
    "households.Moves": REGISTER_KEEPERS,
    "households.MoveDecision": REGISTER_KEEPERS,
    "visits.Visits": FIELD,
    "sync.Push": FIELD,
    "sync.Pull": FIELD,
    "disputes.Disputes": FIELD,
    "disputes.DisputeDetail": FIELD,
    "disputes.Steps": FIELD,
    "disputes.Inbox": FIELD,
    "disputes.CaseLeaders": FIELD,
    "petitions.Petitions": REGISTRARS,
    "petitions.EarlierCases": REGISTRARS,
    "petitions.Reveal": frozenset({"county_staff"}),
    "admin_grid.Import": ADMIN,
    "admin_grid.Partition": ADMIN,
    "admin_grid.Assign": ADMIN,
    "admin_register.RegisterImport": ADMIN,
    "admin_users.Roles": ADMIN,
    "admin_users.Users": ADMIN,
    "admin_users.UserById": ADMIN,
    "admin_users.CadreLinks": ADMIN,
    "admin_users.CadreLinkById": ADMIN,
    "admin_users.CadreLinkImport": ADMIN,
    "audit.AuditLogList": SUPERVISORS,
    "settings.Settings": SUPERVISORS,
    "stats.Figures": SUPERVISORS | {"village_head", "town_secretary"},
    "stats.OverdueCadres": SUPERVISORS | {"village_head", "town_secretary"},
    "stats.Trend": SUPERVISORS | {"village_head", "town_secretary"},
    "stats.WorkerActivity": SUPERVISORS | {"village_head", "town_secretary"},  # not the workers and cadres themselves
    "maps.Units": SUPERVISORS | {"village_head", "town_secretary"},
    "maps.HeatTile": SUPERVISORS | {"village_head", "town_secretary"},
    "attachments.Attachments": UPLOADERS,
    "attachments.AttachmentFile": FIELD,
    "attachments.Thumbnail": FIELD,
    # everyone's own messages (server/notifications/)
    "notifications.Notifications": EVERYONE,
    "notifications.Read": EVERYONE,
    "notifications.ReadAll": EVERYONE,
    "notifications.Preferences": EVERYONE,
    "admin_notifications.Deliveries": ADMIN,  # the outbox's delivery: a county-wide operational view
    "alerts.Alerts": SUPERVISORS | {"village_head", "town_secretary"},
    "alerts.AlertDetail": SUPERVISORS | {"village_head", "town_secretary"},
    "alerts.Acknowledge": HANDLERS,  # each alert by the handler of its level (server/warnings/handling.py)
    "alerts.Close": HANDLERS,
}

