"""Bringing a county's household register in over HTTP (admin only): a dry run unless `apply`, which writes
everything in one transaction or nothing. The limits are the upload's, for a request; `flask register import` has none."""
from flask import request
from flask.views import MethodView
from sqlalchemy.exc import IntegrityError

from grids.archive import size_text

from ... import limits
from ...errors import api_abort
from ...extensions import db
from ...register.importer import WRITTEN_MEANWHILE, check_register, read_register, write_register
from ...tabular import TableError
from ..blueprint import Blueprint
from .schemas import RegisterImportFileSchema, RegisterImportFormSchema, RegisterImportResultSchema

blp = Blueprint("admin_register", __name__, url_prefix="/api/admin/register",
                description="The household register brought in 人口底数导入")


def _too_large():
    size = size_text(limits.MAX_TABLE_FILE_BYTES)
    api_abort(413, f"The file is larger than the limit of {size} (max_file_bytes): split it, or use flask register "
              "import on the server", f"文件超过 {size} 的上限（max_file_bytes），请拆分，或在服务器上使用 flask register import",
              limits=limits.table_limits())


@blp.before_request
def refuse_large_uploads():
    """Before the upload is read: a body declared larger than the limit is refused at once, naming it."""
    if (request.content_length or 0) > limits.MAX_TABLE_FILE_BYTES + limits.FORM_ALLOWANCE:
        _too_large()


@blp.route("/import")
class RegisterImport(MethodView):
    @blp.arguments(RegisterImportFormSchema, location="form")
    @blp.arguments(RegisterImportFileSchema, location="files")
    @blp.response(200, RegisterImportResultSchema)
    def post(self, form, files):
        """Check a county's household register (.xlsx or CSV) and report every row; with apply and no row refused
        or a duplicate, write every household. A file that cannot be read, has too many rows or (with apply) has
        refused rows answers 422 with the report; a file over the size limit, 413."""
        upload = files["file"]
        data = upload.read()  # within the body's limit; read(n) of a file spooled to disk would take n bytes at once
        if len(data) > limits.MAX_TABLE_FILE_BYTES:
            _too_large()
        try:
            register = read_register(data, upload.filename or "", form["rows"], limits.table_file())
        except TableError as exc:  # beyond a limit too (max_rows…: 422, what an .xlsx unpacks to: 413)
            api_abort(exc.status, exc.message, exc.message_zh, limits=limits.table_limits())
        result = check_register(register)
        body = {**result.to_dict(every_row=form["report"] == "all"), "limits": limits.table_limits()}
        if form["apply"] and not result.ok:
            db.session.rollback()
            api_abort(422, "Rows were refused or are duplicates: nothing was written", "有被拒绝或重复的行，未写入",
                      report=body)
        if form["apply"]:
            try:
                write_register(result)
                db.session.commit()
            except IntegrityError:  # codes or people written meanwhile by another import or a registration
                db.session.rollback()
                api_abort(409, *WRITTEN_MEANWHILE)
            body.update(applied=True, written=result.written)
        else:
            db.session.rollback()
        return body
