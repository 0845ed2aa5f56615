"""Driving the phone app as its users do, and reading what the database holds, for the phone's stories."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from server import clock
from server.extensions import db
from server.models import CadreLink, GridUnit, Household, User, Visit
from tests.conftest import DEMO_PASSWORD

PHONE_360 = {"width": 360, "height": 740}


def new_phone(browser, base, **options):
    """A phone: a browser context of its own (its own IndexedDB), at 360 px, in Chinese, with a GPS fix."""
    return browser.new_context(**{"viewport": PHONE_360, "locale": "zh-CN", "base_url": base, "device_scale_factor": 2,
                                  "geolocation": {"longitude": 108.3, "latitude": 33.3, "accuracy": 12},
                                  "permissions": ["geolocation"], **options})


def open_app(context):
    page = context.new_page()
    page.on("pageerror", lambda error: pytest.fail(f"script error in the phone app: {error}"))
    page.on("console", lambda m: m.type in ("warning", "error") and print(f"[phone console] {m.text}"))
    page.goto("/app/")
    return page


def sign_in(page, username, password=DEMO_PASSWORD):
    page.wait_for_selector("form#login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form#login button[type=submit]")
    page.wait_for_selector("#households")


def phone_of(browser, base, username, **options):
    """A new phone with the user signed in: (the phone, its page)."""
    phone = new_phone(browser, base, **options)
    page = open_app(phone)
    sign_in(page, username)
    return phone, page


def sync_now(page):
    """The sync screen's button, and what it said."""
    page.goto("/app/#/sync")
    page.wait_for_selector("#sync-now")
    page.eval_on_selector("#sync-message", "m => { m.textContent = ''; }")  # the screen may be showing the last answer
    page.click("#sync-now")
    return said(page, "#sync-message")


def said(page, selector) -> str:
    """What the message at `selector` ends up saying (not 正在同步): read in the same moment it is seen, since the
    screen may be redrawn right after, carrying the message over into a new element."""
    return page.wait_for_function(f"""(() => {{
        const text = document.querySelector({selector!r})?.textContent;
        return text && !text.includes('正在同步') ? text.trim() : null;
    }})()""").json_value()


def waiting(page) -> str:
    page.goto("/app/#/sync")
    return page.wait_for_selector("#waiting").inner_text()


def badge_of(page, code) -> str:
    page.goto("/app/#/households")
    return page.wait_for_selector(f'#households a[href="#/household/{code}"] .badge').inner_text()


# --- the database ---------------------------------------------------------------------------------------

def workers(app) -> list:
    with app.app_context():
        return db.session.execute(sa.select(User.id, User.username, User.unit_id, User.display_name)
                                  .where(User.role == "grid_worker", User.active.is_(True)).order_by(User.id)).all()


def worker(app, n: int):
    """The n-th grid worker (each test takes its own, so tests do not see each other's captures)."""
    return workers(app)[n]


def next_cell(app, cell_id):
    """The first other cell of the cell's village (a neighbour to move a household to)."""
    with app.app_context():
        village = db.session.scalar(sa.select(GridUnit.parent_id).where(GridUnit.id == cell_id))
        return db.session.scalars(sa.select(GridUnit).where(GridUnit.parent_id == village, GridUnit.id != cell_id)
                                  .order_by(GridUnit.code)).first()


def households_of_cell(app, cell_id) -> list:
    with app.app_context():
        return db.session.execute(sa.select(Household.id, Household.code, Household.head_name, Household.last_visit_at)
                                  .where(Household.cell_id == cell_id).order_by(Household.code)).all()


def cadre_of(app, household_id):
    with app.app_context():
        return db.session.scalar(sa.select(User.username).join(CadreLink, CadreLink.cadre_id == User.id)
                                 .where(CadreLink.household_id == household_id, CadreLink.valid_to.is_(None)))


def visits_with(app, notes: str) -> list:
    with app.app_context():
        return db.session.scalars(sa.select(Visit).where(Visit.notes == notes)).all()


def cell_code(app, cell_id) -> str:
    with app.app_context():
        return db.session.scalar(sa.select(GridUnit.code).where(GridUnit.id == cell_id))


def china_today() -> dt.date:
    return clock.china_today()


def on_server_time(page):
    """The phone's clock set to the server's. In the field both keep network time; here the server's runs
    ahead (server_clock_ahead), and in the minutes before China's midnight the two disagree on the day."""
    page.clock.set_system_time(clock.now())
