"""A short-lived cache of the trend's closed months, per app and per data scope.

Every county or town user drilling the county view asks for a unit's 12-month trend: eleven closed months that
change only when a late sync or a dispute's later steps touch them, and the running month. The closed months
are kept for STATS_CACHE_SECONDS (default 300; 0 turns the cache off) and the running month is always counted
afresh, so today's work shows at once and an old month lags by at most those seconds."""
from __future__ import annotations

import threading
import time
from collections import OrderedDict

from flask import current_app

from ..scope import current_scope

MAX_ENTRIES = 512


class TTLCache:
    def __init__(self, seconds: float, max_entries: int = MAX_ENTRIES):
        self.seconds, self.max_entries = seconds, max_entries
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()  # gthread workers serve several requests at once

    def get_or_compute(self, key, compute):
        now = time.monotonic()
        with self._lock:
            hit = self._entries.get(key)
            if hit and hit[0] > now:
                self._entries.move_to_end(key)
                return hit[1]
        value = compute()
        with self._lock:
            self._entries[key] = (now + self.seconds, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value


def cached_for_scope(name: str, key: tuple, compute):
    """compute(), or its value from the last STATS_CACHE_SECONDS for the same key and the same data scope."""
    seconds = current_app.config.get("STATS_CACHE_SECONDS", 300)
    if seconds <= 0:
        return compute()
    cache = current_app.extensions.setdefault("stats_cache", TTLCache(seconds))
    scope = current_scope()
    # a scope of everything filters nothing, so all its users share entries; other scopes name their user
    shared = ("everything", scope.unit_code) if scope is not None and scope.everything else scope
    return cache.get_or_compute((name, shared, *key), compute)
