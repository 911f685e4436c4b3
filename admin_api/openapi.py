"""The OpenAPI 3.1 document, generated from the endpoints' own pydantic models (admin_api.endpoints).

Bodies are described in pydantic's validation mode and responses in its serialization mode, all under
`#/components/schemas`, so what the document promises is what the code validates and renders.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from admin_api.endpoints import ID_MAX, Endpoint
from admin_api.idempotency import HEADER
from admin_api.problems import PROBLEM_JSON

VERSION = "1.0.0"
_REF = "#/components/schemas/{model}"
_STATUS_TEXT = {
    400: "The request is malformed (query, JSON or encoding)",
    401: "No token, or an unknown, expired or revoked one",
    403: "The role may not do this",
    404: "No such object (or it belongs to another county)",
    409: "The object's state does not allow this now",
    413: "The body is too large",
    422: "The body breaks a rule",
}
_IDEMPOTENCY_KEY: dict[str, Any] = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "description": "Send the same key again to get the first answer back instead of acting twice "
    "(kept 24 h, per token holder; another call with the same key is refused with 422)",
    "schema": {"type": "string", "minLength": 1, "maxLength": 128, "pattern": "^[\\x20-\\x7e]+$"},
}
_PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
}


def _models(endpoints: list[Endpoint]) -> list[tuple[type[BaseModel], JsonSchemaMode]]:
    wanted: dict[tuple[type[BaseModel], JsonSchemaMode], None] = {}
    for endpoint in endpoints:
        if endpoint.body is not None:
            wanted[(endpoint.body, "validation")] = None
        if endpoint.response is not None:
            wanted[(endpoint.response, "serialization")] = None
    return list(wanted)


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(ref_template=_REF)
    required = set(schema.get("required", ()))
    return [
        {"name": name, "in": "query", "required": name in required, "schema": prop}
        for name, prop in schema.get("properties", {}).items()
    ]


def _operation(endpoint: Endpoint, refs: dict[Any, dict[str, Any]]) -> dict[str, Any]:
    parameters = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": ID_MAX},
        }
        for name in endpoint.path_parameters
    ]
    if endpoint.query is not None:
        parameters += _query_parameters(endpoint.query)
    idempotent = endpoint.method == "POST" and not endpoint.public
    if idempotent:
        parameters.append(_IDEMPOTENCY_KEY)
    responses: dict[str, Any] = {}
    if endpoint.response is not None:
        content = {"application/json": {"schema": refs[(endpoint.response, "serialization")]}}
        # the same answer also as files (a statement as CSV or XLSX): `produces` names their types
        content |= {kind.strip(): {} for kind in (endpoint.produces or "").split(",") if kind.strip()}
        responses[str(endpoint.status)] = {"description": "OK", "content": content}
    elif endpoint.produces is not None:
        # a download in one of several formats names them comma-separated
        types: dict[str, dict[str, object]] = {kind.strip(): {} for kind in endpoint.produces.split(",")}
        responses[str(endpoint.status)] = {"description": "OK", "content": types}
    else:
        responses[str(endpoint.status)] = {"description": "OK"}
    problems: set[int] = {400, 404, *endpoint.errors}
    if not endpoint.public:
        problems.add(401)
    if endpoint.permission is not None:
        problems.add(403)
    if endpoint.body is not None:
        problems |= {413, 422}
    if idempotent:
        problems |= {409, 422}  # the key's first call still running; the key reused for another call
    for status in sorted(problems):
        responses[str(status)] = {
            "description": _STATUS_TEXT.get(status, "Refused"),
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
    operation: dict[str, Any] = {
        "operationId": endpoint.handler.__name__,
        "summary": endpoint.summary,
        "tags": [endpoint.tag],
        "responses": responses,
    }
    if parameters:
        operation["parameters"] = parameters
    if endpoint.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": refs[(endpoint.body, "validation")]}},
        }
    if endpoint.public:
        operation["security"] = []
    if endpoint.permission is not None:
        operation["x-permission"] = str(endpoint.permission)
    return operation


def openapi_document(endpoints: list[Endpoint]) -> dict[str, Any]:
    refs, definitions = models_json_schema(_models(endpoints), ref_template=_REF)
    schemas = dict(definitions.get("$defs", {}))
    schemas["Problem"] = _PROBLEM_SCHEMA
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in endpoints:
        method: Literal["get", "post", "put", "patch", "delete"] = endpoint.method.lower()  # type: ignore[assignment]
        paths.setdefault(endpoint.path, {})[method] = _operation(endpoint, refs)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "jingfu back office (精服后台)",
            "version": VERSION,
            "description": "The county reviewers' and city staff's API. Every call but this document "
            "and its docs page needs 'Authorization: Bearer <token>' (jingfu admin create-token).",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearerAuth": []}],
    }
