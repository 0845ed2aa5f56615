"""Reading grid units from GeoJSON FeatureCollections and zipped Shapefiles.

Raw coordinates are checked before Shapely sees them (Shapely quietly closes open rings), and every
problem is attached to the feature it was found in. Within limits the caller sets (FileLimits): an archive is
opened within its own (grids/archive.py), and the features are counted before any geometry is built."""
from __future__ import annotations

import io
import itertools
import json
import math
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import PurePath

from shapely.geometry import shape

from .archive import ArchiveLimits, ArchiveTooLarge, BoundedArchive
from .report import ERROR, Report

POLYGONAL = ("Polygon", "MultiPolygon")


@dataclass
class FieldMapping:
    code: str = "code"
    name: str = "name"
    parent: str = "parent_code"


@dataclass(frozen=True)
class FileLimits:
    archive: ArchiveLimits = ArchiveLimits()
    max_features: int | None = None       # None: no limit


NO_LIMITS = FileLimits()


class TooManyFeatures(Exception):
    def __init__(self, count: int):
        super().__init__(count)
        self.count = count


@dataclass
class Feature:
    index: int                       # 1-based position in the file
    code: str | None = None
    name: str | None = None
    parent_code: str | None = None
    geometry: object = None          # shapely (Multi)Polygon, or None when it could not be read
    properties: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return " ".join(str(x) for x in (f"#{self.index}", self.code, self.name) if x)


def read_file(data: bytes, filename: str, mapping: FieldMapping, report: Report,
              limits: FileLimits = NO_LIMITS) -> list[Feature]:
    """Features from a .geojson/.json or a .zip Shapefile; file-level problems go to the report, a file beyond a
    limit as an over_limit problem naming it (and no features)."""
    suffix = PurePath(filename).suffix.lower()
    try:
        if suffix == ".zip" or zipfile.is_zipfile(io.BytesIO(data)):
            records = _read_shapefile_zip(data, report, limits)
        elif suffix in (".geojson", ".json", ""):
            records = _counted(_read_geojson(data, report), limits)
        else:
            report.add(ERROR, "file", detail=f"{filename}: expected a .geojson file or a zipped Shapefile",
                       detail_zh=f"{filename}：需要 .geojson 文件或 Shapefile 压缩包")
            return []
    except ArchiveTooLarge as exc:
        report.add(ERROR, "over_limit", detail=exc.message, detail_zh=exc.message_zh, limit=exc.limit)
        return []
    except TooManyFeatures as exc:
        limit = limits.max_features
        report.add(ERROR, "over_limit", limit="max_features",
                   detail=f"the file holds {exc.count:,} features, more than the limit of {limit:,} (max_features): "
                          "split it, by town or by village",
                   detail_zh=f"文件有 {exc.count:,} 个要素，超过 {limit:,} 个的上限（max_features），请按镇或村拆分")
        return []
    features = [_feature(i, props, geom, mapping, report) for i, (props, geom) in enumerate(records, start=1)]
    report.features = len(features)
    return features


def _read_geojson(data: bytes, report: Report) -> list[tuple[dict, dict]]:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        report.add(ERROR, "file", detail="the file is not UTF-8 text", detail_zh="文件不是 UTF-8 文本")
        return []
    except json.JSONDecodeError as exc:
        report.add(ERROR, "file", detail=f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
                   detail_zh=f"不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列（{exc.msg}）")
        return []
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = {"type": "FeatureCollection", "features": [doc]}
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        report.add(ERROR, "file", detail="a GeoJSON FeatureCollection is expected",
                   detail_zh="需要 GeoJSON 要素集合（FeatureCollection）")
        return []
    out = []
    for f in doc["features"]:
        f = f if isinstance(f, dict) else {}
        props = f.get("properties") if isinstance(f.get("properties"), dict) else {}
        out.append((props, f.get("geometry")))
    return out


def _counted(records: list, limits: FileLimits, count: int | None = None) -> list:
    """The records, or TooManyFeatures when they (or the count a file declares) are more than the limit."""
    count = len(records) if count is None else count
    if limits.max_features is not None and count > limits.max_features:
        raise TooManyFeatures(count)
    return records


def _read_shapefile_zip(data: bytes, report: Report, limits: FileLimits) -> list[tuple[dict, dict]]:
    try:
        return _read_shapefile(BoundedArchive(data, limits.archive), report, limits)
    except (zipfile.BadZipFile, zlib.error, EOFError):  # also a member that does not unpack to its declared size
        report.add(ERROR, "file", detail="the zip archive is damaged", detail_zh="压缩包已损坏")
    except (NotImplementedError, RuntimeError):  # zipfile's words for a compression it lacks, and for a password
        report.add(ERROR, "file", detail="the zip archive is encrypted or compressed in a way that cannot be unpacked",
                   detail_zh="压缩包已加密或采用了无法解压的压缩方式")
    return []


