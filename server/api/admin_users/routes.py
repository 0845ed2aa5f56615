"""User accounts and cadre links (admin)."""
import datetime as dt

import sqlalchemy as sa
from flask.views import MethodView
from sqlalchemy.orm import aliased, joinedload

from grids.codes import subtree_range

from ... import limits
from ...accounts.links import bulk_link, link_household
from ...accounts.users import AccountError, create_user, update_user
from ...errors import api_abort, found_or_404
from ...extensions import db
from ...models import CadreLink, GridUnit, Household, User
from ...models.types import INT_MAX
from ...roles import ROLE
from ...tabular import OverLimit
from ..blueprint import Blueprint
from ..pagination import paginate
from .schemas import (
    AccountSchema,
    LinkCreateSchema,
    LinkImportFileSchema,
    LinkImportFormSchema,
    LinkImportResultSchema,
    LinkPageSchema,
    LinkPatchSchema,
    LinkQuerySchema,
    LinkSchema,
    RoleSchema,
    UserCreateSchema,
    UserPageSchema,
    UserPatchSchema,
    UserQuerySchema,
)

blp = Blueprint("admin_users", __name__, url_prefix="/api/admin", description="Users and cadre links 用户与包联")


def _field_error(exc: AccountError):
    db.session.rollback()
    api_abort(422, exc.message, exc.message_zh, errors={"json": {exc.field: [f"{exc.message} / {exc.message_zh}"]}})


def _record_or_404(model, ident, what_en, what_zh):
    return found_or_404(db.session.get(model, ident), f"No {what_en} {ident}", f"未找到{what_zh} {ident}")


@blp.route("/roles")
class Roles(MethodView):
    @blp.response(200, RoleSchema(many=True))
    def get(self):
        """The roles a user may have, with their Chinese names and the levels of unit each is bound to."""
        return list(ROLE.values())


@blp.route("/users")
class Users(MethodView):
    @blp.arguments(UserQuerySchema, location="query")
    @blp.response(200, UserPageSchema)
    def get(self, args):
        """Users, filtered by role, unit subtree or name."""
        query = sa.select(User).options(joinedload(User.unit))
        if args.get("role"):
            query = query.where(User.role == args["role"])
        if args.get("unit_code"):
            code = args["unit_code"]
            query = query.where(User.unit_id.in_(sa.select(GridUnit.id).where(
                GridUnit.code.between(*subtree_range(code)))))
        if args.get("q"):
            like = f"%{args['q']}%"
            query = query.where(sa.or_(User.username.like(like), User.display_name.like(like)))
        return paginate(query, args, User.id)

    @blp.arguments(UserCreateSchema)
    @blp.response(201, AccountSchema)
    def post(self, args):
        """Create a user bound to a grid unit of the level its role needs."""
        try:
            user = create_user(**args)
        except AccountError as exc:
            _field_error(exc)
        db.session.commit()
        return user


@blp.route(f"/users/<int(max={INT_MAX}):user_id>")  # beyond the column's range: no such user (404)
class UserById(MethodView):
    @blp.response(200, AccountSchema)
    def get(self, user_id):
        return _record_or_404(User, user_id, "user", "用户")

    @blp.arguments(UserPatchSchema)
    @blp.response(200, AccountSchema)
    def patch(self, args, user_id):
        """Change a user's name, phone, role, unit, password, or deactivate them (users are never deleted)."""
        user = _record_or_404(User, user_id, "user", "用户")
        try:
            update_user(user, args)
        except AccountError as exc:
            _field_error(exc)
        db.session.commit()
        return user


@blp.route("/cadre-links")
class CadreLinks(MethodView):
    @blp.arguments(LinkQuerySchema, location="query")
    @blp.response(200, LinkPageSchema)
    def get(self, args):
        """Cadre links by household code, of a cadre, a household or the unit (a village) the households are in;
        current ones by default."""
        query = sa.select(CadreLink).options(joinedload(CadreLink.cadre), joinedload(CadreLink.household))
        if args["current"]:
            query = query.where(CadreLink.valid_to.is_(None))
        if args.get("cadre_username"):
            query = query.join(User, User.id == CadreLink.cadre_id).where(User.username == args["cadre_username"])
        if args.get("household_code"):
            query = query.join(Household, Household.id == CadreLink.household_id).where(
                Household.code == args["household_code"])
        if args.get("unit_code"):
            cells = sa.select(GridUnit.id).where(GridUnit.code.between(*subtree_range(args["unit_code"])))
            query = query.where(CadreLink.household_id.in_(sa.select(Household.id).where(Household.cell_id.in_(cells))))
        linked = aliased(Household)  # its own alias: the household_code filter may have joined Household already
        by_household = (sa.select(linked.code).where(linked.id == CadreLink.household_id)
                        .correlate(CadreLink).scalar_subquery())
        return paginate(query, args, by_household, CadreLink.id)

    @blp.arguments(LinkCreateSchema)
    @blp.response(201, LinkSchema)
    def post(self, args):
        """Link a household to a cadre; its current link ends the day before."""
        cadre = db.session.scalar(sa.select(User).where(User.username == args["cadre_username"], User.role == "cadre"))
        if cadre is None:
            _field_error(AccountError("not a cadre account", "不是包联干部账号", field="cadre_username"))
        household = db.session.scalar(sa.select(Household).where(Household.code == args["household_code"]))
        if household is None:
            _field_error(AccountError("no such household", "未找到该住户", field="household_code"))
        link = link_household(cadre, household, args["valid_from"] or dt.date.today())
        db.session.commit()
        return link


@blp.route(f"/cadre-links/<int(max={INT_MAX}):link_id>")
class CadreLinkById(MethodView):
    @blp.arguments(LinkPatchSchema)
    @blp.response(200, LinkSchema)
    def patch(self, args, link_id):
        """End a link."""
        link = _record_or_404(CadreLink, link_id, "cadre link", "包联关系")
        if args["valid_to"] < link.valid_from:
            _field_error(AccountError("the end is before the start", "结束日期早于开始日期", field="valid_to"))
        link.valid_to = args["valid_to"]
        db.session.commit()
        return link


@blp.route("/cadre-links/import")
class CadreLinkImport(MethodView):
    @blp.arguments(LinkImportFormSchema, location="form")
    @blp.arguments(LinkImportFileSchema, location="files")
    @blp.response(200, LinkImportResultSchema)
    def post(self, form, files):
        """Link many households from a CSV or .xlsx, with a report for every row. In `all` mode nothing is
        written unless every row is good (422 with the report); `partial` writes the good rows. A file beyond a limit
        (`limits`: rows, columns, what an .xlsx unpacks to) answers 422 or 413 naming it."""
        upload = files["file"]
        try:
            result = bulk_link(upload.read(), upload.filename or "", form["mode"] == "partial", form["dry_run"],
                               dt.date.today(), limits.table_file())
        except OverLimit as exc:
            api_abort(exc.status, exc.message, exc.message_zh, limits=limits.table_limits())
        if result.file_errors or (result.bad_rows and form["mode"] == "all"):
            db.session.rollback()
            api_abort(422, "The file has bad rows: nothing was written", "文件中有错误行，未写入",
                      report=result.to_dict())
        db.session.commit()
        return result.to_dict()
