"""The roles, their one home (docs/domain.md, "People and roles"): what each is called, the level of the grid unit
a user in it is bound to, and the level of disputes and alerts it handles. What each role may call is the
policy's (server/auth/policy.py); what part of the county it sees is the scope's (server/scope.py)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    code: str
    zh: str
    bound_to: tuple[str, ...]   # the levels of unit a user in this role is bound to
    handles: str | None = None  # the handling level whose disputes and alerts this role acts on
    supervises: bool = False    # may supervise 督办 the disputes in its area
    leads_cases: bool = False   # may be named the leader who owns a case 包案
    on_phone: bool = False      # works from the phone app, with households' phone numbers unmasked
    # the register 户籍 (docs/domain.md, "Households 户 and the register"): "keeps" registers, moves, retires and
    # accepts moves of households in its area; "corrects" edits details, members, tags and location (of the
    # households in its scope: a cadre's linked ones)
    register: str | None = None
    home: str = "/views/desk"   # the page `/` sends them to once signed in
    files_cell_reports: bool = False  # files its cell's monthly / daily report 月报·零报告 (docs/domain.md, who does what)


_ROLES = (
    Role("grid_worker", "网格员", ("cell",), on_phone=True, home="/app/", register="keeps", files_cell_reports=True),
    Role("cadre", "包联干部", ("village", "town"), leads_cases=True, on_phone=True, home="/app/", register="corrects"),
    Role("village_head", "村网格长", ("village",), handles="village", leads_cases=True, register="keeps"),
    Role("town_secretary", "镇党委书记", ("town",), handles="town", supervises=True, leads_cases=True,
         register="keeps"),
    Role("county_staff", "县综治中心", ("county",), handles="county", supervises=True, leads_cases=True,
         home="/views/county", register="keeps"),
    Role("admin", "系统管理员", ("county",), home="/views/admin"),  # the console: users, links, settings, audit
)
ROLE = {role.code: role for role in _ROLES}
ROLES = tuple(ROLE)
HANDLER = {role.handles: role.code for role in _ROLES if role.handles}  # handling level → the role that acts there
PHONE_ROLES = frozenset(code for code, role in ROLE.items() if role.on_phone)
CASE_LEADER_ROLES = frozenset(code for code, role in ROLE.items() if role.leads_cases)
REGISTER_KEEPERS = frozenset(code for code, role in ROLE.items() if role.register == "keeps")
CELL_REPORTERS = frozenset(code for code, role in ROLE.items() if role.files_cell_reports)
REGISTER_EDITORS = frozenset(code for code, role in ROLE.items() if role.register)


def inbox_level(role: str) -> str:
    """The level whose alerts a role's inbox shows: its own handling level; the county for everyone else."""
    return ROLE[role].handles or "county"
