"""The outbound channels 消息外发: one small function per channel building its HTTP request, and the one call that
sends a request. 企业微信 and 钉钉 group robots take {"msgtype": "text", "text": {"content": …}} and answer errcode 0
when they took it; 钉钉's robot with a signing secret wants `timestamp` (ms) and `sign` = base64(HMAC-SHA256(secret,
"timestamp\\nsecret")) in its query. An SMS gateway gets the county's JSON template (NOTIFY_SMS_TEMPLATE) with
{mobile}, {text} (the whole message, its link included) and {link} (the link alone) filled in, and the token as
`Authorization: Bearer`. The mobile goes in the request only, never in the text.

Every request carries an `Idempotency-Key` header (the outbox row's key) and has timeouts. Nothing here logs a
request or repeats an exception's words: the robots' URLs carry their keys, the gateway's headers its token. A
failure is a short reason of our own ("timeout", "HTTP 503", "errcode 310000")."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import quote

import urllib3

from .. import bounded_json

_pool: urllib3.PoolManager | None = None
# urllib3 logs each request's URL, query and all, at DEBUG: the robots' keys with it. Not from here, at any level.
logging.getLogger("urllib3.connectionpool").setLevel(logging.INFO)


@dataclass(frozen=True)
class Request:
    url: str
    payload: dict
    robot: bool  # a group robot: it answers errcode 0 when it took the message
    headers: dict = field(default_factory=dict)


def _text(content: str) -> dict:
    return {"msgtype": "text", "text": {"content": content}}


def wecom(url: str, body: str) -> Request:
    """A 企业微信 group robot (its URL carries the key)."""
    return Request(url, _text(body), robot=True)


def dingtalk(url: str, secret: str, body: str, timestamp_ms: int) -> Request:
    """A 钉钉 group robot, signed when it has a secret ("加签")."""
    if secret:
        digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
        sign = quote(base64.b64encode(digest).decode(), safe="")
        url = f"{url}{'&' if '?' in url else '?'}timestamp={timestamp_ms}&sign={sign}"
    return Request(url, _text(body), robot=True)


def fill(template, values: Mapping[str, str]):
    """The JSON template with each {placeholder} in its strings replaced (the values JSON-escaped by the encoder)."""
    if isinstance(template, str):
        for name, value in values.items():
            template = template.replace("{" + name + "}", value)
        return template
    if isinstance(template, list):
        return [fill(item, values) for item in template]
    if isinstance(template, dict):
        return {key: fill(item, values) for key, item in template.items()}
    return template


def sms(url: str, template: str, token: str, mobile: str, body: str, link: str) -> Request:
    """An SMS gateway over HTTP: the county's template filled in, the token as a bearer header."""
    payload = fill(json.loads(template), {"mobile": mobile, "text": body, "link": link})
    return Request(url, payload, robot=False, headers={"Authorization": f"Bearer {token}"} if token else {})


def build(channel: str, config: Mapping, body: str, link: str, mobile: str | None, timestamp_ms: int) -> Request:
    """The request of an outbox row by the app's configuration (server/config.py outbound)."""
    if channel == "wecom":
        return wecom(config["NOTIFY_WECOM_WEBHOOK"], body)
    if channel == "dingtalk":
        return dingtalk(config["NOTIFY_DINGTALK_WEBHOOK"], config["NOTIFY_DINGTALK_SECRET"], body, timestamp_ms)
    return sms(config["NOTIFY_SMS_URL"], config["NOTIFY_SMS_TEMPLATE"], config["NOTIFY_SMS_TOKEN"], mobile or "",
               body, link)


def deliver(request: Request, key: str, timeout: tuple[float, float]) -> str | None:
    """Send the request once: None when the other side took it, else a short reason (no URL, no key, no token)."""
    global _pool
    _pool = _pool or urllib3.PoolManager(retries=False)
    headers = {"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": key, **request.headers}
    try:
        response = _pool.request("POST", request.url, body=json.dumps(request.payload, ensure_ascii=False).encode(),
                                 headers=headers, timeout=urllib3.Timeout(connect=timeout[0], read=timeout[1]),
                                 redirect=False)
    except urllib3.exceptions.NewConnectionError:
        return "connection failed"
    except urllib3.exceptions.TimeoutError:
        return "timeout"
    except urllib3.exceptions.HTTPError as error:
        return f"failed ({type(error).__name__})"
    if not 200 <= response.status < 300:
        return f"HTTP {response.status}"
    if request.robot:
        try:
            errcode = bounded_json.loads(response.data).get("errcode")
        except (ValueError, AttributeError):
            return "not a robot's answer"
        if errcode != 0:
            return f"errcode {errcode}"[:60]
    return None
