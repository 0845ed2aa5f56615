"""The one exception a rule of the domain raises to refuse a request (a step the workflow does not allow, a user bound
to the wrong level, a village that cannot be partitioned as asked). It carries the HTTP status the API answers with
and the message in both languages, and names the field at fault when there is one; the domain modules raise it
without knowing of Flask, and the API and sync turn it into their own answers."""
from __future__ import annotations


class Refusal(Exception):
    status = 422

    def __init__(self, message: str, message_zh: str, *, field: str | None = None, status: int | None = None):
        super().__init__(f"{message} / {message_zh}")
        self.message, self.message_zh, self.field = message, message_zh, field
        if status is not None:
            self.status = status
