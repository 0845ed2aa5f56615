"""Content-hashed addresses and the module graph (server/assets.py), on files of the test's own."""
import os

import pytest

from server.assets import Assets


@pytest.fixture
def site(tmp_path):
    views, vendor = tmp_path / "views", tmp_path / "vendor"
    (views / "js").mkdir(parents=True)
    vendor.mkdir()
    files = {
        views / "js" / "page.js": 'import { a } from "./a.js";\nimport "./side.js";\n'
                                  'export {\n  b,\n} from "../js/b.js";\nconst later = () => import("./later.js");\n',
        views / "js" / "a.js": 'import Point from "point";\nimport * as api from "/app/api.js";\n',
        views / "js" / "b.js": '// import { nothing } from "./in-a-comment-not-at-line-start.js" is not an import\n'
                               'export const b = 1;\n',
        views / "js" / "side.js": "/** @import {X} from 'x' */\nexport {};\n",
        views / "js" / "later.js": 'import { a } from "./a.js";\n',
        vendor / "point.js": "export default class Point {}\n",
        tmp_path / "app" / "api.js": "export const api = 1;\n",
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return Assets({"/views/": views, "/app/vendor/": vendor, "/app/": tmp_path / "app"},
                  bare={"point": "/app/vendor/point.js"})


def test_the_module_graph_follows_every_kind_of_import(site):
    needed, every = site.module_graph("/views/js/page.js")
    assert needed == ["/app/vendor/point.js", "/app/api.js", "/views/js/a.js", "/views/js/side.js", "/views/js/b.js",
                      "/views/js/page.js"]  # dependencies first, the dynamic import left out
    assert set(every) == set(needed) | {"/views/js/later.js"}


def test_the_import_map_names_every_module_by_its_hash(site):
    imports = site.import_map(["/views/js/page.js"])["imports"]
    assert imports["point"] == imports["/app/vendor/point.js"] == f"/app/vendor/point.js?v={site.digest('/app/vendor/point.js')}"
    assert set(imports) == {"point", "/app/vendor/point.js", "/app/api.js", "/views/js/a.js", "/views/js/side.js",
                            "/views/js/b.js", "/views/js/page.js", "/views/js/later.js"}
    assert all(url.split("?v=")[1] == site.digest(url.split("?")[0]) for url in imports.values())


def test_a_changed_file_gets_a_new_hash(site, tmp_path):
    before = site.hashed("/views/js/b.js")
    path = tmp_path / "views" / "js" / "b.js"
    path.write_text("export const b = 2;\n")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    assert site.hashed("/views/js/b.js") != before
    assert site.hashed("/views/js/b.js") == f"/views/js/b.js?v={site.digest('/views/js/b.js')}"


@pytest.mark.parametrize("url", ["/views/js/missing.js", "/views/../app/api.js", "/elsewhere/x.js", "/views/js/"])
def test_addresses_of_no_file_have_no_hash(site, url):
    assert site.digest(url) is None and site.hashed(url) == url
