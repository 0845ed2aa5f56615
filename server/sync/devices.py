"""Which phone syncs: each phone makes its own UUID once (kept on the phone, through sign-outs, the same for every user
of a shared phone) and sends it with each pull and push as the X-Device-Id header. Per (phone, user) the server keeps
the time of the last pull and of the last push by its own clock, and the phone's user agent (models.DeviceSync), for
the worker-activity report's "last sync". Apps from before the header send none: their syncs work and are not
recorded."""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import DeviceSync, User
from ..models.sync import USER_AGENT_LENGTH

HEADER = "X-Device-Id"
INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}  # both have INSERT … ON CONFLICT DO UPDATE


@dataclass(frozen=True)
class Device:
    id: uuid.UUID
    user_agent: str | None = None

    @classmethod
    def of(cls, device_id: uuid.UUID | None, user_agent: str | None) -> Device | None:
        """The phone a request came from, or None when it did not say (an app from before the header)."""
        if device_id is None:
            return None
        return cls(device_id, (user_agent or None) and user_agent[:USER_AGENT_LENGTH])


def synced(device: Device | None, user: User, kind: str, now: dt.datetime) -> None:
    """The phone pulled or pushed (`kind`) for the user at `now`: one upsert of its row, in the current transaction
    (the sync request's), so it is stored exactly when the sync is."""
    if device is None:
        return
    column = {"pull": "last_pull_at", "push": "last_push_at"}[kind]
    insert = INSERT[db.session.get_bind().dialect.name](DeviceSync).values(
        device_id=device.id, user_id=user.id, first_seen_at=now, user_agent=device.user_agent, **{column: now})
    db.session.execute(insert.on_conflict_do_update(
        index_elements=[DeviceSync.device_id, DeviceSync.user_id],
        set_={column: insert.excluded[column], "user_agent": insert.excluded.user_agent}))
