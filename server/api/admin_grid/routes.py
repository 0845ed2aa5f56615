"""Grid administration over HTTP (admin only): boundary import, village partition, household assignment.
Dry runs by default; `apply` writes in one transaction."""
import sqlalchemy as sa
from flask.views import MethodView

from grids.io import FieldMapping

from ... import limits
from ...errors import api_abort
from ...extensions import db
from ...grid_admin import partitioning
from ...grid_admin.assignment import reassign_households
from ...grid_admin.importer import import_units
from ...models import GridUnit
from ..blueprint import Blueprint
from .schemas import (
    AssignArgsSchema,
    AssignResultSchema,
    ImportFileSchema,
    ImportFormSchema,
    ImportResultSchema,
    PartitionArgsSchema,
    PartitionSchema,
)

blp = Blueprint("admin_grid", __name__, url_prefix="/api/admin/grid", description="Grid boundaries 网格边界管理")
OVER_LIMIT_STATUS = {"max_unpacked_bytes": 413, "max_archive_members": 413, "max_features": 422}


def _finish(apply: bool):
    if apply:
        db.session.commit()
    else:
        db.session.rollback()


@blp.route("/import")
class Import(MethodView):
    @blp.arguments(ImportFormSchema, location="form")
    @blp.arguments(ImportFileSchema, location="files")
    @blp.response(200, ImportResultSchema)
    def post(self, form, files):
        """Validate a boundary file and, with apply and no errors, write it. Errors answer 422 with the report. A file
        beyond a limit (`limits`) is refused, dry run or not: 413 for an archive that unpacks to more than
        max_unpacked_bytes or holds more than max_archive_members files, 422 for more than max_features features."""
        upload = files["file"]
        mapping = FieldMapping(form["code_field"], form["name_field"], form["parent_field"])
        result = import_units(upload.read(), upload.filename or "upload", form["level"], mapping, form["crs"],
                              form["apply"], limits=limits.boundary_file())
        over = result.report.over_limit()
        if over:
            db.session.rollback()
            api_abort(OVER_LIMIT_STATUS[over.params["limit"]], over.message, over.message_zh,
                      report=result.to_dict(), limits=limits.boundary_limits())
        if form["apply"] and not result.applied:
            db.session.rollback()
            api_abort(422, "The file has errors: nothing was written", "文件有错误，未写入", report=result.to_dict())
        _finish(result.applied)
        return result.to_dict()


@blp.route("/units/<code>/partition")
class Partition(MethodView):
    @blp.arguments(PartitionArgsSchema)
    @blp.response(200, PartitionSchema)
    def post(self, args, code):
        """Propose cells of about `target` households for a village (GeoJSON); with apply, replace its cells."""
        try:
            village = partitioning.village_or_error(code)
            proposal = partitioning.propose(village, args["target"])
        except partitioning.PartitionError as exc:
            api_abort(exc.status, exc.message, exc.message_zh)
        body = partitioning.to_geojson(village, proposal)
        if args["apply"]:
            body["applied"] = partitioning.apply(village, proposal)
        _finish(args["apply"])
        return body


@blp.route("/assign")
class Assign(MethodView):
    @blp.arguments(AssignArgsSchema)
    @blp.response(200, AssignResultSchema)
    def post(self, args):
        """Reassign households to the cell containing them (whole county or one unit); with apply, write."""
        unit = None
        if args["unit_code"]:
            unit = db.session.scalar(sa.select(GridUnit).where(GridUnit.code == args["unit_code"]))
            if unit is None:
                api_abort(404, f"No grid unit with code {args['unit_code']}", f"未找到编码为 {args['unit_code']} 的网格")
        result = reassign_households(unit, apply=args["apply"])
        _finish(args["apply"])
        return result.to_dict()
