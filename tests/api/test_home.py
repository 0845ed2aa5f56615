"""`/` sends each role to the page it works from; before sign-in, to the desk's sign-in, which does the same."""
import pytest
import sqlalchemy as sa

from server.extensions import db
from server.models import User
from tests.conftest import DEMO_PASSWORD, signed_in

HOMES = {"grid_worker": "/app/", "cadre": "/app/", "village_head": "/views/desk", "town_secretary": "/views/desk",
         "county_staff": "/views/county", "admin": "/views/admin"}


def test_before_sign_in_home_is_the_desk_sign_in(small_app):
    response = small_app.test_client().get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/views/desk?then=home"
    page = small_app.test_client().get("/views/desk")
    assert page.status_code == 200 and 'id="view"' in page.get_data(as_text=True)


@pytest.mark.parametrize("role", HOMES)
def test_each_role_is_sent_home(small_app, role):
    with small_app.app_context():
        username = db.session.scalar(sa.select(User.username).where(User.role == role).order_by(User.id))
    client = small_app.test_client()
    answer = client.post("/api/auth/login", json={"username": username, "password": DEMO_PASSWORD}).get_json()
    assert answer["home"] == HOMES[role]
    assert client.get("/").headers["Location"] == HOMES[role]
    assert signed_in(small_app, username).get("/api/auth/me").get_json()["home"] == HOMES[role]
