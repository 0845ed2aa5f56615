"""Serving the phone app (pwa/) under /app/, with the headers a service worker needs, and the desk's pages under
/views/, whose scripts, styles and npm libraries go by content-hashed addresses cached for a year (server/assets.py)."""
from pathlib import Path

from flask import (
    Blueprint,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template_string,
    request,
    send_from_directory,
)
from flask_login import current_user
from markupsafe import Markup
from werkzeug.exceptions import NotFound

from .assets import IMMUTABLE, Assets
from .config import base_map
from .roles import ROLE
from .security_headers import allow_inline_script

PWA_DIR = Path(__file__).resolve().parent.parent / "pwa"
VIEWS_DIR = PWA_DIR / "views"  # the desktop views for township secretaries and county staff
# The desk's pages: one HTML shell (pwa/views/page.html) with each page's title and script
VIEW_PAGES = {"town": ("乡镇网格视图", "town.js"), "county": ("县级综合视图", "county.js"),
              "desk": ("矛盾纠纷办理", "desk.js"), "petitions": ("信访登记窗口", "petitions.js"),
              "register": ("住户登记册", "register.js"), "activity": ("工作人员活跃度", "activity.js"),
              "admin": ("系统管理", "admin.js"),
              "admin-grid": ("网格边界与划分", "admin-grid.js"), "messages": ("消息", "message-centre.js")}
APP_ENTRY = "/app/js/app.js"  # the phone app's module script (pwa/index.html)
VIEWS_HOME = "/views/desk?then=home"  # the desk's sign-in, which then sends each user to their own page
# Front-end libraries come from npm (make run / make test install them), never a CDN or the repo.
NODE_MODULES = Path(__file__).resolve().parent.parent / "node_modules"
VENDOR = {"leaflet": NODE_MODULES / "leaflet" / "dist", "pbf": NODE_MODULES / "pbf",
          "vector-tile": NODE_MODULES / "@mapbox" / "vector-tile",
          "point-geometry": NODE_MODULES / "@mapbox" / "point-geometry", "simpleheat": NODE_MODULES / "simpleheat"}
# Content-hashed addresses (server/assets.py) for every file served here; @mapbox/vector-tile imports its point
# class by package name, which the desk's import map names
ASSETS = Assets({"/views/": VIEWS_DIR, "/app/": PWA_DIR, **{f"/app/vendor/{name}/": path for name, path in VENDOR.items()}},
                bare={"@mapbox/point-geometry": "/app/vendor/point-geometry/index.js"})
blp = Blueprint("pwa", __name__)


def cached(response, url: str):
    """A year's immutable caching when the address carries the file's current hash (?v=); otherwise the file is
    revalidated as before (an old page's hash still gets the current file)."""
    wanted = request.args.get("v")
    if wanted and response.status_code in (200, 304) and wanted == ASSETS.digest(url):
        response.headers["Cache-Control"] = IMMUTABLE
        response.headers.pop("Expires", None)
    return response


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
    return cached(send_from_directory(VENDOR[library], path, max_age=0), f"/app/vendor/{library}/{path}")


@blp.get("/app/")
@blp.get("/app/<path:path>")
def app_file(path="index.html"):
    if path == "index.html":
        return app_shell()
    response = send_from_directory(PWA_DIR, path, max_age=0)  # the service worker caches; browsers revalidate
    if path == "sw.js":
        response.headers["Service-Worker-Allowed"] = "/app/"
        response.headers["Cache-Control"] = "no-cache"
    if path.endswith(".webmanifest"):
        response.mimetype = "application/manifest+json"
    # the phone app asks for plain addresses, cached by its service worker; the desk imports some with their hash
    return response if path == "sw.js" else cached(response, f"/app/{path}")


@blp.get("/views/<path:path>")
def view_file(path):
    """/views/town, /views/county, /views/desk…, and their own scripts and styles; they sign in through the API."""
    if path in VIEW_PAGES:
        return view_shell(*VIEW_PAGES[path])
    if path == "page.html":
        raise NotFound("the shell is served through the pages' own addresses")
    return cached(send_from_directory(VIEWS_DIR, path, max_age=0), f"/views/{path}")


def view_shell(title: str, script: str):
    """The page's shell: its styles and scripts by their hashed addresses, the import map of its modules and a
    modulepreload of each module the page imports before it runs (fetched at once, not import after import)."""
    entry = f"/views/js/{script}"
    needed, _ = ASSETS.module_graph(entry)
    import_map = Markup(render_template_string("{{ map|tojson }}", map=ASSETS.import_map([entry])))
    response = shell(VIEWS_DIR / "page.html", title=title, entry=ASSETS.hashed(entry), asset=ASSETS.hashed,
                     import_map=import_map, preloads=[ASSETS.hashed(url) for url in needed if url != entry])
    return allow_inline_script(response, import_map)


def app_shell():
    """The phone app's page with a modulepreload of each module app.js imports before it runs: on a slow network the
    modules come at once rather than one level of imports after another. Plain addresses, as the app imports them and
    its service worker keeps them (its precache takes this page as it is served)."""
    needed, _ = ASSETS.module_graph(APP_ENTRY)
    return shell(PWA_DIR / "index.html", preloads=[url for url in needed if url != APP_ENTRY])


def shell(template: Path, **context):
    """A page rendered from its template, revalidated on every visit (its ETag answers 304 while nothing changed)."""
    response = make_response(render_template_string(template.read_text(encoding="utf-8"), **context))
    response.headers["Cache-Control"] = "no-cache"
    response.add_etag()
    return response.make_conditional(request)
