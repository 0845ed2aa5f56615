"""How far a time the user gives (a phone's, or one typed at the desk) may lie from the server's clock, and what it
must not precede. The phone's time is kept as what the user says happened, and figures read it (coverage by the
visit's time, the on-time rate by the resolution's), so it is bounded where it is received: not ahead of the server by
more than CLOCK_SKEW, not more than OFFLINE_ALLOWANCE before the server received it, and not before the thing it
follows (less CLOCK_SKEW: two phones' clocks differ). The server's receipt time is recorded beside it (received_at)."""
from __future__ import annotations

import datetime as dt

from .clock import CHINA, CLOCK_SKEW

# How long a phone may hold what it recorded without signal before it reaches the server: two weeks in the hills.
# Older than that, the phone's clock is wrong (a dead battery resets it to 1970) or the record is back-dated.
OFFLINE_ALLOWANCE = dt.timedelta(days=14)
# How far back a petition registered at the desk may be dated (the window's backlog of letters, entered later): a
# registration dated back only makes its acceptance look later, never a case look on time.
BACKLOG_ALLOWANCE = dt.timedelta(days=366)
BOUNDS = (f"at most {CLOCK_SKEW.seconds // 60} minutes ahead of the server and {OFFLINE_ALLOWANCE.days} days before it "
          "receives the item, and not before what it follows")  # as the API document says it


def refusal(value: dt.datetime, now: dt.datetime, follows: tuple[dt.datetime, str, str] | None = None,
            allowance: dt.timedelta = OFFLINE_ALLOWANCE) -> tuple[str, str] | None:
    """Why a given time cannot be accepted now, in English and Chinese, or None. `follows` is (the time of what it
    follows, its name in English, in Chinese), e.g. the dispute's last step; `allowance` how far back it may lie."""
    if value > now + CLOCK_SKEW:
        return "in the future", "晚于当前时间"
    if value < now - allowance:
        days = allowance.days
        return f"more than {days} days before the server received it", f"早于服务器收到时间 {days} 天以上"
    if follows is not None and follows[0] is not None and value < follows[0] - CLOCK_SKEW:
        before, name, name_zh = follows
        shown = before.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
        return f"before {name} ({shown})", f"早于{name_zh}（{shown}）"
    return None


def period_refusal(kind: str, period: dt.date, now: dt.datetime) -> tuple[str, str] | None:
    """Why a cell's report cannot be for this period, or None: a monthly report is for this month or the last (filed
    in the first days of this one); a daily report for a day up to today, at most OFFLINE_ALLOWANCE back. The period
    is the report's first day, China time."""
    today = now.astimezone(CHINA).date()
    if kind == "monthly":
        this_month = today.replace(day=1)
        last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
        if not last_month <= period <= this_month:
            return (f"a monthly report is for this month or the last ({last_month:%Y-%m} or {this_month:%Y-%m}), "
                    f"not {period:%Y-%m}", f"月报告只能报本月或上月（{last_month:%Y-%m} 或 {this_month:%Y-%m}）")
        return None
    earliest = today - dt.timedelta(days=OFFLINE_ALLOWANCE.days)
    if not earliest <= period <= today:
        return (f"a daily report is for a day from {earliest} to today ({today}), not {period}",
                f"日报告的日期须在 {earliest} 至今天（{today}）之间")
    return None
