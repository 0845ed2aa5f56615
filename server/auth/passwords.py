"""Password rules, in one place: what a new password must be, and when a user must change theirs before anything else.

A user must change their password at the next sign-in when the administrator created them or reset it
(`must_change_password`, set by server/accounts/users.py), and — outside the demo (config `DEMO` off) — when they
sign in with the demo's shared password: the seed gives every account that one, so a county that started from the
seed (or an account whose password was reset to it) cannot keep it. The check is made at sign-in, where the
password is in hand, and the flag it sets stays until the password is changed. While the flag is set the session
may only read who it is, sign out and change the password; every other API answers 403 `password_change_required`.
"""
from __future__ import annotations

from flask import current_app

from ..refusal import Refusal

DEMO_PASSWORD = "wangge2026"  # the seed's shared password (`flask seed demo`, README "Demo logins")
MIN_LENGTH = 8
# what a session that must change its password may still call
ALLOWED_BEFORE_CHANGE = frozenset({"auth.Me", "auth.Logout", "auth.Password"})
CHANGE_REQUIRED = "password_change_required"


def demo_mode() -> bool:
    """The app runs the demo county (`make run` sets DEMO=1): its shared password may stay."""
    return bool(current_app.config.get("DEMO"))


def note_sign_in(user, password: str) -> None:
    """At a successful sign-in: outside the demo the demo's shared password must be changed first."""
    if password == DEMO_PASSWORD and not demo_mode():
        user.must_change_password = True


def must_change_first(user, endpoint: str) -> bool:
    """Whether this request is refused until the user has changed their password."""
    return bool(user.must_change_password) and endpoint not in ALLOWED_BEFORE_CHANGE


def check_new_password(user, current: str, new: str) -> None:
    """Refuse a new password equal to the old one or the username, or (outside the demo) the demo's shared one.
    Its length is the schema's (at least MIN_LENGTH)."""
    if new in (current, user.username):
        raise Refusal("Choose a new password different from the old one and the username",
                      "新密码不能与旧密码或用户名相同", field="new_password")
    if new == DEMO_PASSWORD and not demo_mode():
        raise Refusal("The demo's shared password cannot be a password here", "不能使用演示系统的公共密码",
                      field="new_password")
