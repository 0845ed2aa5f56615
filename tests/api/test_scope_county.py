"""County users: with one county in the database their scope filters nothing (its criteria cost a test of
every visit against every household); a second county in the same database stays out of their sight."""
import sqlalchemy as sa

from server.extensions import db
from server.models import GridUnit, Household, User
from server.scope import Scope
from tests.conftest import signed_in

NEIGHBOUR = "610924"  # 石泉县, beside 宁陕县


def scope_of(app, username):
    with app.app_context():
        return Scope.of(db.session.scalars(sa.select(User).where(User.username == username)).one())


def add_neighbouring_county(app) -> str:
    """A second county with a town, village and cell (the demo's own shapes, moved), and one household."""
    with app.app_context():
        cell = db.session.scalars(sa.select(GridUnit).where(GridUnit.level == "cell").order_by(GridUnit.code)).first()
        parent = None
        for level, length in (("county", 6), ("town", 9), ("village", 12), ("cell", 15)):
            parent = GridUnit(level=level, code=NEIGHBOUR + "1" * (length - 6), name=f"邻县{level}", parent=parent,
                              boundary=cell.boundary, centroid=cell.centroid)
            db.session.add(parent)
        household = db.session.scalars(sa.select(Household).order_by(Household.code)).first()
        code = NEIGHBOUR + "1" * 9 + "0001"
        db.session.add(Household(code=code, cell=parent, address="邻县某村", head_name="邻县户主",
                                 member_count=1, location=household.location))
        db.session.commit()
        return code


def test_one_county_means_no_criteria_for_its_county_users_and_a_second_brings_them_back(small_app):
    assert scope_of(small_app, "county01").everything and scope_of(small_app, "county01").criteria == ()
    secretary = scope_of(small_app, "t100")
    assert not secretary.everything and secretary.criteria

    household = add_neighbouring_county(small_app)
    assert not scope_of(small_app, "county01").everything
    client = signed_in(small_app, "county01")
    assert client.get(f"/api/households/{household}").status_code == 404
    assert client.get(f"/api/grid/units/{NEIGHBOUR}111").status_code == 404
    tree = client.get("/api/grid/tree").get_json()
    assert NEIGHBOUR not in str(tree)
    with small_app.app_context():
        own = db.session.scalar(sa.select(sa.func.count()).select_from(Household)
                                .where(~Household.code.startswith(NEIGHBOUR)))
    towns = client.get("/api/stats/figures?level=town&start=2026-11-01&end=2026-12-01").get_json()
    assert NEIGHBOUR not in str(towns) and sum(row["households"] for row in towns) == own


def test_a_scope_binds_its_values_by_name_so_every_worker_shares_one_statement(demo_app):
    """The criteria of every scoped model ride on every SELECT: they carry no value of their own (once 29 copies of
    a worker's unit codes and id on each statement, whose matching was a fifth of a pull), so two workers of
    different cells send the same SQL, with their own three values, and each sees only their cell."""
    from flask import g

    from server.models import Setting
    with demo_app.app_context():
        workers = db.session.scalars(sa.select(User).where(User.role == "grid_worker").order_by(User.id).limit(2)).all()
        scopes = [Scope.of(worker) for worker in workers]
        keys = [sa.select(Household.code).options(*scope.criteria)._generate_cache_key() for scope in scopes]
        assert keys[0] == keys[1] and keys[0].bindparams == []
        assert sa.select(Setting).options(*scopes[0].criteria)._generate_cache_key().bindparams == []
        seen = []
        for scope in scopes:
            with demo_app.test_request_context():
                g.scope = scope
                seen.append(set(db.session.scalars(sa.select(Household.cell_id).distinct())))
        assert seen == [{worker.unit_id} for worker in workers]
