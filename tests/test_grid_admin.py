"""Import, partition and assignment against the database, on both back ends."""
import json

import numpy as np
import pytest
import shapely
import sqlalchemy as sa
from shapely.geometry import mapping

from grids.crs import area_m2, geometry_wgs84_to_gcj02
from grids.partition import TOLERANCE
from server.extensions import db
from server.grid_admin import partitioning
from server.grid_admin.assignment import reassign_households
from server.grid_admin.importer import import_units
from server.grid_admin.store import unit_geometries
from server.models import GridUnit, Household

ONE_M2 = 1.0


def counts():
    return dict(db.session.execute(sa.text("SELECT level, COUNT(*) FROM grid_unit GROUP BY level")).all())


def fingerprint():
    return db.session.execute(sa.text(
        "SELECT COUNT(*), SUM(ST_Area(boundary)) FROM grid_unit")).one(), \
        db.session.execute(sa.text("SELECT SUM(cell_id * id) FROM household")).scalar()


def villages_as_file(transform=lambda g: g, pick=None):
    rows = unit_geometries(GridUnit.level == "village")
    features = [{"type": "Feature", "properties": {"code": code, "name": f"村{code[-3:]}"},
                 "geometry": mapping(transform(geom))} for _, code, _, geom in rows if pick is None or pick(code)]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


# ---------------------------------------------------------------- partition on every demo village

def test_partition_of_every_demo_village_tiles_it_within_tolerance(demo_app):
    with demo_app.app_context():
        villages = db.session.scalars(sa.select(GridUnit).where(GridUnit.level == "village")).all()
        shapes = {code: geom for _, code, _, geom in unit_geometries(GridUnit.level == "village")}
        assert len(villages) == 80
        for village in villages:
            proposal = partitioning.propose(village)
            counts_ = [c.household_count for c in proposal.cells]
            if sum(counts_) >= proposal.target * (1 - TOLERANCE):
                assert proposal.out_of_tolerance() == [], (village.code, counts_)
            union = shapely.union_all([c.boundary for c in proposal.cells])
            assert area_m2(shapely.symmetric_difference(union, shapes[village.code])) < ONE_M2, village.code
            for a in range(len(proposal.cells)):
                assert len(proposal.cells[a].boundary.geoms) == 1  # one piece
                for b in range(a + 1, len(proposal.cells)):
                    overlap = shapely.intersection(proposal.cells[a].boundary, proposal.cells[b].boundary)
                    assert area_m2(overlap) < ONE_M2
            assert [c.seq for c in proposal.cells] == list(range(1, len(proposal.cells) + 1))


# ---------------------------------------------------------------- import

@pytest.mark.parametrize("broken", ["gcj02", "overlap", "not-json"])
def test_broken_imports_write_nothing_even_with_apply(small_app, broken):
    with small_app.app_context():
        before = fingerprint()
        if broken == "gcj02":
            data = villages_as_file(geometry_wgs84_to_gcj02)
        elif broken == "overlap":
            data = villages_as_file(lambda g: shapely.buffer(g, 0.002))
        else:
            data = b"{"
        result = import_units(data, "villages.geojson", "village", apply=True)
        db.session.commit()
        assert not result.applied and result.report.errors
        assert fingerprint() == before


def test_a_gcj02_file_imports_cleanly_with_crs_gcj02(small_app):
    with small_app.app_context():
        data = villages_as_file(geometry_wgs84_to_gcj02)
        result = import_units(data, "villages.geojson", "village", crs="gcj02", apply=True)
        assert result.report.errors == [] and result.applied
        assert len(result.updated) == 6 and result.created == []
        db.session.commit()
        names = db.session.scalars(sa.select(GridUnit.name).where(GridUnit.level == "village")).all()
        assert all(n.startswith("村") for n in names)


