"""Starting a county in an empty database: its outline and the first administrator. Everything after it — towns,
villages, cells, the register, users, cadre links, settings — is done in the admin console (/views/admin); this is
the one step before anyone can sign in to it."""
from __future__ import annotations

import shapely
import sqlalchemy as sa

from grids.codes import CODE_LENGTH
from grids.crs import geometry_gcj02_to_wgs84
from grids.io import FieldMapping, read_file
from grids.report import Report

from ..accounts.users import create_user
from ..auth.passwords import MIN_LENGTH
from ..extensions import db
from ..models import GridUnit
from ..refusal import Refusal
from .store import set_geometry


class CountyError(Refusal):
    """Why the county cannot be started: in both languages, naming what is at fault."""


def start_county(outline: bytes, filename: str, crs: str, code: str | None, name: str | None,
                 admin_username: str, admin_password: str, admin_name: str = "系统管理员") -> GridUnit:
    """The county unit from the outline file (its features merged; code and name from the file unless given) and an
    administrator bound to it, who must choose their own password at the first sign-in. The caller commits."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(GridUnit)):
        raise CountyError("the database already holds a grid: a county is started only in an empty one",
                          "数据库中已有网格，只能在空数据库中创建县", field="database")
    if len(admin_password) < MIN_LENGTH:
        raise CountyError(f"the password needs at least {MIN_LENGTH} characters", f"密码至少 {MIN_LENGTH} 位",
                          field="password")
    report = Report()
    features = read_file(outline, filename, FieldMapping(), report)
    problems = [p for p in report.errors if p.kind != "missing_field"]  # code and name may come from the options
    if problems or not features or any(f.geometry is None for f in features):
        raise CountyError("the outline cannot be read: " + ("; ".join(p.message for p in problems) or "no polygon"),
                          "县界文件无法读取：" + ("；".join(p.message_zh for p in problems) or "没有多边形"), field="outline")
    code = code or features[0].code
    name = name or features[0].name
    if not (code and code.isdigit() and len(code) == CODE_LENGTH["county"]):
        raise CountyError(f"the county code must be {CODE_LENGTH['county']} digits, not {code!r}",
                          f"县代码须为 {CODE_LENGTH['county']} 位数字，而不是 {code!r}", field="code")
    if not name:
        raise CountyError("the county needs a name (--name, or a name property in the file)",
                          "须给出县名（--name，或文件中的 name 属性）", field="name")
    outline_shape = shapely.make_valid(shapely.union_all([f.geometry for f in features]))
    if crs == "gcj02":
        outline_shape = geometry_gcj02_to_wgs84(outline_shape)
    county = GridUnit(level="county", code=code, name=name)
    set_geometry(county, outline_shape)
    db.session.add(county)
    db.session.flush()
    create_user(admin_username, admin_password, admin_name, "admin", code)
    return county
