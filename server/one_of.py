"""A value that is one of several marshmallow schemas, told apart by one of its properties (a sync item by its `type`, a
change of the register by its `change`), and how the OpenAPI document shows it: a oneOf of the schemas' components
with a discriminator mapping each value to its component. Marshmallow and apispec, no Flask."""
from marshmallow import Schema, fields

from .nullable import NULL_ONLY


class OneOfSchemas(fields.Raw):
    """Loaded as sent: the schema it is loaded by is chosen by its discriminator where it is used (server/sync/push.py
    loads each item alone, so that a bad item is rejected alone); the schemas here are what the document shows. Without
    a discriminator the value is any of them (anyOf: what is told apart by the context, not by a property)."""

    def __init__(self, schemas: dict[str, type[Schema]], discriminator: str | None, **kwargs):
        super().__init__(**kwargs)
        self.schemas, self.discriminator = schemas, discriminator


def one_of_properties(self, field, ret: dict, **_) -> dict:
    """apispec's attribute function (bound to its OpenAPIConverter) for OneOfSchemas: each schema a component; one
    schema alone is that component (or null, when the field allows it)."""
    if not isinstance(field, OneOfSchemas):
        return {}
    refs = {value: self.resolve_nested_schema(schema)["$ref"] for value, schema in field.schemas.items()}
    if len(refs) == 1:
        ref, = refs.values()
        if not ret.pop("nullable", False):
            return {"$ref": ref}
        return {"anyOf": [{"$ref": ref}, NULL_ONLY]}
    if field.discriminator is None:
        return {"anyOf": [{"$ref": ref} for ref in refs.values()]}
    return {"oneOf": [{"$ref": ref} for ref in refs.values()],
            "discriminator": {"propertyName": field.discriminator, "mapping": refs}}


def one_of_given(*names: str) -> dict:
    """The document's words for a schema (its `OPENAPI`, server/errors.py) when at least one of these string properties
    must be given, not null. Wrapped in allOf: a generated client keeps the object's properties (openapi-python-client
    made an anyOf beside them a union of its members, without them)."""
    return {"allOf": [{"anyOf": [{"required": [name], "properties": {name: {"type": "string"}}} for name in names]}]}


def with_fixed(name: str, declared: dict, discriminator: str, value: str) -> type[Schema]:
    """The schema of the `declared` fields (a schema's own, another's data…) as the document shows it when its
    `discriminator` holds `value`: that property required, with that one value. Named `name` in the document."""
    return Schema.from_dict({**declared, discriminator: fields.String(required=True, metadata={"enum": [value]})},
                            name=f"{name}Schema")
