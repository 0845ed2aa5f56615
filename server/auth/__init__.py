"""Authentication (Flask-Login sessions), the access policy and CSRF protection, wired into the app."""
from __future__ import annotations

import logging
import secrets

import sqlalchemy as sa
from flask import g, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager, current_user
from sqlalchemy.orm import joinedload

from .. import clock
from ..errors import api_abort
from ..extensions import db
from ..models import GridUnit, User, UserSession
from ..scope import Scope
from .passwords import CHANGE_REQUIRED, must_change_first
from .policy import ENDPOINT_ROLES, PUBLIC

log = logging.getLogger(__name__)
login_manager = LoginManager()
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
CSRF_HEADER = "X-CSRF-Token"


SESSION_TOKEN = "sid"  # the session cookie's key for the token of its UserSession row


# Whether the database holds one county: if so its users' queries need no scope criteria (server/scope.py).
# Asked beside the user in the same statement, on the plain table (no criteria), by an index on parent_id.
_COUNTY_ALONE = (sa.select(sa.func.count()).select_from(GridUnit.__table__)
                 .where(GridUnit.__table__.c.parent_id.is_(None)).scalar_subquery() == 1)
# The signed-in user, built once: a statement object keeps its cache key, which SQLAlchemy would otherwise work
# out again on every request. The unit comes without its boundary: turning a county's outline into a geometry
# object cost more than the rest of a small request.
_SIGNED_IN = (
    sa.select(User, _COUNTY_ALONE.label("county_alone"))
    .join(UserSession, sa.and_(UserSession.user_id == User.id, UserSession.ended_at.is_(None),
                               UserSession.id == sa.bindparam("session_key")))
    .where(User.id == sa.bindparam("user_id"))
    .options(joinedload(User.unit).defer(GridUnit.boundary).defer(GridUnit.centroid)))


@login_manager.user_loader
def load_user(token: str):
    """The user of a session that is still open: the cookie's user id and password stamp, and its session
    token naming a UserSession row not yet ended (one query)."""
    user_id, _, _stamp = token.partition(":")
    session_token = session.get(SESSION_TOKEN)
    if not user_id.isdigit() or not isinstance(session_token, str):
        return None
    row = db.session.execute(_SIGNED_IN, {"user_id": int(user_id),
                                          "session_key": UserSession.key(session_token)}).first()
    if row is None or not row.User.active or row.User.get_id() != token:
        return None
    g.county_alone = bool(row.county_alone)
    return row.User


def open_session(user) -> None:
    """A new session for the user: a fresh cookie (no fixation) carrying a new token."""
    session.clear()
    session.permanent = True
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(id=UserSession.key(token), user_id=user.id))
    session[SESSION_TOKEN] = token


def end_sessions(user, keep_current: bool = False) -> None:
    """End the current session, or (keep_current) all the user's other sessions."""
    current = UserSession.key(session.get(SESSION_TOKEN) or "")
    which = UserSession.id != current if keep_current else UserSession.id == current
    db.session.execute(sa.update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None),
                                                    which).values(ended_at=clock.now()))


@login_manager.unauthorized_handler
def unauthorized():
    api_abort(401, "Please log in", "请先登录")


def new_csrf_token() -> str:
    session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def csrf_token() -> str:
    return session.get("csrf") or new_csrf_token()


def enforce_policy():
    """Before every request: the endpoint's roles, the login, CSRF on writes, then the data scope."""
    endpoint = request.endpoint
    if endpoint is None:
        return None  # routing answers 404 / 405
    roles = ENDPOINT_ROLES.get(endpoint)
    if roles is None:
        log.error("endpoint %s has no entry in server/auth/policy.py: denied", endpoint)
        api_abort(403, "This endpoint has no access rule", "此功能未配置访问权限")
    if roles == PUBLIC:
        return None
    if not current_user.is_authenticated:
        api_abort(401, "Please log in", "请先登录")
    if current_user.role not in roles:
        api_abort(403, "Your role may not do this", "您的角色无权执行此操作")
    if must_change_first(current_user, endpoint):
        api_abort(403, "Change your password first (POST /api/auth/password)", "请先修改密码后再继续使用",
                  reason=CHANGE_REQUIRED)
    if request.method not in SAFE_METHODS and not secrets.compare_digest(
            request.headers.get(CSRF_HEADER, ""), session.get("csrf", "") or "\0"):
        api_abort(403, f"Missing or wrong CSRF token: send the {CSRF_HEADER} header from /api/auth/me",
                  f"缺少或错误的 CSRF 令牌：请在请求头 {CSRF_HEADER} 中携带 /api/auth/me 返回的令牌")
    g.user = current_user._get_current_object()
    g.scope = Scope.of(g.user, county_alone=g.get("county_alone"))
    return None


class SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the request came over TLS (or the config insists)."""

    def get_cookie_secure(self, app):
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def init_auth(app):
    login_manager.init_app(app)
    login_manager.session_protection = "basic"
    app.session_interface = SessionInterface()
    app.before_request(enforce_policy)
