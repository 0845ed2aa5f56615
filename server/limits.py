"""Every limit on what comes in from outside, in one place: what a request may send, and what a file it sends may
unpack to and hold. Each refusal names its limit (the name in brackets: max_body_bytes, max_features…) in English and
Chinese and carries the numbers as `limits`; README's Security table lists them.

The commands run on the server (flask grids import, flask register import) have none of them: a county larger than
the limits brings its files there."""
from __future__ import annotations

from grids.archive import ArchiveLimits
from grids.io import FileLimits

from .tabular import TableLimits

MB = 2**20
FORM_ALLOWANCE = 64 * 1024      # an upload's multipart framing and form fields beside the file

# Request bodies, by endpoint (body_limit below): one declared larger is refused before it is read, one sent without its
# length as soon as it passes the limit
MAX_JSON_BYTES = 1 * MB         # any body not listed below: a visit, a dispute, a household with its members, settings
MAX_PUSH_BYTES = 32 * MB        # a phone's push: its items at their longest are 45 KB (a dispute's 4,000-character
MAX_PUSH_ITEMS = 500            # description and 100 parties, in 4-byte characters): 500 of them are 23 MB
MAX_JSON_DEPTH = 32             # a push's item → data → parties → a party is four levels (server/bounded_json.py)

# Boundary files (POST /api/admin/grid/import): GeoJSON, or a zipped Shapefile
MAX_BOUNDARY_FILE_BYTES = 50 * MB
MAX_UNPACKED_BYTES = 100 * MB   # what a zipped Shapefile unpacks to (about twice what it weighs)
MAX_ARCHIVE_MEMBERS = 100       # a Shapefile is 3 to 8 files (.shp, .shx, .dbf, .prj, .cpg, indexes, metadata)
MAX_FEATURES = 10_000           # a county has a few thousand cells (the benchmark's 6,000); 10,000 check in ~5 s

# Spreadsheets (POST /api/admin/register/import, /api/admin/cadre-links/import): CSV or .xlsx
MAX_TABLE_FILE_BYTES = 20 * MB  # a county's 22,013 households, one row a person, are about 8 MB of CSV
MAX_TABLE_ROWS = 200_000        # rows that hold anything; counted as they are read
MAX_TABLE_COLUMNS = 200         # the register has 16 (a sheet may declare 16,384, and each row was padded to them)
MAX_WORKBOOK_UNPACKED_BYTES = 256 * MB  # an .xlsx of 200,000 rows of the register is about 180 MB unpacked
MAX_WORKBOOK_PART_BYTES = 32 * MB  # each part but the sheet, which openpyxl reads whole: 34 MB of shared strings
                                   # took 184 MB and 27 s; a register of 200,000 people holds about 24 MB of them

# Photos and documents (POST /api/attachments)
MAX_ATTACHMENT_BYTES = 15 * MB  # a phone photo is 2-8 MB, a scanned agreement of a few pages less
MAX_PIXELS = 40_000_000         # 40 MP: more than any phone camera's full resolution (a 200 MP mode is binned)


def body_limit(endpoint: str | None) -> int:
    """The most bytes a request to the endpoint may send: MAX_JSON_BYTES but for those that take more."""
    return {"sync.Push": MAX_PUSH_BYTES,
            "admin_grid.Import": MAX_BOUNDARY_FILE_BYTES,
            "admin_register.RegisterImport": MAX_TABLE_FILE_BYTES + FORM_ALLOWANCE,
            "admin_users.CadreLinkImport": MAX_TABLE_FILE_BYTES + FORM_ALLOWANCE,
            "attachments.Attachments": MAX_ATTACHMENT_BYTES + FORM_ALLOWANCE}.get(endpoint, MAX_JSON_BYTES)


MAX_REQUEST_BYTES = MAX_BOUNDARY_FILE_BYTES  # the largest body of any endpoint: Flask's MAX_CONTENT_LENGTH


def boundary_file() -> FileLimits:
    """The limits of a boundary file sent over HTTP, as grids.io reads it."""
    return FileLimits(ArchiveLimits(MAX_ARCHIVE_MEMBERS, MAX_UNPACKED_BYTES), MAX_FEATURES)


def boundary_limits() -> dict:
    """The boundary file's limits as an answer names them."""
    return {"max_file_bytes": MAX_BOUNDARY_FILE_BYTES, "max_unpacked_bytes": MAX_UNPACKED_BYTES,
            "max_archive_members": MAX_ARCHIVE_MEMBERS, "max_features": MAX_FEATURES}


def table_file() -> TableLimits:
    """The limits of a spreadsheet sent over HTTP, as server/tabular.py reads it."""
    return TableLimits(ArchiveLimits(MAX_ARCHIVE_MEMBERS, MAX_WORKBOOK_UNPACKED_BYTES), MAX_WORKBOOK_PART_BYTES,
                       MAX_TABLE_ROWS, MAX_TABLE_COLUMNS)


def table_limits() -> dict:
    return {"max_file_bytes": MAX_TABLE_FILE_BYTES, "max_rows": MAX_TABLE_ROWS, "max_columns": MAX_TABLE_COLUMNS,
            "max_unpacked_bytes": MAX_WORKBOOK_UNPACKED_BYTES, "max_part_bytes": MAX_WORKBOOK_PART_BYTES,
            "max_archive_members": MAX_ARCHIVE_MEMBERS}


def attachment_limits() -> dict:
    return {"max_bytes": MAX_ATTACHMENT_BYTES, "max_pixels": MAX_PIXELS}


def push_limits() -> dict:
    return {"max_items": MAX_PUSH_ITEMS, "max_body_bytes": MAX_PUSH_BYTES}
