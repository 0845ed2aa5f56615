"""Constraints the database itself enforces, on both back ends."""
import datetime as dt
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, StatementError

from server.models import CadreLink, Dispute, GridUnit, Household, User, Visit

SQUARE = "SRID=4326;MULTIPOLYGON(((108 33,108.1 33,108.1 33.1,108 33.1,108 33)))"
POINT = "SRID=4326;POINT(108.05 33.05)"
UTC = dt.timezone.utc


@pytest.fixture
def grid(session):
    """county → town → village → cell, a user, a household: the minimum to hang rows on."""
    county = GridUnit(level="county", code="610923", name="县", boundary=SQUARE, centroid=POINT)
    town = GridUnit(level="town", code="610923100", name="镇", parent=county, boundary=SQUARE, centroid=POINT)
    village = GridUnit(level="village", code="610923100201", name="村", parent=town, boundary=SQUARE, centroid=POINT)
    cell = GridUnit(level="cell", code="610923100201001", name="一组", parent=village, boundary=SQUARE,
                    centroid=POINT, target_households=50)
    user = User(username="w1", password_hash="x", role="grid_worker", display_name="王伟", unit=cell)
    household = Household(code="6109231002010010001", cell=cell, address="村一组1号", head_name="李强",
                          location=POINT, member_count=3)
    session.add_all([county, town, village, cell, user, household])
    session.flush()
    return {"county": county, "cell": cell, "user": user, "household": household}


def unit(**kw):
    base = dict(level="town", code="610923101", name="镇", boundary=SQUARE, centroid=POINT)
    return GridUnit(**{**base, **kw})


@pytest.mark.parametrize("fields", [
    {"level": "province"},
    {"code": "61092310"},            # town codes have 9 digits
    {"code": "61092310A"},           # digits only
    {"parent_id": None},             # only the county has no parent
    {"target_households": 0},
], ids=["bad-level", "short-code", "letter-in-code", "orphan-town", "zero-target"])
def test_grid_unit_constraints(session, grid, fields):
    session.add(unit(**{"parent_id": grid["county"].id, **fields}))
    with pytest.raises(IntegrityError):
        session.flush()


def test_county_cannot_have_a_parent(session, grid):
    session.add(unit(level="county", code="610924", parent_id=grid["county"].id))
    with pytest.raises(IntegrityError):
        session.flush()


def test_unit_codes_are_unique(session, grid):
    session.add(unit(code="610923100", parent_id=grid["county"].id))
    with pytest.raises(IntegrityError):
        session.flush()


@pytest.mark.parametrize("fields", [
    {"code": "610923100201001001"},   # 18 digits: one short
    {"member_count": 0},
    {"head_id_number": "61092319900101"},
    {"phone": "1381234567"},
], ids=["short-code", "no-members", "short-id-number", "short-phone"])
def test_household_constraints(session, grid, fields):
    base = dict(code="6109231002010010002", cell_id=grid["cell"].id, address="村一组2号", head_name="赵军",
                member_count=2)
    session.add(Household(**{**base, **fields}))
    with pytest.raises(IntegrityError):
        session.flush()


def test_a_household_has_at_most_one_current_cadre(session, grid):
    h, u = grid["household"], grid["user"]
    session.add(CadreLink(cadre_id=u.id, household_id=h.id, valid_from=dt.date(2026, 1, 1), valid_to=dt.date(2026, 3, 1)))
    session.add(CadreLink(cadre_id=u.id, household_id=h.id, valid_from=dt.date(2026, 3, 2)))
    session.flush()  # one ended link and one current link are fine
    session.add(CadreLink(cadre_id=u.id, household_id=h.id, valid_from=dt.date(2026, 4, 1)))
    with pytest.raises(IntegrityError):
        session.flush()


def test_cadre_link_period_must_be_ordered(session, grid):
    session.add(CadreLink(cadre_id=grid["user"].id, household_id=grid["household"].id,
                          valid_from=dt.date(2026, 5, 1), valid_to=dt.date(2026, 4, 1)))
    with pytest.raises(IntegrityError):
        session.flush()


def visit(grid, **kw):
    base = dict(id=uuid.uuid4(), household_id=grid["household"].id, author_id=grid["user"].id, kind="policy",
                visited_at=dt.datetime(2026, 11, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8))),
                location=POINT, gps_accuracy_m=8.5)
    return Visit(**{**base, **kw})


def test_visit_times_keep_their_instant_and_come_back_in_utc(session, grid):
    v = visit(grid)
    session.add(v)
    session.flush()
    session.expire_all()
    stored = session.get(Visit, v.id)
    assert stored.visited_at == dt.datetime(2026, 11, 1, 1, 30, tzinfo=UTC)
    assert stored.visited_at.tzinfo is not None and stored.received_at.tzinfo is not None


def test_naive_times_are_refused(session, grid):
    session.add(visit(grid, visited_at=dt.datetime(2026, 11, 1, 9, 30)))
    with pytest.raises(StatementError, match="time zone"):
        session.flush()


@pytest.mark.parametrize("fields", [{"kind": "party"}, {"gps_accuracy_m": -1.0}], ids=["bad-kind", "negative-accuracy"])
def test_visit_constraints(session, grid, fields):
    session.add(visit(grid, **fields))
    with pytest.raises(IntegrityError):
        session.flush()


def test_visit_ids_are_unique(session, grid):
    same = uuid.uuid4()
    session.add(visit(grid, id=same))
    session.flush()
    session.add(visit(grid, id=same))
    with pytest.raises((IntegrityError, sa.exc.InvalidRequestError, AssertionError)):
        session.flush()


def dispute(grid, **kw):
    base = dict(id=uuid.uuid4(), cell_id=grid["cell"].id, reporter_id=grid["user"].id, category="neighbour",
                risk_colour="yellow", title="宅基地界址纠纷", reported_at=dt.datetime(2026, 11, 1, tzinfo=UTC),
                parties=[{"name": "李强", "role": "applicant"}], party_count=2)
    return Dispute(**{**base, **kw})


@pytest.mark.parametrize("fields", [
    {"state": "lost"}, {"risk_colour": "purple"}, {"level": "province"}, {"category": "gossip"},
    {"channel": "pigeon"}, {"satisfaction": "meh"}, {"party_count": 0},
], ids=["state", "colour", "level", "category", "channel", "satisfaction", "parties"])
def test_dispute_constraints(session, grid, fields):
    session.add(dispute(grid, **fields))
    with pytest.raises(IntegrityError):
        session.flush()


def test_dispute_defaults_and_version(session, grid):
    d = dispute(grid)
    session.add(d)
    session.flush()
    assert (d.state, d.level, d.channel, d.version) == ("reported", "village", "grid_screening", 1)
    d.state = "accepted"
    session.flush()
    assert d.version == 2  # every change bumps the version used to detect concurrent edits
