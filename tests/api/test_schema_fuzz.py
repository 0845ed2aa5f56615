"""A short schemathesis run on every operation of /api/openapi.json (the long one is `make fuzz`): signed in as
county staff, a grid worker and the administrator, the coverage phase's boundary and invalid values and a few
derandomized examples an operation: no server error, invalid data turned away,
and every status, content type and body as the document declares it."""
from tests.conftest import small_county_app
from tools.fuzz.run import fuzz, report


def test_every_operation_answers_as_documented(db_server):
    app = small_county_app(db_server)
    result = fuzz(app, examples=3, roles=("county_staff", "grid_worker", "admin"), phases=("examples", "coverage", "fuzzing"))
    lines = []
    report(result, out=lines.append)
    assert len(result.operations) >= 39 and result.cases > 300
    assert result.ok, "\n".join(lines)
