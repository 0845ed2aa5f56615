"""Content-hashed addresses for the desk's scripts and styles and the npm libraries it loads, without a build step.

A file's address with `?v=<hash of its bytes>` is served with a year's immutable caching (server/pwa.py): the hash
changes with the file, so a browser never keeps an old one. The desk's shell (pwa/views/page.html) names its styles
and scripts so, and carries an import map from each ES module's plain address to its hashed one: import maps remap
addresses after resolution, so the modules' own imports (`./figures.js`, `/app/js/api.js`) stay as they are written.
The page's module graph, read from the import statements, also gives the shell its `<link rel="modulepreload">`s.

Hashes are kept by each file's modification time and size, so a file changed on disk gets a new hash at the next
request, with or without a restart. A request whose `?v=` is not the file's hash (an old page) still gets the
current file, revalidated as before, never a 404."""
from __future__ import annotations

import hashlib
import posixpath
import re
import threading
from pathlib import Path

HASH_LENGTH = 12
IMMUTABLE = "public, max-age=31536000, immutable"
# Static imports and re-exports at the start of a line (`import x from "…"`, `import "…"`, `export { y } from "…"`,
# over several lines too), and dynamic `import("…")`: these are fetched only when the code runs, so never preloaded.
STATIC_IMPORT = re.compile(r"""^[ \t]*(?:import|export)\s+(?:[\w*{}\s,$]+?\s+from\s*)?["']([^"'\n]+)["']""", re.M)
DYNAMIC_IMPORT = re.compile(r"""\bimport\(\s*["']([^"'\n]+)["']\s*\)""")


class Assets:
    """Files served under URL prefixes (`{"/views/": Path(...), "/app/vendor/leaflet/": Path(...)}`, the longest
    prefix wins) and bare module names the pages import (`{"@mapbox/point-geometry": "/app/vendor/…/index.js"}`)."""

    def __init__(self, roots: dict[str, Path], bare: dict[str, str] | None = None):
        self.roots = sorted(roots.items(), key=lambda item: -len(item[0]))
        self.bare = dict(bare or {})
        self._known: dict[Path, tuple[tuple[int, int], str, tuple[list[str], list[str]] | None]] = {}
        self._lock = threading.Lock()

    def file_of(self, url: str) -> Path | None:
        """The file an address names, or None (outside every root, or no such file)."""
        for prefix, root in self.roots:
            if url.startswith(prefix):
                path = (root / url[len(prefix):]).resolve()
                if path.is_file() and path.is_relative_to(root.resolve()):
                    return path
                return None
        return None

    def _entry(self, path: Path, with_imports: bool = False):
        stat = path.stat()
        key = (stat.st_mtime_ns, stat.st_size)
        known = self._known.get(path)
        if known is None or known[0] != key or (with_imports and known[2] is None):
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()[:HASH_LENGTH]
            imports = None
            if with_imports:
                text = data.decode("utf-8", errors="replace")
                imports = (STATIC_IMPORT.findall(text), DYNAMIC_IMPORT.findall(text))
            known = (key, digest, imports)
            with self._lock:
                self._known[path] = known
        return known

    def digest(self, url: str) -> str | None:
        """The hash of the file's bytes as they are now, or None when the address names no file."""
        path = self.file_of(url)
        return self._entry(path)[1] if path else None

    def hashed(self, url: str) -> str:
        """The address with its hash (`/views/js/town.js?v=3f2a…`); as it was when it names no file."""
        digest = self.digest(url)
        return f"{url}?v={digest}" if digest else url

    def resolve(self, specifier: str, importer: str) -> str | None:
        """The address an import in the module at `importer` names (relative, absolute or a bare name)."""
        if specifier in self.bare:
            return self.bare[specifier]
        if specifier.startswith("/"):
            return posixpath.normpath(specifier)
        if specifier.startswith(("./", "../")):
            return posixpath.normpath(posixpath.join(posixpath.dirname(importer), specifier))
        return None  # another origin, or a bare name nobody maps

    def imports(self, url: str) -> tuple[list[str], list[str]]:
        """(static, dynamic) addresses the module imports, of files that are there."""
        path = self.file_of(url)
        if path is None:
            return [], []
        static, dynamic = self._entry(path, with_imports=True)[2]
        found = lambda specifiers: [u for u in (self.resolve(s, url) for s in specifiers) if u and self.file_of(u)]  # noqa: E731
        return found(static), found(dynamic)

    def module_graph(self, entry: str) -> tuple[list[str], list[str]]:
        """(what the entry needs before it runs: itself and every module it imports statically, dependencies first;
        every module it may load, dynamic imports and theirs too)."""
        needed, every, seen = [], [], set()

        def visit(url, static):
            if url in seen:
                if static and url not in needed:  # first met through a dynamic import
                    needed.append(url)
                return
            seen.add(url)
            direct, later = self.imports(url)
            for dependency in direct:
                visit(dependency, static)
            for dependency in later:
                visit(dependency, False)
            every.append(url)
            if static:
                needed.append(url)

        visit(entry, True)
        return needed, every

    def import_map(self, entries: list[str]) -> dict:
        """The import map of the pages whose module scripts are `entries`: every module they may load, from its plain
        address to its hashed one, and the bare names to the hashed files they stand for."""
        imports = {name: self.hashed(url) for name, url in self.bare.items()}
        for entry in entries:
            for url in self.module_graph(entry)[1]:
                imports[url] = self.hashed(url)
        return {"imports": imports}
