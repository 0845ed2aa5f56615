"""Serving the phone app (pwa/) under /app/, with the headers a service worker needs."""
from pathlib import Path

from flask import Blueprint, current_app, jsonify, redirect, render_template_string, send_from_directory
from flask_login import current_user
from werkzeug.exceptions import NotFound

from .config import base_map
from .roles import ROLE

PWA_DIR = Path(__file__).resolve().parent.parent / "pwa"
VIEWS_DIR = PWA_DIR / "views"  # the desktop views for township secretaries and county staff
# The desk's pages: one HTML shell (pwa/views/page.html) with each page's title and script
VIEW_PAGES = {"town": ("乡镇网格视图", "town.js"), "county": ("县级综合视图", "county.js"),
              "desk": ("矛盾纠纷办理", "desk.js"), "petitions": ("信访登记窗口", "petitions.js"),
              "register": ("住户登记册", "register.js"), "activity": ("工作人员活跃度", "activity.js"),
              "admin": ("系统管理", "admin.js"),
              "admin-grid": ("网格边界与划分", "admin-grid.js"), "messages": ("消息", "message-centre.js")}
VIEWS_HOME = "/views/desk?then=home"  # the desk's sign-in, which then sends each user to their own page
# Front-end libraries come from npm (make run / make test install them), never a CDN or the repo.
NODE_MODULES = Path(__file__).resolve().parent.parent / "node_modules"
VENDOR = {"leaflet": NODE_MODULES / "leaflet" / "dist", "pbf": NODE_MODULES / "pbf",
          "vector-tile": NODE_MODULES / "@mapbox" / "vector-tile",
          "point-geometry": NODE_MODULES / "@mapbox" / "point-geometry", "simpleheat": NODE_MODULES / "simpleheat"}
blp = Blueprint("pwa", __name__)


@blp.get("/")
def home():
    """Each role's home once signed in (server/roles.py); otherwise the desk's sign-in, which sends each user home."""
    return redirect(ROLE[current_user.role].home if current_user.is_authenticated else VIEWS_HOME)


@blp.get("/app/config.json")
def app_config():
    """What the phone app and the desk's maps need to know of this server: the base map's tiles, if any."""
    return jsonify(tiles=base_map(current_app.config))


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
    """/views/town, /views/county, /views/desk…, and their own scripts and styles; they sign in through the API."""
    if path in VIEW_PAGES:
        title, script = VIEW_PAGES[path]
        shell = (VIEWS_DIR / "page.html").read_text(encoding="utf-8")
        return render_template_string(shell, title=title, script=script)
    if path == "page.html":
        raise NotFound("the shell is served through the pages' own addresses")
    return send_from_directory(VIEWS_DIR, path, max_age=0)
