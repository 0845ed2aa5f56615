"""Read-only grid API: the tree, one unit with its boundary, its children, the households under it."""
import sqlalchemy as sa
from flask.views import MethodView
from sqlalchemy.orm import joinedload, selectinload

from ...errors import api_abort, found_or_404
from ...extensions import db
from ...geojson import unit_feature
from ...grid_admin import queries
from ...models import GridUnit, Household
from ...models.vocab import UNIT_LEVELS
from ..blueprint import Blueprint
from ..pagination import PageArgsSchema, paginate
from .schemas import (
    ChildrenArgsSchema,
    FeatureCollectionSchema,
    FeatureSchema,
    HouseholdPageSchema,
    TreeArgsSchema,
    TreeSchema,
)

blp = Blueprint("grid", __name__, url_prefix="/api/grid", description="The three-level grid 三级网格")


def unit_or_404(code: str) -> GridUnit:
    return found_or_404(db.session.scalar(sa.select(GridUnit).where(GridUnit.code == code)),
                        f"No grid unit with code {code}", f"未找到编码为 {code} 的网格")


def unit_properties(unit: GridUnit, stats: dict) -> dict:
    households, children = stats.get(unit.id, (0, 0))
    return {
        "code": unit.code, "name": unit.name, "level": unit.level,
        "parent_code": unit.parent.code if unit.parent else None,
        "target_households": unit.target_households,
        "household_count": households, "child_count": children,
    }


@blp.route("/tree")
class Tree(MethodView):
    @blp.arguments(TreeArgsSchema, location="query")
    @blp.response(200, TreeSchema)
    def get(self, args):
        """The whole grid as a tree (no geometry), with the number of units at each level."""
        max_level = UNIT_LEVELS[args["depth"]]
        rows = db.session.execute(
            sa.select(GridUnit.id, GridUnit.parent_id, GridUnit.code, GridUnit.name, GridUnit.level)
            .where(GridUnit.level.in_(UNIT_LEVELS[: UNIT_LEVELS.index(max_level) + 1]))
            .order_by(GridUnit.code)).all()
        nodes = {r.id: {"code": r.code, "name": r.name, "level": r.level, "children": []} for r in rows}
        roots = []
        for r in rows:
            (nodes[r.parent_id]["children"] if r.parent_id in nodes else roots).append(nodes[r.id])
        if not roots:
            api_abort(404, "The grid is empty: import or seed a county first", "网格为空：请先导入或生成县级网格")
        return {"counts": queries.count_by_level(), "root": roots[0]}


@blp.route("/units/<code>")
class Unit(MethodView):
    @blp.response(200, FeatureSchema)
    def get(self, code):
        """One unit as a GeoJSON Feature with its boundary."""
        unit = unit_or_404(code)
        return unit_feature(unit, unit_properties(unit, queries.unit_stats([unit])))


@blp.route("/units/<code>/children")
class Children(MethodView):
    @blp.arguments(ChildrenArgsSchema, location="query")
    @blp.response(200, FeatureCollectionSchema)
    def get(self, args, code):
        """The unit's children as a GeoJSON FeatureCollection (boundaries optional)."""
        unit = unit_or_404(code)
        children = db.session.scalars(
            sa.select(GridUnit).where(GridUnit.parent_id == unit.id).order_by(GridUnit.code)
            .options(joinedload(GridUnit.parent))).all()
        stats = queries.unit_stats(children)
        return {"type": "FeatureCollection",
                "features": [unit_feature(c, unit_properties(c, stats), args["geometry"]) for c in children]}


@blp.route("/units/<code>/households")
class Households(MethodView):
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, HouseholdPageSchema)
    def get(self, args, code):
        """Households on the register under the unit (a cell's own, or all in a village or town), paginated by code;
        retired ones (注销) are left out from their retirement day (`GET /api/households/{code}` still answers them)."""
        unit = unit_or_404(code)
        query = sa.select(Household).where(queries.households_under(unit), queries.on_register()).options(
            joinedload(Household.cell), selectinload(Household.tag_rows))
        return paginate(query, args, Household.code)
