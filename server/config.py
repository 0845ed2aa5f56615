"""Configuration, read from the environment with defaults for the embedded set-up."""
import json
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote, urlsplit

from grids.crs import CRS_CHOICES

from . import limits

ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = ROOT / "instance"


def default_database_url() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'wangge.sqlite'}"


SECRET_FILE = "secret_key"


def installation_secret(instance_dir: Path) -> str:
    """The installation's own secret key, kept in the instance folder (readable by its owner only), made on the first
    start: a key fixed in the code would let anyone who read it sign cookies for any installation. Two workers
    starting at once keep the one that was linked into place first."""
    path = instance_dir / SECRET_FILE
    if not path.exists():
        draft = instance_dir / f".{SECRET_FILE}.{os.getpid()}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_urlsafe(48))
        try:
            os.link(draft, path)  # atomic, and fails if another worker got there first
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


class Config:
    # Signs the session cookies. Unset: one made for this installation on its first start (installation_secret)
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or default_database_url()
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    JSON_AS_ASCII = False

    # flask-smorest / OpenAPI
    API_TITLE = "wangge 网格"
    # The API's version, the document's info.version: MAJOR.MINOR. The minor grows with what a client may take or ignore
    # (a field added, a body typed more closely); the major with a field removed or renamed, which README's CHANGELOG
    # lists with the old shapes still taken and for how long.
    API_VERSION = "1.1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"

    # Sessions: HttpOnly and SameSite always, Secure whenever the request came over TLS (server/auth)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "") == "1"
    PERMANENT_SESSION_LIFETIME = 30 * 24 * 3600  # grid workers stay signed in through offline weeks
    # Behind a reverse proxy terminating TLS, trust its X-Forwarded-* headers (number of proxies)
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))

    # The largest request body of any endpoint; each endpoint's own is smaller (server/limits.py, body_limit)
    MAX_CONTENT_LENGTH = limits.MAX_REQUEST_BYTES

    # Responses compressed in the app (Flask-Compress), so the embedded set-up is quick without a proxy: brotli
    # or gzip, as the browser accepts, for text of more than 500 bytes (JSON, GeoJSON, CSV, JS, CSS, HTML) and the
    # heat map's vector tiles; photos, PDFs and workbooks are compressed already and go as they are. Streamed
    # answers (the files of pwa/ and node_modules) are compressed as they stream, and answer 304 to their
    # compressed ETag (COMPRESS_STREAMING_ENDPOINT_CONDITIONAL). Every answer says Vary: Accept-Encoding.
    COMPRESS_MIMETYPES = ["text/html", "text/css", "text/plain", "text/csv", "text/javascript", "application/javascript",
                          "application/json", "application/geo+json", "application/manifest+json",
                          "application/vnd.mapbox-vector-tile", "image/svg+xml"]
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_ALGORITHM_STREAMING = ["br", "gzip"]
    COMPRESS_BR_LEVEL = 4
    COMPRESS_LEVEL = 6
    COMPRESS_MIN_SIZE = 500
    COMPRESS_STREAMING_ENDPOINT_CONDITIONAL = ["pwa.vendor_file", "pwa.app_file", "pwa.view_file"]

    # The base map under the desk's and the phone's maps (base_map below): none by default (the maps work
    # without). Any tile source by TILE_URL; a Chinese commercial one (AMap, Tencent) is in GCJ-02, so set
    # TILE_CRS=gcj02 and the maps shift our WGS-84 data onto it. Or 天地图 by its key alone (TIANDITU_KEY).
    TILE_URL = os.environ.get("TILE_URL", "")
    TILE_CRS = os.environ.get("TILE_CRS", "wgs84")
    TILE_ATTRIBUTION = os.environ.get("TILE_ATTRIBUTION", "")
    TIANDITU_KEY = os.environ.get("TIANDITU_KEY", "")
    TIANDITU_URL = "https://t{s}.tianditu.gov.cn"  # 天地图's hosts t0…t7; the tests point it at a local tile server

    # Seconds the trend's closed months are reused (server/stats/cache.py); 0: count them on every request
    STATS_CACHE_SECONDS = int(os.environ.get("STATS_CACHE_SECONDS", "300"))

    # Where photos and documents are kept (server/attachments/store.py): empty for the instance folder's
    # attachments/, file:///path for another folder, s3://bucket?endpoint=…&region=… for an S3-compatible store
    ATTACHMENT_STORE = os.environ.get("ATTACHMENT_STORE", "")

    # The demo county runs (`make run` sets DEMO=1): its shared password may stay. Off, anyone signing in with it
    # must change it first (server/auth/passwords.py)
    DEMO = os.environ.get("DEMO", "") == "1"

    # Outbound channels 消息外发 (server/notifications/channels.py, sent by `flask notifications send`): a group robot of
    # 企业微信 and of 钉钉 (its signing secret), an SMS gateway over HTTP (a JSON body template with {mobile}, {text} and
    # {link}; the token sent as Authorization: Bearer). None by default: nothing goes out. Never logged (the robots'
    # URLs carry their keys); outbound() below checks them at start-up.
    NOTIFY_WECOM_WEBHOOK = os.environ.get("NOTIFY_WECOM_WEBHOOK", "")
    NOTIFY_DINGTALK_WEBHOOK = os.environ.get("NOTIFY_DINGTALK_WEBHOOK", "")
    NOTIFY_DINGTALK_SECRET = os.environ.get("NOTIFY_DINGTALK_SECRET", "")
    NOTIFY_SMS_URL = os.environ.get("NOTIFY_SMS_URL", "")
    NOTIFY_SMS_TEMPLATE = os.environ.get("NOTIFY_SMS_TEMPLATE", "")
    NOTIFY_SMS_TOKEN = os.environ.get("NOTIFY_SMS_TOKEN", "")
    NOTIFY_TIMEOUT = (3, 10)  # seconds to connect, to read the answer: every outbound call
    # The address users open the app at, the base of the links in messages sent out (https://wangge.example.gov.cn)
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "")

    # Pagination of list endpoints
    PAGE_SIZE_DEFAULT = 50
    PAGE_SIZE_MAX = 500


