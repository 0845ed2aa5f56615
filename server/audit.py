"""The audit log: every write, who, when, what, before and after.

Changes made through the ORM are recorded by one session hook, so no endpoint can forget; actions
that are not row changes (login, reveal, bulk reassignment) are recorded with record(). Personal
data is masked in the log and password hashes never enter it. Rows go into the same transaction as
the change they describe: no change without its audit row, no audit row without its change. Rows are dated by the
server's one clock (server/clock.py), as its other times are: the reveal limits count from them (server/reveals.py)."""
from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from decimal import Decimal

import sqlalchemy as sa
from flask import g, has_request_context, request
from geoalchemy2.elements import WKBElement, WKTElement
from sqlalchemy import event
from sqlalchemy.orm import Session

from . import clock
from .models import AuditLog, DeviceSync, LoginAttempt, SyncItem, UserSession
from .privacy import mask_id_number, mask_phone

# SyncItem: bookkeeping, each batch has its own row; DeviceSync: bookkeeping, a phone's last sync; UserSession: sign-in
# and sign-out are recorded as such
NOT_AUDITED = (AuditLog, DeviceSync, LoginAttempt, SyncItem, UserSession)
SECRET = {"password_hash"}
MASKED = {"head_id_number": mask_id_number, "id_number": mask_id_number, "phone": mask_phone,
          "petitioner_id_number": mask_id_number, "petitioner_mobile": mask_phone}
SYSTEM = "system"


def actor() -> tuple[int | None, str, str | None]:
    """(user id, username, address) of whoever is acting: the logged-in user, or the system (CLI)."""
    if has_request_context():
        user = g.get("user")
        address = request.remote_addr
        if user is not None:
            return user.id, user.username, address
        return None, g.get("attempted_username", "anonymous"), address
    return None, SYSTEM, None


def record(action: str, entity_type: str, entity_id=None, before=None, after=None, session=None) -> None:
    """Add an audit row for an action that is not a plain row change (into the current transaction)."""
    from .extensions import db
    user_id, username, address = actor()
    (session or db.session).execute(sa.insert(AuditLog), [{
        "at": clock.now(), "user_id": user_id, "username": username, "address": address,
        "action": action, "entity_type": entity_type, "entity_id": None if entity_id is None else str(entity_id),
        "before": _jsonable(before), "after": _jsonable(after)}])


@event.listens_for(Session, "after_flush")
def _record_flush(session, _context):
    rows = []
    for action, objects in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            if isinstance(obj, NOT_AUDITED) or not hasattr(obj, "__table__"):
                continue
            before, after = _states(obj, action)
            if action == "update" and before == after:
                continue  # touched but not changed
            rows.append((action, obj, before, after))
    if not rows:
        return
    user_id, username, address = actor()
    now = clock.now()
    session.connection().execute(sa.insert(AuditLog), [{
        "at": now, "user_id": user_id, "username": username, "address": address, "action": action,
        "entity_type": obj.__tablename__, "entity_id": _identity(obj), "before": before, "after": after}
        for action, obj, before, after in rows])


def _states(obj, action):
    state = sa.inspect(obj)
    before, after = {}, {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in SECRET:
            continue
        history = state.attrs[key].history
        current = state.attrs[key].value if action != "delete" else None
        old = (history.deleted[0] if history.deleted else
               history.unchanged[0] if history.unchanged else current)
        if action == "update":
            if not history.has_changes():
                continue
            before[key], after[key] = _value(key, old), _value(key, current)
        elif action == "create":
            after[key] = _value(key, current)
        else:
            before[key] = _value(key, old)
    if action == "update" and any(k in SECRET and state.attrs[k].history.has_changes()
                                  for k in state.mapper.column_attrs.keys()):
        after["password"] = "changed"
    return (before or None), (after or None)


def _identity(obj) -> str | None:
    key = sa.inspect(obj).mapper.primary_key_from_instance(obj)  # set by the INSERT already, unlike .identity
    return ",".join(str(v) for v in key if v is not None) or None


def _value(key, value):
    if key in MASKED and isinstance(value, str):
        return MASKED[key](value)
    return _jsonable(value)


def _jsonable(value):
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (WKBElement, WKTElement)):
        data = value.data if isinstance(value.data, str) else bytes(value.data).hex()
        return f"<geometry {hashlib.sha1(data.encode()).hexdigest()[:12]}>"  # tells a change, not the shape
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (uuid.UUID, Decimal)):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    return str(value)
