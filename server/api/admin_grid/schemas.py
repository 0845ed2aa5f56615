from marshmallow import Schema, fields, validate

from grids.codes import CODE_LENGTH

from ...geojson_schemas import Geometry, geojson_type
from ...grid_admin.importer import CELL_LEVELS, CRS_CHOICES


class ImportFormSchema(Schema):
    level = fields.String(required=True, validate=validate.OneOf(CELL_LEVELS))
    code_field = fields.String(load_default="code", validate=validate.Length(min=1, max=64))
    name_field = fields.String(load_default="name", validate=validate.Length(min=1, max=64))
    parent_field = fields.String(load_default="parent_code", validate=validate.Length(min=1, max=64))
    crs = fields.String(load_default="wgs84", validate=validate.OneOf(CRS_CHOICES))
    apply = fields.Boolean(load_default=False, metadata={"description": "write when there are no errors"})


class ImportFileSchema(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary",
                                               "description": "GeoJSON FeatureCollection or zipped Shapefile"})


class ProblemSchema(Schema):
    severity = fields.String()
    kind = fields.String()
    feature = fields.String(allow_none=True)
    location = fields.List(fields.Float(), allow_none=True,
                           metadata={"description": "[lon, lat] of the problem; null for a problem of the whole file"})
    area_m2 = fields.Float(allow_none=True)
    geometry = Geometry(allow_none=True, metadata={
        "description": "GeoJSON geometry of the problem (the overlap, the gap, the overhang or the feature), EPSG:4326"})
    title = fields.String(metadata={"description": "the kind of problem named in English"})
    title_zh = fields.String(metadata={"description": "the kind of problem named in Chinese"})
    message = fields.String()
    message_zh = fields.String()


class ImportResultSchema(Schema):
    features = fields.Integer()
    ok = fields.Boolean()
    errors = fields.Integer()
    warnings = fields.Integer()
    problems = fields.List(fields.Nested(ProblemSchema))
    applied = fields.Boolean()
    created = fields.List(fields.String())
    updated = fields.List(fields.String())
    households_moved = fields.Integer()


class ProposedCellSchema(Schema):
    code = fields.String()
    name = fields.String()
    household_count = fields.Integer()
    target_households = fields.Integer()
    within_tolerance = fields.Boolean(metadata={"description": "its households within the target ± the tolerance"})


class ProposedCellFeatureSchema(Schema):
    type = geojson_type("Feature")
    id = fields.String()
    geometry = Geometry("Polygon", "MultiPolygon")
    properties = fields.Nested(ProposedCellSchema)


class ProposedHouseholdSchema(Schema):
    code = fields.String()
    location = fields.List(fields.Float(), allow_none=True, metadata={"description": "[lon, lat]; null: not located"})
    cell = fields.String(allow_none=True, metadata={"description": "the proposed cell holding it; null: none"})


class VillageNameSchema(Schema):
    code = fields.String()
    name = fields.String()


class PartitionAppliedSchema(Schema):
    cells = fields.Integer()
    removed = fields.List(fields.String(), metadata={"description": "codes of the cells removed"})
    households_moved = fields.Integer()
    outside = fields.Integer(metadata={"description": "households lying in none of the new cells"})


class PartitionSchema(Schema):
    """A village's proposed cells as a GeoJSON FeatureCollection, with every household of the village beside them."""
    type = geojson_type("FeatureCollection")
    village = fields.Nested(VillageNameSchema)
    target = fields.Integer(metadata={"description": "households a cell"})
    tolerance = fields.Float(metadata={"description": "the share a cell may differ from the target"})
    unlocated_households = fields.List(fields.String())
    outside_households = fields.List(fields.String())
    households = fields.List(fields.Nested(ProposedHouseholdSchema))
    features = fields.List(fields.Nested(ProposedCellFeatureSchema))
    applied = fields.Nested(PartitionAppliedSchema, metadata={"description": "with apply: what was written"})


class PartitionArgsSchema(Schema):
    target = fields.Integer(load_default=None, validate=validate.Range(min=5, max=500))
    apply = fields.Boolean(load_default=False)


class AssignArgsSchema(Schema):
    unit_code = fields.String(load_default=None, validate=validate.Length(min=CODE_LENGTH["county"],
                                                                           max=CODE_LENGTH["cell"]))
    apply = fields.Boolean(load_default=False)


class AssignResultSchema(Schema):
    households = fields.Integer()
    moved = fields.Integer()
    outside = fields.List(fields.Integer())
    on_border = fields.List(fields.Integer())
    unlocated = fields.Integer()