def _read_shapefile(archive: BoundedArchive, report: Report, limits: FileLimits) -> list[tuple[dict, dict]]:
    import shapefile  # pyshp

    members = {}
    for name in archive.namelist():
        ext = PurePath(name).suffix.lower()
        if ext in (".shp", ".shx", ".dbf", ".prj", ".cpg") and not name.startswith("__MACOSX"):
            members.setdefault(ext, name)
    missing = [ext for ext in (".shp", ".shx", ".dbf") if ext not in members]
    for ext in missing:
        report.add(ERROR, "missing_component", ext=ext)
    if missing:
        return []
    if ".prj" in members:
        prj = archive.read(members[".prj"]).decode("latin-1")
        if prj.lstrip().upper().startswith("PROJCS"):
            report.add(ERROR, "projected_coordinates", sample=prj.split('"')[1] if '"' in prj else "PROJCS")
            return []
    encoding = archive.read(members[".cpg"]).decode("ascii", "ignore").strip() if ".cpg" in members else None
    parts = {ext: archive.read(members[ext]) for ext in (".shp", ".shx", ".dbf")}
    out = []
    for enc in ([encoding] if encoding else ["utf-8", "gbk"]):
        try:
            reader = shapefile.Reader(shp=io.BytesIO(parts[".shp"]), shx=io.BytesIO(parts[".shx"]),
                                      dbf=io.BytesIO(parts[".dbf"]), encoding=enc)
            _counted([], limits, reader.numRecords)  # as the .dbf declares them, then as they are read
            shapes = reader.iterShapeRecords()
            if limits.max_features is not None:
                shapes = itertools.islice(shapes, limits.max_features + 1)
            out = _counted([(dict(sr.record.as_dict()), _shape_geojson(sr.shape)) for sr in shapes], limits)
            break
        except UnicodeDecodeError:
            continue
        except (shapefile.ShapefileException, LookupError) as exc:
            report.add(ERROR, "file", detail=f"unreadable Shapefile: {exc}", detail_zh=f"Shapefile 无法读取：{exc}")
            return []
    else:
        report.add(ERROR, "file", detail="the .dbf attributes are neither UTF-8 nor GBK (add a .cpg file)",
                   detail_zh=".dbf 属性既不是 UTF-8 也不是 GBK 编码（请附带 .cpg 文件）")
    return out


def _shape_geojson(shp):
    if shp.shapeType == 0:  # null shape
        return None
    return shp.__geo_interface__


def _feature(index, props, geometry, mapping: FieldMapping, report: Report) -> Feature:
    feature = Feature(index, properties=props)
    for attr, key in (("code", mapping.code), ("name", mapping.name), ("parent_code", mapping.parent)):
        value = props.get(key)
        if value is None or str(value).strip() == "":
            if attr != "parent_code" or key in props:  # the parent may come from the code instead
                report.add(ERROR, "missing_field", feature.label, field=key,
                           available=", ".join(props) or "none / 无")
            continue
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # codes stored as numbers in .dbf
        setattr(feature, attr, str(value).strip())
    feature.geometry = _geometry(feature, geometry, report)
    return feature


def _geometry(feature: Feature, geometry, report: Report):
    if not geometry:
        report.add(ERROR, "empty_geometry", feature.label)
        return None
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind not in POLYGONAL:
        report.add(ERROR, "wrong_geometry_type", feature.label, type=kind or "nothing")
        return None
    polygons = geometry.get("coordinates") or []
    polygons = [polygons] if kind == "Polygon" else polygons
    try:
        if not polygons or not any(polygons):
            report.add(ERROR, "empty_geometry", feature.label)
            return None
        ok = True
        for p, rings in enumerate(polygons, start=1):
            for r, ring in enumerate(rings or [], start=1):
                ok &= _check_ring(feature, p, r, ring, report)
        return shape(geometry) if ok else None
    except (TypeError, ValueError, AttributeError) as exc:  # coordinates nested the wrong way
        report.add(ERROR, "bad_coordinates", feature.label, value=f"{str(polygons)[:60]} ({exc})")
        return None


def _check_ring(feature, polygon, ring_no, ring, report) -> bool:
    try:
        coords = [(float(x), float(y)) for x, y, *_ in ring]
    except (TypeError, ValueError):
        report.add(ERROR, "bad_coordinates", feature.label, value=str(ring)[:60])
        return False
    if not all(math.isfinite(v) for xy in coords for v in xy):
        report.add(ERROR, "bad_coordinates", feature.label, value="NaN/Infinity")
        return False
    if len(coords) < 4:
        report.add(ERROR, "short_ring", feature.label, coords[0] if coords else None, polygon=polygon, ring=ring_no,
                   points=len(coords))
        return False
    if coords[0] != coords[-1]:
        report.add(ERROR, "unclosed_ring", feature.label, coords[0], polygon=polygon, ring=ring_no,
                   first=_fmt(coords[0]), last=_fmt(coords[-1]))
        return False
    return True


def _fmt(xy) -> str:
    return f"({xy[0]:.6f}, {xy[1]:.6f})"
