"""The server's clock, in one place so tests can freeze it; and China's calendar days, which periods use."""
import datetime as dt

CHINA = dt.timezone(dt.timedelta(hours=8))  # no daylight saving
# how far a phone's clock may run ahead of the server's before its times are refused as in the future
CLOCK_SKEW = dt.timedelta(minutes=10)


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def china_today() -> dt.date:
    return now().astimezone(CHINA).date()


def china_midnight(day: dt.date) -> dt.datetime:
    """The moment a China calendar day begins."""
    return dt.datetime.combine(day, dt.time(), CHINA)
