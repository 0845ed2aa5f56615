"""Serving the phone app (pwa/) under /app/, with the headers a service worker needs."""
from pathlib import Path

from flask import Blueprint, current_app, jsonify, redirect, send_from_directory
from werkzeug.exceptions import NotFound

PWA_DIR = Path(__file__).resolve().parent.parent / "pwa"
VIEWS_DIR = PWA_DIR / "views"  # the desktop views for township secretaries and county staff
VIEW_PAGES = {"town": "town.html", "county": "county.html", "petitions": "petitions.html"}
# Front-end libraries come from npm (make run / make test install them), never a CDN or the repo.
NODE_MODULES = Path(__file__).resolve().parent.parent / "node_modules"
VENDOR = {"leaflet": NODE_MODULES / "leaflet" / "dist", "pbf": NODE_MODULES / "pbf",
          "vector-tile": NODE_MODULES / "@mapbox" / "vector-tile",
          "point-geometry": NODE_MODULES / "@mapbox" / "point-geometry", "simpleheat": NODE_MODULES / "simpleheat"}
blp = Blueprint("pwa", __name__)


@blp.get("/")
def home():
    return redirect("/app/")


@blp.get("/app/config.json")
def app_config():
    """What the phone app needs to know of this server: the map tiles, if any."""
    return jsonify(tile_url=current_app.config["TILE_URL"], tile_crs=current_app.config["TILE_CRS"],
                   tile_attribution=current_app.config["TILE_ATTRIBUTION"])


@blp.get("/app/vendor/<library>/<path:path>")
def vendor_file(library, path):
    if library not in VENDOR or not VENDOR[library].is_dir():
        raise NotFound(f"{library} is not installed: run make run or make test (npm ci)")
    return send_from_directory(VENDOR[library], path, max_age=0)


@blp.get("/app/")
@blp.get("/app/<path:path>")
def app_file(path="index.html"):
    response = send_from_directory(PWA_DIR, path, max_age=0)  # the service worker caches; browsers revalidate
    if path == "sw.js":
        response.headers["Service-Worker-Allowed"] = "/app/"
        response.headers["Cache-Control"] = "no-cache"
    if path.endswith(".webmanifest"):
        response.mimetype = "application/manifest+json"
    return response


@blp.get("/views/<path:path>")
def view_file(path):
    """/views/town, /views/county and /views/petitions, and their own scripts and styles; they sign in through the API."""
    return send_from_directory(VIEWS_DIR, VIEW_PAGES.get(path, path), max_age=0)