def test_importing_new_cells_moves_households_into_them(small_app):
    with small_app.app_context():
        village = db.session.scalar(sa.select(GridUnit).where(GridUnit.level == "village").order_by(GridUnit.code))
        proposal = partitioning.propose(village, target=30)
        geojson = partitioning.to_geojson(village, proposal)
        result = import_units(json.dumps(geojson).encode(), "cells.geojson", "cell", apply=True)
        assert result.applied, result.report.to_text()
        db.session.commit()
        wrong = db.session.execute(sa.text(
            "SELECT COUNT(*) FROM household h JOIN grid_unit c ON c.id = h.cell_id "
            "WHERE h.location IS NOT NULL AND NOT ST_Intersects(h.location, c.boundary)")).scalar()
        assert wrong == 0


# ---------------------------------------------------------------- partition apply

@pytest.mark.parametrize("target", [25, 150])  # more cells; fewer, so some cells (with zero reports) are removed
def test_applying_a_partition_replaces_the_cells_and_keeps_every_reference(small_app, target):
    with small_app.app_context():
        village = db.session.scalar(sa.select(GridUnit).where(GridUnit.level == "village").order_by(GridUnit.code))
        households_before = db.session.scalar(sa.text("SELECT COUNT(*) FROM household"))
        reports_before = db.session.scalar(sa.text("SELECT COUNT(*) FROM zero_report"))
        proposal = partitioning.propose(village, target=target)
        outcome = partitioning.apply(village, proposal)
        db.session.commit()
        assert bool(outcome["removed"]) == (target == 150)
        assert (db.session.scalar(sa.text("SELECT COUNT(*) FROM zero_report")) < reports_before) == (target == 150)
        cells = db.session.scalars(sa.select(GridUnit).where(GridUnit.parent_id == village.id)).all()
        assert len(cells) == len(proposal.cells) == outcome["cells"]
        assert sorted(c.code for c in cells) == [f"{village.code}{i:03d}" for i in range(1, len(cells) + 1)]
        assert db.session.scalar(sa.text("SELECT COUNT(*) FROM household")) == households_before
        for table, column in (("app_user", "unit_id"), ("dispute", "cell_id"), ("dispute", "owner_unit_id"),
                              ("household", "cell_id"), ("zero_report", "cell_id")):
            dangling = db.session.scalar(sa.text(f"SELECT COUNT(*) FROM {table} t LEFT JOIN grid_unit g "
                                                 f"ON g.id = t.{column} WHERE t.{column} IS NOT NULL AND g.id IS NULL"))
            assert dangling == 0, table
        misplaced = db.session.scalar(sa.text(
            "SELECT COUNT(*) FROM household h JOIN grid_unit c ON c.id = h.cell_id "
            "WHERE h.location IS NOT NULL AND NOT ST_Intersects(h.location, c.boundary)"))
        assert misplaced == 0


def test_partition_refuses_a_code_that_is_not_a_village(small_app):
    with small_app.app_context(), pytest.raises(partitioning.PartitionError, match="不是村"):
        partitioning.village_or_error("610923100")


# ---------------------------------------------------------------- assignment

def test_assignment_puts_scrambled_households_back_as_a_brute_force_check_would(small_app):
    with small_app.app_context():
        cells = db.session.scalars(sa.select(GridUnit.id).where(GridUnit.level == "cell")).all()
        rng = np.random.default_rng(1)
        ids = db.session.scalars(sa.select(Household.id).where(Household.location.is_not(None))).all()
        scrambled = rng.choice(ids, 200, replace=False).tolist()
        for hid in scrambled:
            db.session.execute(sa.update(Household).where(Household.id == hid)
                               .values(cell_id=int(rng.choice(cells))))
        db.session.commit()
        result = reassign_households(apply=True)
        db.session.commit()
        assert 0 < len(result.moved) <= 200 and {h for h, _, _ in result.moved} <= set(scrambled)
        # brute force: every located household against every cell, in Shapely
        shapes = {uid: geom for uid, _, _, geom in unit_geometries(GridUnit.level == "cell")}
        rows = db.session.execute(sa.select(Household.cell_id, sa.func.ST_X(Household.location),
                                            sa.func.ST_Y(Household.location))
                                  .where(Household.location.is_not(None))).all()
        for cell_id, x, y in rows:
            containing = [uid for uid, geom in shapes.items() if geom.contains(shapely.Point(x, y))]
            assert containing == [cell_id]
        assert reassign_households().moved == []  # a second run finds nothing to do
