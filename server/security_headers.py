"""What every answer tells the browser to refuse (issue 22 point 8): sniffing a type it was not given, being framed by
another site, scripts from anywhere but this server (the desk's import map by its hash), and a redirect that sends it
to whatever host the request named."""
from __future__ import annotations

import base64
import functools
import hashlib
from urllib.parse import urlsplit

from flask import current_app, request

from .config import base_map

MAP_SETTINGS = ("TILE_URL", "TILE_CRS", "TILE_ATTRIBUTION", "TIANDITU_KEY", "TIANDITU_URL")


def install(app) -> None:
    app.after_request(_secure)


def allow_inline_script(response, text: str):
    """The response may run this one inline script (the desk's import map: browsers take no import map by src)."""
    response.headers["Content-Security-Policy"] = _policy(_map_settings(), (_sha256(text),))
    return response


def _secure(response):
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")  # for browsers without CSP's frame-ancestors
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Content-Security-Policy", _policy(_map_settings()))
    if response.location and response.location.startswith(request.host_url):
        # Werkzeug's own redirects (/app → /app/) name the host the request gave: keep them on this site
        response.location = "/" + response.location[len(request.host_url):]
    return response


def _map_settings() -> tuple:
    return tuple(current_app.config[key] for key in MAP_SETTINGS)  # read on each answer, as /app/config.json does


@functools.lru_cache(maxsize=32)
def _policy(map_settings: tuple, script_hashes: tuple = ()) -> str:
    tiles = " ".join(_tile_origins(dict(zip(MAP_SETTINGS, map_settings))))
    scripts = " ".join(f"'{digest}'" for digest in script_hashes)
    return "; ".join((
        "default-src 'self'",
        f"script-src 'self' {scripts}".rstrip(),
        "style-src 'self' 'unsafe-inline'",  # Leaflet and a few of our elements position themselves by style
        f"img-src 'self' data: blob: {tiles}".rstrip(),
        f"connect-src 'self' blob: data: {tiles}".rstrip(),  # the phone's service worker keeps the base map's tiles
        "font-src 'self' data:", "worker-src 'self'", "manifest-src 'self'", "object-src 'none'",
        "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'"))


def _tile_origins(config: dict) -> list[str]:
    """The base map's tile servers as CSP sources: a host named per subdomain ({s}) becomes *.its domain."""
    origins = []
    for layer in base_map(config)["layers"]:
        parts = urlsplit(layer["url"].replace("{s}", "s"))
        host = parts.netloc
        if "{s}" in urlsplit(layer["url"]).netloc:
            host = "*." + host.partition(".")[2]
        origins.append(f"{parts.scheme}://{host}")
    return origins


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
