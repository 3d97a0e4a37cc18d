"""Shared by the API tests: responses checked against the API's own OpenAPI description."""

import jsonschema_rs


def validator(client, schema_name):
    """A JSON Schema validator for ``#/components/schemas/<schema_name>`` of the served description."""
    description = client.get("/api/v1/openapi.json").json()
    root = {"$ref": f"#/components/schemas/{schema_name}", "components": description["components"]}
    return jsonschema_rs.Draft202012Validator(root, validate_formats=True)


def assert_matches(client, schema_name, data):
    errors = [str(error) for error in validator(client, schema_name).iter_errors(data)]
    assert not errors, errors
