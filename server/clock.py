"""The server's clock, in one place so tests can freeze it."""
import datetime as dt


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)
