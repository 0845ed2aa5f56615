"""Login, logout, the current user, password change."""
import math

import sqlalchemy as sa
from flask import g, request, session
from flask.views import MethodView
from flask_login import login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

from .. import audit, clock
from ..api.blueprint import Blueprint
from ..errors import api_abort
from ..extensions import db
from ..i18n import wait_in_words
from ..models import User
from ..privacy import mask_personal_numbers
from ..refusal import Refusal
from ..roles import ROLE
from . import end_sessions, new_csrf_token, open_session
from .passwords import check_new_password, note_sign_in
from .ratelimit import note_attempt, seconds_to_wait
from .schemas import LoginSchema, PasswordChangeSchema, SessionSchema

blp = Blueprint("auth", __name__, url_prefix="/api/auth", description="Sign-in 登录")
UNKNOWN_USER_HASH = generate_password_hash("no account has this password")  # checked for unknown usernames


def _session_body(user):
    return {"user": user, "csrf_token": session.get("csrf") or new_csrf_token(), "home": ROLE[user.role].home}


@blp.route("/login")
class Login(MethodView):
    @blp.arguments(LoginSchema)
    @blp.response(200, SessionSchema)
    def post(self, args):
        """Sign in with username and password; sets the session cookie and returns a CSRF token."""
        username = args["username"].strip()
        address = request.remote_addr or "unknown"
        now = clock.now()
        g.attempted_username = mask_personal_numbers(username[:64])  # who the audit says tried: a number typed, masked
        wait = seconds_to_wait(username, address, now)
        if wait:
            db.session.commit()
            en, zh = wait_in_words(wait)
            api_abort(429, f"Too many failed logins: try again in {en}", f"登录失败次数过多，请 {zh}后再试",
                      retry_after_seconds=wait, retry_after_minutes=math.ceil(wait / 60))
        user = db.session.scalar(sa.select(User).where(User.username == username))
        # an unknown or inactive account is refused after the same work as a wrong password: no timing tells them apart
        ok = check_password_hash(user.password_hash if user is not None else UNKNOWN_USER_HASH, args["password"])
        ok = ok and user is not None and user.active
        note_attempt(username, address, ok, now)
        if not ok:
            audit.record("login_failed", "app_user", user.id if user else None, after={"username": g.attempted_username})
            db.session.commit()
            api_abort(401, "Wrong username or password", "用户名或密码错误")
        note_sign_in(user, args["password"])
        open_session(user)
        login_user(user)
        g.user = user
        new_csrf_token()
        audit.record("login", "app_user", user.id)
        db.session.commit()
        return _session_body(user)


@blp.route("/logout")
class Logout(MethodView):
    @blp.response(204)
    def post(self):
        """Sign out."""
        audit.record("logout", "app_user", g.user.id)
        end_sessions(g.user)  # every copy of this cookie stops working, not just the browser's
        db.session.commit()
        logout_user()
        session.clear()


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, SessionSchema)
    def get(self):
        """The signed-in user and the CSRF token for writes."""
        return _session_body(g.user)


@blp.route("/password")
class Password(MethodView):
    @blp.arguments(PasswordChangeSchema)
    @blp.response(204)
    def post(self, args):
        """Change one's own password (at least 8 characters, not the old one, the username or — outside the demo —
        the demo's shared one); other sessions of the user end, and a required change is done."""
        user = g.user
        if not check_password_hash(user.password_hash, args["current_password"]):
            api_abort(403, "The current password is wrong", "当前密码错误")
        try:
            check_new_password(user, args["current_password"], args["new_password"])
        except Refusal as exc:
            api_abort(422, exc.message, exc.message_zh,
                      errors={"json": {exc.field: [f"{exc.message} / {exc.message_zh}"]}})
        user.password_hash = generate_password_hash(args["new_password"])
        user.must_change_password = False
        end_sessions(user, keep_current=True)
        db.session.commit()
        login_user(user)  # this session carries on with the new session id
