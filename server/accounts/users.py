"""Creating and changing users: which role may be bound to which level of the grid."""
from __future__ import annotations

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from grids.codes import LEVEL_ZH

from ..extensions import db
from ..models import GridUnit, User
from ..refusal import Refusal
from ..roles import ROLE


class AccountError(Refusal):
    """A field-level problem with a user: answered 422 naming the field, in English and Chinese."""


def unit_for(code: str, role: str) -> GridUnit:
    unit = db.session.scalar(sa.select(GridUnit).where(GridUnit.code == code))
    if unit is None:
        raise AccountError(f"no grid unit {code}", f"未找到网格单元 {code}", field="unit_code")
    allowed = ROLE[role].bound_to
    if unit.level not in allowed:
        levels = "/".join(sorted(allowed))
        raise AccountError(f"a {role} is bound to a {levels}, not a {unit.level}",
                           f"该角色须绑定到{'或'.join(LEVEL_ZH[x] for x in sorted(allowed))}，而不是{LEVEL_ZH[unit.level]}",
                           field="unit_code")
    return unit


def _keep_an_administrator(user: User, field: str) -> None:
    """Refuses to demote or deactivate the last active administrator: nobody would be left to manage users, links
    and settings. The other administrators' rows are locked (PostgreSQL) so two demoting each other at once cannot
    both pass; SQLite writes one at a time anyway."""
    others = db.session.scalars(sa.select(User.id).where(User.role == "admin", User.active.is_(True), User.id != user.id)
                                .with_for_update()).all()
    if not others:
        raise AccountError("the last active administrator cannot be demoted or deactivated: make another one first",
                           "这是最后一个在用的系统管理员，不能降级或停用：请先设置另一位管理员", field=field)


def create_user(username, password, display_name, role, unit_code, phone=None) -> User:
    if db.session.scalar(sa.select(sa.func.count()).select_from(User).where(User.username == username)):
        raise AccountError(f"username {username} is taken", f"用户名 {username} 已被使用", field="username")
    user = User(username=username, password_hash=generate_password_hash(password), display_name=display_name,
                role=role, unit=unit_for(unit_code, role), phone=phone, active=True,
                must_change_password=True)  # the administrator chose it: the user picks their own
    db.session.add(user)
    db.session.flush()
    return user


def update_user(user: User, changes: dict) -> User:
    role = changes.get("role", user.role)
    if user.role == "admin" and user.active and (role != "admin" or changes.get("active") is False):
        _keep_an_administrator(user, "role" if role != "admin" else "active")
    if "unit_code" in changes or "role" in changes:
        user.unit = unit_for(changes.get("unit_code", user.unit.code), role)
    for field in ("display_name", "phone", "role", "active"):
        if field in changes:
            setattr(user, field, changes[field])
    if changes.get("password"):
        user.password_hash = generate_password_hash(changes["password"])
        user.must_change_password = True  # a reset: the user must change it at the next sign-in
    db.session.flush()
    return user
