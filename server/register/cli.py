"""`flask register import FILE`: a county's household register brought in, a dry run unless `--apply`."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy.exc import IntegrityError

from ..cli import finish
from ..extensions import db
from ..tabular import TableError
from .importer import ROW_MODES, WRITTEN_MEANWHILE, check_register, read_register, write_register

register_cli = AppGroup("register", help="Bring a county's household register in 人口底数导入.")


@register_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--rows", type=click.Choice(ROW_MODES),
              help="One row per member or per household (default: told from the headings).")
@click.option("--json", "as_json", is_flag=True, help="Print the report of every row as JSON.")
@click.option("--apply", is_flag=True, help="Write, in one transaction, when no row is refused or a duplicate.")
def import_command(file, rows, as_json, apply):
    """Import households and their members from .xlsx or CSV (UTF-8 or GBK), with a report of every row."""
    try:
        register = read_register(file.read_bytes(), file.name, rows)
    except TableError as exc:
        raise click.ClickException(f"{exc.message_zh} / {exc.message}") from exc
    with click.progressbar(length=len(register.table.rows), label="检查 checking", file=sys.stderr) as bar:
        result = check_register(register, bar.update)
    click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=1) if as_json else result.to_text())
    if apply and not result.ok:
        db.session.rollback()
        raise click.ClickException("有被拒绝或重复的行，未写入 Rows refused or duplicated: nothing written.")
    if apply:
        with click.progressbar(length=len(result.households), label="写入 writing", file=sys.stderr) as bar:
            try:
                write_register(result, bar.update)
                db.session.flush()
            except IntegrityError as exc:
                db.session.rollback()
                raise click.ClickException(f"{WRITTEN_MEANWHILE[1]} / {WRITTEN_MEANWHILE[0]}") from exc
        w = result.written
        click.echo(f"写入 {w['households']} 户、{w['members']} 名家庭成员、{w['tags']} 个标签 / wrote {w['households']} "
                   f"households, {w['members']} members, {w['tags']} tags")
    finish(apply)
