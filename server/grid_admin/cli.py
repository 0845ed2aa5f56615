"""`flask grids import | partition | assign`: dry runs by default, `--apply` writes in one transaction."""
from __future__ import annotations

import json
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from grids.io import FieldMapping

from ..cli import finish
from ..extensions import db
from ..models import GridUnit
from . import partitioning
from .assignment import reassign_households
from .county import CountyError, start_county
from .importer import CELL_LEVELS, CRS_CHOICES, import_units

grids_cli = AppGroup("grids", help="Import, check and partition grid boundaries; assign households to cells.")


@grids_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--level", type=click.Choice(CELL_LEVELS), required=True, help="What the file holds.")
@click.option("--code-field", default="code", show_default=True)
@click.option("--name-field", default="name", show_default=True)
@click.option("--parent-field", default="parent_code", show_default=True,
              help="Optional: the parent is otherwise read from the code's prefix.")
@click.option("--crs", type=click.Choice(CRS_CHOICES), default="wgs84", show_default=True,
              help="Coordinates of the file; gcj02 for data drawn on AMap/Tencent maps.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--apply", is_flag=True, help="Write when there are no errors (warnings do not block).")
def import_command(file, level, code_field, name_field, parent_field, crs, as_json, apply):
    """Import towns, villages or cells from GeoJSON or a zipped Shapefile, with a validation report."""
    result = import_units(file.read_bytes(), file.name, level, FieldMapping(code_field, name_field, parent_field),
                          crs, apply)
    click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=1) if as_json else result.report.to_text())
    if apply and not result.applied:
        db.session.rollback()
        raise click.ClickException("有错误，未写入 Errors found: nothing written.")
    if result.applied:
        click.echo(f"created {len(result.created)}, updated {len(result.updated)}, "
                   f"households moved {result.households_moved}")
    finish(result.applied)


@grids_cli.command("start-county")
@click.argument("outline", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--crs", type=click.Choice(CRS_CHOICES), default="wgs84", show_default=True,
              help="Coordinates of the outline; gcj02 for one drawn on AMap/Tencent maps.")
@click.option("--code", help="The county's 6-digit code (default: the file's code property).")
@click.option("--name", help="The county's name (default: the file's name property).")
@click.option("--admin", "admin_username", default="admin", show_default=True, help="The administrator's username.")
@click.password_option("--password", prompt="管理员初始密码 The administrator's first password",
                       help="Changed by the administrator at the first sign-in.")
def start_county_command(outline, crs, code, name, admin_username, password):
    """In an empty database: the county from its outline (GeoJSON or zipped Shapefile) and its first
    administrator, who does everything else in the console at /views/admin."""
    try:
        county = start_county(outline.read_bytes(), outline.name, crs, code, name, admin_username, password)
    except CountyError as exc:
        db.session.rollback()
        raise click.ClickException(f"{exc.message_zh} {exc.message}") from None
    db.session.commit()
    click.echo(f"已创建 {county.name}（{county.code}）和管理员 {admin_username}：登录 /views/admin 继续。"
               f" Created {county.name} ({county.code}) and the administrator {admin_username}: sign in at /views/admin.")


@grids_cli.command("partition")
@click.argument("village_code")
@click.option("--target", type=int, help="Households per cell (default 50; 80 for a community).")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the proposal as GeoJSON.")
@click.option("--apply", is_flag=True, help="Replace the village's cells with the proposal.")
def partition_command(village_code, target, output, apply):
    """Propose cells of about TARGET households for a village from its households' locations."""
    try:
        village = partitioning.village_or_error(village_code)
        proposal = partitioning.propose(village, target)
    except partitioning.PartitionError as exc:
        raise click.ClickException(str(exc)) from exc
    geojson = partitioning.to_geojson(village, proposal)
    for f in geojson["features"]:
        p = f["properties"]
        mark = "" if p["within_tolerance"] else "  ← 超出 ±30% outside ±30 %"
        click.echo(f"{p['code']} {p['name']}: {p['household_count']} 户 households{mark}")
    for key, label in (("unlocated_households", "无坐标 without a location"),
                       ("outside_households", "在村界外 outside the village")):
        if geojson[key]:
            click.echo(f"{label}: {', '.join(geojson[key])}")
    if output:
        output.write_text(json.dumps(geojson, ensure_ascii=False), encoding="utf-8")
        click.echo(f"GeoJSON → {output}")
    if apply:
        click.echo(json.dumps(partitioning.apply(village, proposal), ensure_ascii=False))
    finish(apply)


@grids_cli.command("assign")
@click.argument("unit_code", required=False)
@click.option("--apply", is_flag=True, help="Write the moves.")
def assign_command(unit_code, apply):
    """Reassign households to the cell containing them (the whole county, or one unit's subtree)."""
    unit = None
    if unit_code:
        unit = db.session.scalar(sa.select(GridUnit).where(GridUnit.code == unit_code))
        if unit is None:
            raise click.ClickException(f"No unit {unit_code} / 未找到单元 {unit_code}")
    result = reassign_households(unit, apply=apply)
    click.echo(f"{result.households} households: {len(result.moved)} move, {len(result.outside)} outside every cell, "
               f"{len(result.on_border)} on a border, {result.unlocated} without a location / "
               f"{result.households} 户：{len(result.moved)} 户调整网格，{len(result.outside)} 户不在任何网格内，"
               f"{len(result.on_border)} 户在边界上，{result.unlocated} 户无坐标")
    finish(apply)
