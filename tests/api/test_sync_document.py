"""The OpenAPI document types every sync item, from the schemas the push validates with: a client can be written from
the document alone, and what it builds from it is accepted by a real push."""
import datetime as dt
import uuid

import pytest

from server.models.sync import SYNC_ITEM_TYPES
from server.models.vocab import DISPUTE_CATEGORIES, RISK_COLOURS, VISIT_KINDS
from server.sync.items import HOUSEHOLD_CHANGES, TEXT
from tests.conftest import make_app, signed_in

REF = "#/components/schemas/"


@pytest.fixture(scope="module")
def spec(db_server):
    return make_app(db_server.new_database()).test_client().get("/api/openapi.json").get_json()


def component(spec, ref: str) -> dict:
    assert ref.startswith(REF), ref
    return spec["components"]["schemas"][ref.removeprefix(REF)]


def item_schemas(spec) -> dict:
    """{type: its component}, reached from the push body's items through the discriminator's mapping."""
    body = spec["paths"]["/api/sync/push"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    items = component(spec, body["$ref"])["properties"]["items"]["items"]
    mapping = items["discriminator"]["mapping"]
    assert items["discriminator"]["propertyName"] == "type"
    assert [one["$ref"] for one in items["oneOf"]] == list(mapping.values())
    return {kind: component(spec, ref) for kind, ref in mapping.items()}


def test_every_sync_item_type_has_a_component_in_the_push_bodys_one_of(spec):
    schemas = item_schemas(spec)
    assert list(schemas) == list(SYNC_ITEM_TYPES)
    for kind, schema in schemas.items():
        assert schema["properties"]["type"]["enum"] == [kind]
        assert schema["properties"]["id"]["format"] == "uuid"
        assert {"type", "id", "data"} <= set(schema["required"]) and schema["additionalProperties"] is False
        data = schema["properties"]["data"]
        assert "$ref" in data or "oneOf" in data, (kind, data)


def test_an_items_fields_carry_their_limits_and_enums(spec):
    schemas = item_schemas(spec)
    visit = component(spec, schemas["visit"]["properties"]["data"]["$ref"])
    assert visit["properties"]["kind"]["enum"] == list(VISIT_KINDS)
    assert visit["properties"]["notes"]["maxLength"] == TEXT.max == 4000
    assert {"kind", "visited_at"} <= set(visit["required"])
    dispute = component(spec, schemas["dispute"]["properties"]["data"]["$ref"])
    assert dispute["properties"]["category"]["enum"] == list(DISPUTE_CATEGORIES)
    assert dispute["properties"]["title"]["maxLength"] == 200


def test_a_household_change_is_one_of_its_changes_by_change(spec):
    data = item_schemas(spec)["household_change"]["properties"]["data"]
    assert data["discriminator"]["propertyName"] == "change"
    assert list(data["discriminator"]["mapping"]) == list(HOUSEHOLD_CHANGES)
    for change, ref in data["discriminator"]["mapping"].items():
        schema = component(spec, ref)
        assert schema["properties"]["change"]["enum"] == [change] and "change" in schema["required"]
        assert {"household_code", "household_id"} <= set(schema["properties"])
    move = component(spec, data["discriminator"]["mapping"]["move"])
    assert {"version", "to_cell_code"} <= set(move["required"])


def reached(spec, name: str, seen=None) -> set:
    """The components a component refers to, itself and on down."""
    seen = set() if seen is None else seen
    if name not in seen:
        seen.add(name)
        for ref in _refs(spec["components"]["schemas"][name]):
            reached(spec, ref.removeprefix(REF), seen)
    return seen


def _refs(node):
    if isinstance(node, dict):
        yield from [node["$ref"]] if "$ref" in node else []
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


@pytest.mark.parametrize("name", ["Push", "PushResult", "PullResult"])
def test_every_property_of_the_sync_bodies_is_typed(spec, name):
    untyped = [f"{schema}.{field}" for schema in sorted(reached(spec, name))
               for field, prop in spec["components"]["schemas"][schema].get("properties", {}).items()
               if not {"type", "$ref", "oneOf", "anyOf", "allOf"} & prop.keys() or prop.get("items") == {}]
    assert untyped == []


def example(spec, schema: dict, **given) -> dict:
    """An object with the schema's required properties, each made from what the document says of it (its first enum
    value, a value of its format, text of its least length), and the `given` ones."""
    made = {}
    for name in schema["required"]:
        prop = schema["properties"][name]
        if "$ref" in prop:
            made[name] = example(spec, component(spec, prop["$ref"]))
        elif "enum" in prop:
            made[name] = prop["enum"][0]
        elif prop.get("format") == "uuid":
            made[name] = str(uuid.uuid4())
        elif prop.get("format") == "date-time":
            made[name] = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).replace(microsecond=0).isoformat()
        elif prop["type"] == "string":
            made[name] = "文" * max(prop.get("minLength", 1), 1)
        else:
            raise AssertionError(f"no example for {name}: {prop}")
    for name, value in given.items():
        assert name in schema["properties"], name  # the document names it
        made[name] = value
    return made


def test_a_visit_and_a_dispute_built_from_the_document_are_pushed_and_pulled_back(spec, small_app, worker_cell, clock):
    """A grid worker's phone, written from the document: the household to visit is one its pull gave it."""
    client = signed_in(small_app, worker_cell["worker"])
    first = client.get("/api/sync/pull").get_json()
    household = first["household_codes"][0]
    schemas = item_schemas(spec)

    def item(kind: str, **data) -> dict:
        envelope = schemas[kind]
        made = example(spec, envelope)
        made["data"] = example(spec, component(spec, envelope["properties"]["data"]["$ref"]), **data)
        return made

    visit = item("visit", household_code=household)
    dispute = item("dispute", household_code=household)
    assert visit["type"] == "visit" and visit["data"]["kind"] == VISIT_KINDS[0]
    assert dispute["data"]["category"] == DISPUTE_CATEGORIES[0] and dispute["data"]["risk_colour"] == RISK_COLOURS[0]
    clock.advance(minutes=1)
    answer = client.post("/api/sync/push", json={"items": [visit, dispute]}).get_json()
    assert [(r["id"], r["status"]) for r in answer["results"]] == [(visit["id"], "accepted"), (dispute["id"], "accepted")]
    clock.advance(minutes=1)
    later = client.get("/api/sync/pull", query_string={"since": first["cursor"]}).get_json()
    pulled, = [h for h in later["households"] if h["code"] == household]
    assert visit["id"] in [v["id"] for v in pulled["recent_visits"]]
    assert dispute["id"] in [d["id"] for d in later["disputes"]]
