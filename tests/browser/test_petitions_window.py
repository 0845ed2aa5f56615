"""The petitions window (/views/petitions) at desktop size: county staff register a walk-in petition, are told beside
the field what is wrong with an ID number, find the petitioner's earlier case, link it; the database, the API and a
reload of the page show the new case with its link."""
import datetime as dt
import uuid

import sqlalchemy as sa

from server import clock
from server.extensions import db
from server.models import AuditLog, Dispute, DisputeLink, GridUnit, Household, User
from tests.browser.conftest import screenshot
from tests.browser.test_views import desktop, sign_in  # noqa: F401 (the fixture and helper of the desk views)
from tests.conftest import signed_in


def petitioner(app) -> dict:
    """A household head of the first town with an ID number and a phone."""
    with app.app_context():
        h = db.session.scalars(sa.select(Household).join(GridUnit, GridUnit.id == Household.cell_id).where(
            GridUnit.code.startswith("610923100"), Household.head_id_number.is_not(None), Household.phone.is_not(None))
            .order_by(Household.id)).first()
        return {"code": h.code, "name": h.head_name, "id_number": h.head_id_number, "mobile": h.phone}


def disputes_of(app, id_number) -> list:
    with app.app_context():
        return db.session.scalars(sa.select(Dispute).where(Dispute.petitioner_id_number == id_number)
                                  .order_by(Dispute.reported_at)).all()


def test_county_staff_register_a_walk_in_and_link_the_petitioners_earlier_case(live_server, desktop):  # noqa: F811
    app, _ = live_server
    person = petitioner(app)
    earlier = signed_in(app, "county01").post("/api/petitions", json={
        "channel": "letter", "petitioner_name": person["name"], "petitioner_id_number": person["id_number"],
        "household_code": person["code"], "category": "land_rights", "risk_colour": "yellow", "title": "来信反映承包地边界",
        "reported_at": (clock.now() - dt.timedelta(days=40)).isoformat()}).get_json()

    page = sign_in(desktop, "/views/petitions", "county01")
    page.wait_for_selector("#petition-form")
    assert page.input_value("input[name=first_receiver_username]") == "county01"  # 首问: the one at the window
    wrong = person["id_number"][:17] + ("1" if person["id_number"][17] != "1" else "2")
    page.fill("input[name=petitioner_name]", person["name"])
    page.fill("input[name=petitioner_id_number]", wrong)
    page.fill("input[name=petitioner_mobile]", person["mobile"])
    page.fill("input[name=household_code]", person["code"])
    page.fill("input[name=title]", "来访反映承包地被占")
    page.select_option("select[name=category]", "land_rights")
    page.click("button[type=submit]")
    page.wait_for_function("document.querySelector('#error-petitioner_id_number').textContent.includes('校验位')")
    assert page.get_attribute("input[name=petitioner_id_number]", "aria-invalid") == "true"
    assert page.text_content("#error-petitioner_name") == ""  # only the wrong field is marked
    assert len(disputes_of(app, person["id_number"])) == 1 and disputes_of(app, wrong) == []
    screenshot(page, "views-petitions-id-error")

    page.fill("input[name=petitioner_id_number]", person["id_number"])
    page.click("#look-up")
    page.wait_for_selector(f"input[name=linked_dispute_ids][value='{earlier['id']}']")
    listed = page.text_content("#earlier-list")
    assert "来信反映承包地边界" in listed and "身份证号相同" in listed
    page.check(f"input[name=linked_dispute_ids][value='{earlier['id']}']")
    screenshot(page, "views-petitions-earlier")
    page.click("button[type=submit]")
    page.wait_for_selector("#case:not([hidden]) #links-earlier li")

    new, = [d for d in disputes_of(app, person["id_number"]) if str(d.id) != earlier["id"]]
    with app.app_context():
        receiver = db.session.scalar(sa.select(User.username).where(User.id == new.first_receiver_id))
        links = db.session.execute(sa.select(DisputeLink.dispute_id, DisputeLink.earlier_id)).all()
    assert (new.channel, new.level, new.state, new.petitioner_mobile, receiver) == (
        "walk_in", "county", "reported", person["mobile"], "county01")
    assert (new.id, uuid.UUID(earlier["id"])) in links
    assert page.text_content("#case-state").strip() == "已上报" and page.text_content("#case-level").strip() == "县"
    due = (new.reported_at + dt.timedelta(days=15)).astimezone(clock.CHINA).date().isoformat()
    assert due in page.text_content("#case-limit") and "正常" in page.text_content("#case-limit")
    assert page.text_content("#links-earlier li").split()[0] == "来信反映承包地边界"
    assert page.input_value("input[name=petitioner_name]") == ""  # the form is ready for the next petitioner
    screenshot(page, "views-petitions-registered")

    later = signed_in(app, "county01").get(f"/api/disputes/{earlier['id']}").get_json()["links"]["later"]
    assert [c["id"] for c in later] == [str(new.id)]
    page.reload()
    page.wait_for_selector("#case:not([hidden]) #links-earlier li")
    assert page.text_content("#case-title") == "来访反映承包地被占"
    assert "来信反映承包地边界" in page.text_content("#links-earlier")

    # the window hands the case to the desk: the petitioner masked, the earlier case linked, the number revealed
    # with a reason (audited), and the county accepts it there
    page.click("#open-on-desk")
    page.wait_for_selector("#dispute-title:has-text('来访反映承包地被占')")
    assert page.text_content("#petitioner_mobile") != person["mobile"] and "*" in page.text_content("#petitioner_mobile")
    assert "来信反映承包地边界" in page.text_content("#linked-cases")
    page.once("dialog", lambda dialog: dialog.accept("核实信访人身份"))
    page.click("button[data-reveal=petitioner_mobile]")
    page.wait_for_function(f"document.querySelector('#petitioner_mobile').textContent === '{person['mobile']}'")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
            AuditLog.action == "reveal", AuditLog.entity_id == str(new.id))) == 1
    page.click("#act button[data-step=accept]")
    page.click("form.step-form button[type=submit]")
    page.wait_for_selector("#dispute-state:has-text('已受理')")
    screenshot(page, "desk-petition-accepted")
    with app.app_context():
        assert db.session.get(Dispute, new.id).state == "accepted"
