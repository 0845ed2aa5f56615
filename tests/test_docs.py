"""The README keeps up with the code."""
import re
from pathlib import Path

import click

from seed.cli import seed_cli
from tests.conftest import make_app

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_cli_command_is_in_the_readme(db_server):
    app = make_app(db_server.new_database())
    app.cli.add_command(seed_cli)  # as wsgi.py adds it
    ours = {"seed", "grids", "register", "warnings", "notifications", "partitions"}
    missing = []
    for name, group in app.cli.commands.items():
        if name in ours and isinstance(group, click.Group):
            missing += [f"flask {name} {sub}" for sub in group.commands if f"flask {name} {sub}" not in README]
    assert missing == []


def test_every_setting_read_from_the_environment_is_in_the_readme():
    config = (Path(__file__).resolve().parent.parent / "server" / "config.py").read_text(encoding="utf-8")
    settings = re.findall(r'os\.environ\.get\("(\w+)"', config)
    assert "TIANDITU_KEY" in settings and [name for name in settings if f"| `{name}` |" not in README] == []


def test_the_two_commands_are_in_the_readme():
    assert "make run" in README and "make test" in README and "make bench" in README


def test_openapi_lists_every_api_endpoint_and_the_docs_page_loads(db_server):
    app = make_app(db_server.new_database())
    client = app.test_client()
    spec = client.get("/api/openapi.json").get_json()
    documented = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.endpoint in ("api-docs.openapi_json", "api_docs"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)  # <int(max=…):user_id> → {user_id}
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method) in documented, (path, method)
    page = client.get("/api/docs")
    assert page.status_code == 200 and "/api/openapi.json" in page.get_data(as_text=True)


def test_the_openapi_document_is_valid_openapi_3_0_3(db_server):
    from openapi_spec_validator import OpenAPIV30SpecValidator
    spec = make_app(db_server.new_database()).test_client().get("/api/openapi.json").get_json()
    assert spec["openapi"] == "3.0.3"
    errors = [f"{'/'.join(map(str, e.path))}: {e.message[:300]}" for e in OpenAPIV30SpecValidator(spec).iter_errors()]
    assert errors == []


# Untyped on purpose: a stored value of any JSON type holds lists and objects of any values (an audit row's columns, a
# register change's differing field); openapi-python-client cannot generate a union that holds itself.
UNTYPED_ON_PURPOSE = {"JsonValue/oneOf3[]", "JsonValue/oneOf4"}


def untyped_schemas(spec) -> list[str]:
    """Where a body's schema (a component, or a request or response body's own) says nothing of its value: no type,
    reference or combination, or an object with neither properties nor a schema of its values."""
    found = []

    def walk(node: dict, where: str):
        if node.get("enum") == [None]:
            return  # null, as OpenAPI 3.0.3 says it (server/nullable.py)
        if not {"type", "$ref", "oneOf", "anyOf", "allOf"} & node.keys():
            found.append(where)
            return
        additional = node.get("additionalProperties")
        if node.get("type") == "object" and not node.get("properties") and additional in (None, True, {}):
            found.append(where)
        if node.get("type") == "array":
            walk(node.get("items", {}), f"{where}[]")
        for name, prop in node.get("properties", {}).items():
            walk(prop, f"{where}.{name}")
        if isinstance(additional, dict) and additional:
            walk(additional, f"{where}{{*}}")
        for combiner in ("oneOf", "anyOf", "allOf"):
            for i, member in enumerate(node.get(combiner, [])):
                if "required" not in member or "type" in member:  # one_of_given's members only name properties
                    walk(member, f"{where}/{combiner}{i}")

    for name, schema in spec["components"]["schemas"].items():
        walk(schema, name)
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if not isinstance(operation, dict):
                continue  # the path's own parameters
            bodies = [("body", operation.get("requestBody", {}))] + list(operation.get("responses", {}).items())
            for label, body in bodies:
                for media_type, content in body.get("content", {}).items():
                    walk(content.get("schema", {}), f"{method.upper()} {path} {label} {media_type}")
    return found


def test_every_body_in_the_openapi_document_is_typed(db_server):
    spec = make_app(db_server.new_database()).test_client().get("/api/openapi.json").get_json()
    assert set(untyped_schemas(spec)) == UNTYPED_ON_PURPOSE


def test_the_walk_finds_what_is_untyped():
    spec = {"components": {"schemas": {"Row": {"type": "object", "properties": {
        "any": {}, "free": {"type": "object"}, "items": {"type": "array", "items": {}}, "ok": {"type": "string"},
        "values": {"type": "object", "additionalProperties": {"description": "no type"}}}}}},
        "paths": {"/x": {"post": {"requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
                                  "responses": {"200": {"content": {"text/csv": {"schema": {"type": "string"}}}}}}}}}
    assert untyped_schemas(spec) == ["Row.any", "Row.free", "Row.items[]", "Row.values{*}",
                                     "POST /x body application/json"]


def test_the_documents_version_is_the_apis_and_the_changelog_lists_it(db_server):
    from server.config import Config
    spec = make_app(db_server.new_database()).test_client().get("/api/openapi.json").get_json()
    assert spec["info"]["version"] == Config.API_VERSION and re.fullmatch(r"\d+\.\d+", Config.API_VERSION)
    changelog = README.split("### CHANGELOG", 1)[1].split("\n## ", 1)[0]
    assert f"- **{Config.API_VERSION}** (" in changelog
