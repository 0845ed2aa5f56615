"""Every limit on what comes in from outside, in one place: what a request may send, and what a file it sends may
unpack to and hold. Each refusal names its limit (the name in brackets: max_features, max_unpacked_bytes…) in
English and Chinese and carries the numbers as `limits`; README's Security table lists them.

The commands run on the server (flask grids import, flask register import) have none of them: a county larger than
the limits brings its files there."""
from __future__ import annotations

from grids.archive import ArchiveLimits
from grids.io import FileLimits

MB = 2**20

# Boundary files (POST /api/admin/grid/import): GeoJSON, or a zipped Shapefile
MAX_BOUNDARY_FILE_BYTES = 50 * MB
MAX_UNPACKED_BYTES = 100 * MB   # what a zipped Shapefile unpacks to (about twice what it weighs)
MAX_ARCHIVE_MEMBERS = 100       # a Shapefile is 3 to 8 files (.shp, .shx, .dbf, .prj, .cpg, indexes, metadata)
MAX_FEATURES = 10_000           # a county has a few thousand cells (the benchmark's 6,000); 10,000 check in ~5 s


def boundary_file() -> FileLimits:
    """The limits of a boundary file sent over HTTP, as grids.io reads it."""
    return FileLimits(ArchiveLimits(MAX_ARCHIVE_MEMBERS, MAX_UNPACKED_BYTES), MAX_FEATURES)


def boundary_limits() -> dict:
    """The boundary file's limits as an answer names them."""
    return {"max_file_bytes": MAX_BOUNDARY_FILE_BYTES, "max_unpacked_bytes": MAX_UNPACKED_BYTES,
            "max_archive_members": MAX_ARCHIVE_MEMBERS, "max_features": MAX_FEATURES}