class ConfigError(ValueError):
    """A setting the application cannot start with; the message names it (never a secret's value)."""


# 天地图's WMTS in Web Mercator (TILEMATRIXSET=w, the "_w" services): vector tiles (vec) and their annotation (cva,
# the place names) drawn over them. Its coordinates are CGCS2000, which differs from WGS-84 by centimetres:
# our data is drawn on it unshifted.
TIANDITU_LAYERS = ("vec", "cva")
TIANDITU_MAX_ZOOM = 18
TIANDITU_ATTRIBUTION = "天地图 © 国家地理信息公共服务平台"


def base_map(config: Mapping) -> dict:
    """The tiles the maps draw under the units, as /app/config.json gives them to the desk and the phone:
    {"crs": wgs84 | gcj02, "layers": [{url, subdomains, attribution, max_zoom}, …]}, bottom layer first; no layers
    when none is configured. Raises ConfigError naming the setting at fault (create_app checks at start-up)."""
    url, crs, key = config["TILE_URL"], config["TILE_CRS"], config["TIANDITU_KEY"]
    if crs not in CRS_CHOICES:
        raise ConfigError(f"TILE_CRS={crs!r}: must be one of {', '.join(CRS_CHOICES)}")
    if url and key:
        raise ConfigError("TILE_URL and TIANDITU_KEY are both set: set one (TIANDITU_KEY is the 天地图 preset)")
    if key and crs != "wgs84":
        raise ConfigError(f"TILE_CRS={crs!r} with TIANDITU_KEY: 天地图 is in CGCS2000 (≈ WGS-84), leave TILE_CRS wgs84")
    if url and not all(part in url for part in ("{z}", "{x}", "{y}")):
        raise ConfigError(f"TILE_URL={url!r}: must hold {{z}}, {{x}} and {{y}}")
    if key:
        layers = [{"url": f"{config['TIANDITU_URL']}/{name}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
                          f"&LAYER={name}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
                          f"&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={quote(key, safe='')}",
                   "subdomains": "01234567", "attribution": TIANDITU_ATTRIBUTION, "max_zoom": TIANDITU_MAX_ZOOM}
                  for name in TIANDITU_LAYERS]
    elif url:
        layers = [{"url": url, "subdomains": "abc", "attribution": config["TILE_ATTRIBUTION"], "max_zoom": None}]
    else:
        layers = []
    return {"crs": crs, "layers": layers}


def _http_url(name: str, value: str) -> None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{name}: must be an http(s) URL")  # not the value: the robots' URLs carry their keys


def outbound(config: Mapping) -> dict[str, str]:
    """The outbound channels configured: {channel: its URL} of wecom, dingtalk and sms. Raises ConfigError naming the
    setting at fault (create_app checks at start-up): a URL that is not http(s), a DingTalk secret without its robot,
    an SMS gateway without a JSON template holding {mobile} and {text}, any channel without PUBLIC_URL."""
    urls = {"wecom": config["NOTIFY_WECOM_WEBHOOK"], "dingtalk": config["NOTIFY_DINGTALK_WEBHOOK"],
            "sms": config["NOTIFY_SMS_URL"]}
    names = {"wecom": "NOTIFY_WECOM_WEBHOOK", "dingtalk": "NOTIFY_DINGTALK_WEBHOOK", "sms": "NOTIFY_SMS_URL"}
    for channel, url in urls.items():
        if url:
            _http_url(names[channel], url)
    if config["NOTIFY_DINGTALK_SECRET"] and not urls["dingtalk"]:
        raise ConfigError("NOTIFY_DINGTALK_SECRET without NOTIFY_DINGTALK_WEBHOOK: set the robot's URL too")
    if urls["sms"]:
        try:
            json.loads(config["NOTIFY_SMS_TEMPLATE"])
        except ValueError:
            raise ConfigError("NOTIFY_SMS_TEMPLATE: must be a JSON body (with \"{mobile}\" and \"{text}\" in strings)"
                              ) from None
        if not all(part in config["NOTIFY_SMS_TEMPLATE"] for part in ("{mobile}", "{text}")):
            raise ConfigError("NOTIFY_SMS_TEMPLATE: must hold {mobile} and {text}")
    configured = {channel: url for channel, url in urls.items() if url}
    if configured:
        if not config["PUBLIC_URL"]:
            raise ConfigError("PUBLIC_URL: needed for the links in messages sent out (NOTIFY_* is set)")
        _http_url("PUBLIC_URL", config["PUBLIC_URL"])
    return configured
