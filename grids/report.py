"""Validation problems and the report that collects them, in English and Chinese.

Every problem names the feature (its position in the file, code and name) and, where it has one,
the place (a lon/lat point), the offending geometry (the overlap, the gap, the part sticking out, or the feature
itself) and the area involved, so a user can find it on a map."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry import mapping

ERROR, WARNING = "error", "warning"

# kind → (English, Chinese) short names, as a table or a legend names the problem
TITLES = {
    "file": ("unreadable file", "文件无法读取"),
    "over_limit": ("file over a limit", "文件超出上限"),
    "missing_component": ("incomplete Shapefile", "Shapefile 不完整"),
    "missing_field": ("missing attribute", "缺少属性"),
    "wrong_geometry_type": ("not a polygon", "不是面要素"),
    "empty_geometry": ("empty geometry", "几何为空"),
    "unclosed_ring": ("unclosed ring", "环未闭合"),
    "short_ring": ("ring too short", "环点数不足"),
    "bad_coordinates": ("bad coordinates", "坐标有误"),
    "invalid_geometry": ("invalid geometry", "几何无效"),
    "projected_coordinates": ("not longitude/latitude", "不是经纬度坐标"),
    "gcj02_shift": ("GCJ-02 coordinates", "火星坐标（GCJ-02）"),
    "bad_code": ("bad code", "编码错误"),
    "duplicate_code": ("duplicate code", "编码重复"),
    "code_not_under_parent": ("code not under its parent", "编码与上级不符"),
    "missing_parent": ("missing parent", "上级不存在"),
    "outside_parent": ("outside its parent", "超出上级范围"),
    "sibling_overlap": ("overlap", "相互重叠"),
    "gap": ("gap", "存在空隙"),
    "orphaned_child": ("existing unit left outside", "现有下级单元超出"),
    "bad_target": ("bad household target", "目标户数有误"),
    "household_count": ("household count off target", "户数偏离目标"),
}

# kind → (English, Chinese) templates; fields in braces come from Problem.params
MESSAGES = {
    "file": ("{detail}", "{detail_zh}"),
    "over_limit": ("{detail}", "{detail_zh}"),
    "missing_component": ("the Shapefile archive has no {ext} file (a Shapefile needs .shp, .shx and .dbf)",
                          "Shapefile 压缩包缺少 {ext} 文件（需要 .shp、.shx 和 .dbf）"),
    "missing_field": ("has no '{field}' attribute (attributes present: {available})",
                      "缺少属性“{field}”（现有属性：{available}）"),
    "wrong_geometry_type": ("geometry is a {type}; only Polygon or MultiPolygon can be a grid unit",
                            "几何类型为 {type}，网格只能是面（Polygon/MultiPolygon）"),
    "empty_geometry": ("geometry is empty", "几何为空"),
    "unclosed_ring": ("ring {ring} of polygon {polygon} is not closed: it starts at {first} and ends at {last}",
                      "第 {polygon} 个面的第 {ring} 个环未闭合：起点 {first}，终点 {last}"),
    "short_ring": ("ring {ring} of polygon {polygon} has {points} points; a ring needs at least 4",
                   "第 {polygon} 个面的第 {ring} 个环只有 {points} 个点，至少需要 4 个"),
    "bad_coordinates": ("has a coordinate that is not a number: {value}", "存在非数字坐标：{value}"),
    "invalid_geometry": ("invalid geometry: {reason}", "几何无效：{reason_zh}"),
    "projected_coordinates": (
        "coordinates such as {sample} are not longitude/latitude; they look like projected metres. "
        "Export the file in EPSG:4326 (WGS-84 longitude/latitude)",
        "坐标（如 {sample}）不是经纬度，像是投影坐标（米）。请以 EPSG:4326（WGS-84 经纬度）导出"),
    "gcj02_shift": (
        "the boundaries sit about {shift_m:.0f} m off their parents and fit them once converted from GCJ-02: "
        "the file looks GCJ-02 (AMap/Tencent coordinates). Import it again with --crs gcj02 (on the console page: "
        "coordinates GCJ-02)",
        "边界整体偏离上级约 {shift_m:.0f} 米，按 GCJ-02 转换后吻合：文件疑似火星坐标（高德/腾讯），"
        "请使用 --crs gcj02 重新导入（管理页面上：坐标系选 GCJ-02）"),
    "bad_code": ("code '{code}' is not a {level} code: {expected}", "编码“{code}”不是有效的{level_zh}编码：{expected_zh}"),
    "duplicate_code": ("code {code} is used again by feature {other}", "编码 {code} 与第 {other} 个要素重复"),
    "code_not_under_parent": ("code {code} does not start with its parent's code {parent}",
                              "编码 {code} 不以上级编码 {parent} 开头"),
    "missing_parent": ("parent {parent} does not exist", "上级单元 {parent} 不存在"),
    "outside_parent": ("sticks out of its parent {parent} by {area_m2:,.0f} m²", "超出上级 {parent} 范围 {area_m2:,.0f} 平方米"),
    "sibling_overlap": ("overlaps {other} by {area_m2:,.0f} m²", "与 {other} 重叠 {area_m2:,.0f} 平方米"),
    "gap": ("leaves {area_m2:,.0f} m² of {parent} covered by no unit", "{parent} 内有 {area_m2:,.0f} 平方米未被任何单元覆盖"),
    "orphaned_child": ("existing {child} would stick out of the new boundary by {area_m2:,.0f} m²",
                       "现有单元 {child} 将超出新边界 {area_m2:,.0f} 平方米"),
    "bad_target": ("target_households '{value}' is not a positive whole number", "目标户数“{value}”不是正整数"),
    "household_count": ("holds {count} households, far from its target of {target} (±{tolerance:.0%})",
                        "包含 {count} 户，偏离目标 {target} 户（±{tolerance:.0%}）"),
}



@dataclass
class Problem:
    severity: str
    kind: str
    feature: str | None = None                 # e.g. "#3 610923100201 柳林村"
    location: tuple[float, float] | None = None
    area_m2: float | None = None
    params: dict = field(default_factory=dict)
    geometry: object = None                    # shapely geometry of the problem's place, lon/lat

    @property
    def message(self) -> str:
        return MESSAGES[self.kind][0].format(**self._fields())

    @property
    def message_zh(self) -> str:
        return MESSAGES[self.kind][1].format(**self._fields())

    def _fields(self):
        return {"area_m2": self.area_m2 or 0.0, **self.params}

    def to_dict(self) -> dict:
        title, title_zh = TITLES[self.kind]
        return {"severity": self.severity, "kind": self.kind, "feature": self.feature,
                "location": list(self.location) if self.location else None, "area_m2": self.area_m2,
                "geometry": _geojson(self.geometry), "title": title, "title_zh": title_zh,
                "message": self.message, "message_zh": self.message_zh}

    def to_text(self) -> str:
        where = f" @ {self.location[0]:.6f},{self.location[1]:.6f}" if self.location else ""
        who = f"{self.feature}: " if self.feature else ""
        return f"[{self.severity}] {who}{self.message_zh} | {self.message}{where}"


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    features: int = 0

    def add(self, severity, kind, feature=None, location=None, area_m2=None, *, geometry=None, **params) -> Problem:
        problem = Problem(severity, kind, feature, round_point(location), area_m2, params, geometry)
        self.problems.append(problem)
        return problem

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def over_limit(self) -> Problem | None:
        """The problem of a file beyond a limit (its params name it: limit), if it was refused for one."""
        return next((p for p in self.problems if p.kind == "over_limit"), None)

    def kinds(self) -> set[str]:
        return {p.kind for p in self.problems}

    def to_dict(self) -> dict:
        return {"features": self.features, "ok": self.ok, "errors": len(self.errors),
                "warnings": len(self.warnings), "problems": [p.to_dict() for p in self.problems]}

    def to_text(self) -> str:
        head = (f"{self.features} features: {len(self.errors)} errors, {len(self.warnings)} warnings / "
                f"{self.features} 个要素：{len(self.errors)} 个错误，{len(self.warnings)} 个警告")
        return "\n".join([head] + [p.to_text() for p in self.problems])


def round_point(location):
    if location is None:
        return None
    return (round(float(location[0]), 6), round(float(location[1]), 6))


def _geojson(geometry):
    """GeoJSON of a geometry with coordinates to 6 decimals (about 0.1 m), or None."""
    if geometry is None or geometry.is_empty:
        return None
    return mapping(shapely.transform(geometry, lambda xy: np.round(xy, 6)))
