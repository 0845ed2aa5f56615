"""Configuration, read from the environment with defaults for the embedded set-up."""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = ROOT / "instance"


def default_database_url() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'wangge.sqlite'}"


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-change-me")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or default_database_url()
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    JSON_AS_ASCII = False

    # flask-smorest / OpenAPI
    API_TITLE = "wangge 网格"
    API_VERSION = "v1"
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

    MAX_CONTENT_LENGTH = 50 * 1024 * 1024  # uploads (boundary files) up to 50 MB; larger answer 413

    # Map tiles for the phone app: none by default (the map works without); a Chinese commercial
    # source (AMap, Tencent) is in GCJ-02, so set TILE_CRS=gcj02 and the app shifts our WGS-84 data.
    TILE_URL = os.environ.get("TILE_URL", "")
    TILE_CRS = os.environ.get("TILE_CRS", "wgs84")
    TILE_ATTRIBUTION = os.environ.get("TILE_ATTRIBUTION", "")

    # Seconds the trend's closed months are reused (server/stats/cache.py); 0: count them on every request
    STATS_CACHE_SECONDS = int(os.environ.get("STATS_CACHE_SECONDS", "300"))

    # Where photos and documents are kept (server/attachments/store.py): empty for the instance folder's
    # attachments/, file:///path for another folder, s3://bucket?endpoint=…&region=… for an S3-compatible store
    ATTACHMENT_STORE = os.environ.get("ATTACHMENT_STORE", "")

    # The demo county runs (`make run` sets DEMO=1): its shared password may stay. Off, anyone signing in with it
    # must change it first (server/auth/passwords.py)
    DEMO = os.environ.get("DEMO", "") == "1"

    # Pagination of list endpoints
    PAGE_SIZE_DEFAULT = 50
    PAGE_SIZE_MAX = 500
