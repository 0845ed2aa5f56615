"""A value that is one of several marshmallow schemas, told apart by one of its properties (a sync item by its `type`, a
change of the register by its `change`), and how the OpenAPI document shows it: a oneOf of the schemas' components
with a discriminator mapping each value to its component. Marshmallow and apispec, no Flask."""
from marshmallow import Schema, fields


class OneOfSchemas(fields.Raw):
    """Loaded as sent: the schema it is loaded by is chosen by its discriminator where it is used (server/sync/push.py
    loads each item alone, so that a bad item is rejected alone); the schemas here are what the document shows."""

    def __init__(self, schemas: dict[str, type[Schema]], discriminator: str, **kwargs):
        super().__init__(**kwargs)
        self.schemas, self.discriminator = schemas, discriminator


def one_of_properties(self, field, **_) -> dict:
    """apispec's attribute function (bound to its OpenAPIConverter) for OneOfSchemas: each schema a component."""
    if not isinstance(field, OneOfSchemas):
        return {}
    refs = {value: self.resolve_nested_schema(schema)["$ref"] for value, schema in field.schemas.items()}
    return {"oneOf": [{"$ref": ref} for ref in refs.values()],
            "discriminator": {"propertyName": field.discriminator, "mapping": refs}}


def with_fixed(name: str, declared: dict, discriminator: str, value: str) -> type[Schema]:
    """The schema of the `declared` fields (a schema's own, another's data…) as the document shows it when its
    `discriminator` holds `value`: that property required, with that one value. Named `name` in the document."""
    return Schema.from_dict({**declared, discriminator: fields.String(required=True, metadata={"enum": [value]})},
                            name=f"{name}Schema")
