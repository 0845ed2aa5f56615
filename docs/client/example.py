"""A grid worker's phone written with the client generated from the API document (README, "The API for other
systems"): sign in, pull (with the phone's own X-Device-Id, as every pull and push), push a visit and a dispute for the
first household of the pull (and a visit that names no household, refused), read the answers, pull again. Run as
`python example.py BASE_URL USERNAME PASSWORD` with the generated package importable; prints what it did as JSON.
tests/api/test_generated_client.py runs it against a served app."""
import datetime as dt
import json
import sys
import uuid

from wangge_client import Client
from wangge_client.api.auth import post_api_auth_login
from wangge_client.api.sync import get_api_sync_pull, post_api_sync_push
from wangge_client.models import (
    DisputeData,
    DisputeDataCategory,
    DisputeDataRiskColour,
    DisputeItem,
    DisputeItemType,
    Login,
    PullResult,
    Push,
    PushResult,
    Session,
    VisitData,
    VisitDataKind,
    VisitItem,
    VisitItemType,
)

CHINA = dt.timezone(dt.timedelta(hours=8))


def main(base_url: str, username: str, password: str) -> dict:
    client = Client(base_url=base_url, raise_on_unexpected_status=True)
    # signing in leaves the session cookie in the client; every write sends the CSRF token it answers
    session = post_api_auth_login.sync(client=client, body=Login(username=username, password=password))
    assert isinstance(session, Session), session
    client.get_httpx_client().headers["X-CSRF-Token"] = session.csrf_token

    device = str(uuid.uuid4())  # a phone makes its own id once and sends it with every pull and push
    first = get_api_sync_pull.sync(client=client, x_device_id=device)
    assert isinstance(first, PullResult), first
    household = first.household_codes[0]
    now = dt.datetime.now(CHINA).replace(microsecond=0)
    visit = VisitItem(type_=VisitItemType.VISIT, id=uuid.uuid4(), data=VisitData(
        kind=VisitDataKind.POVERTY_CHECK, visited_at=now, household_code=household, notes="生成的客户端：走访"))
    dispute = DisputeItem(type_=DisputeItemType.DISPUTE, id=uuid.uuid4(), data=DisputeData(
        category=DisputeDataCategory.NEIGHBOUR, risk_colour=DisputeDataRiskColour.BLUE, title="生成的客户端：邻里纠纷",
        reported_at=now, household_code=household))
    nowhere = VisitItem(type_=VisitItemType.VISIT, id=uuid.uuid4(), data=VisitData(
        kind=VisitDataKind.POLICY, visited_at=now))
    answer = post_api_sync_push.sync(client=client, body=Push(items=[visit, dispute, nowhere]), x_device_id=device)
    assert isinstance(answer, PushResult), answer

    later = get_api_sync_pull.sync(client=client, since=first.cursor, x_device_id=device)
    assert isinstance(later, PullResult), later
    pulled = next(h for h in later.households if h.code == household)
    return {
        "user": session.user.username, "household": household, "device": device,
        "visit": str(visit.id), "dispute": str(dispute.id), "nowhere": str(nowhere.id),
        "answers": [{"id": r.id, "status": str(r.status),
                     "reason": r.reason.message if r.reason else None,
                     "errors": r.reason.errors.to_dict() if r.reason and r.reason.errors else None}
                    for r in answer.results],
        "accepted": answer.accepted, "rejected": answer.rejected,
        "pulled_visits": [str(v.id) for v in pulled.recent_visits],
        "pulled_disputes": [str(d.id) for d in later.disputes],
    }


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:4]), ensure_ascii=False))
