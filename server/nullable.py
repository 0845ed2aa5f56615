"""null in the OpenAPI document as OpenAPI 3.0.3 says it, for the generators that read it so (openapi-python-client):
apispec shows a nullable nested schema as anyOf it and `{"type": "object", "nullable": true}`, which admits any object
(a generated client made a model of its own for it); here that member admits null only. A nullable enum lists null
among its values: 3.0.3 admits null only where the enum does (a client refused the null a retired-less household sends).
Marshmallow and apispec, no Flask."""

NULL_ONLY = {"type": "object", "nullable": True, "enum": [None]}
_APISPEC_NULL = {"type": "object", "nullable": True}


def nullable_properties(self, field, ret: dict, **_) -> dict:
    """apispec's attribute function (bound to its OpenAPIConverter), run after its own field2nullable."""
    if not field.allow_none:
        return {}
    if "anyOf" in ret:
        ret["anyOf"] = [NULL_ONLY if member == _APISPEC_NULL else member for member in ret["anyOf"]]
    if ret.get("nullable") and "enum" in ret and None not in ret["enum"]:
        ret["enum"] = [*ret["enum"], None]
    return {}
