"""The API reference at /schema: the OpenAPI document rendered on the server.

Litestar's stock viewers (Scalar, Swagger, ReDoc...) load their scripts and fonts from a CDN;
this page is plain HTML from the registry's own templates and stylesheet, so like every other
page it fetches nothing from outside and works without JavaScript. The machine-readable
document stays at /schema/openapi.json (and .yaml).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from litestar.openapi.plugins import OpenAPIRenderPlugin

from api.web.render.html import render

if TYPE_CHECKING:
    from litestar.connection import Request

METHODS: Final = ("get", "post", "put", "patch", "delete")


def _schema_name(schema: dict[str, Any] | None) -> str:
    """A short, readable type: `string`, `integer`, `array of Provider`, `Provider`."""
    if not schema:
        return ""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"array of {_schema_name(schema.get('items'))}"
    for combined in ("oneOf", "anyOf"):
        if combined in schema:
            return " or ".join(_schema_name(option) for option in schema[combined])
    kind = schema.get("type", "")
    fmt = schema.get("format")
    return f"{kind} ({fmt})" if fmt else str(kind)


def operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Every operation of `document`, grouped by its first tag, in path order."""
    found: list[dict[str, Any]] = []
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            parameters = [*item.get("parameters", []), *operation.get("parameters", [])]
            body = operation.get("requestBody", {}).get("content", {})
            found.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "tag": (operation.get("tags") or ["other"])[0],
                    "summary": operation.get("summary") or operation.get("operationId", ""),
                    "description": operation.get("description", ""),
                    "secured": bool(operation.get("security")),
                    "parameters": [
                        {
                            "name": p.get("name", ""),
                            "in": p.get("in", ""),
                            "required": bool(p.get("required")),
                            "type": _schema_name(p.get("schema")),
                            "description": p.get("description", ""),
                        }
                        for p in parameters
                    ],
                    "body": [
                        {"media_type": media, "type": _schema_name(spec.get("schema"))}
                        for media, spec in body.items()
                    ],
                    "responses": [
                        {"status": status, "description": spec.get("description", "")}
                        for status, spec in sorted(operation.get("responses", {}).items())
                    ],
                }
            )
    found.sort(key=lambda op: (op["tag"], op["path"], METHODS.index(op["method"].lower())))
    return found


class ApiReferencePlugin(OpenAPIRenderPlugin):
    """Serves the reference page at /schema and /schema/reference."""

    def __init__(self) -> None:
        super().__init__(path="/reference")

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        ops = operations(openapi_schema)
        tags: dict[str, list[dict[str, Any]]] = {}
        for op in ops:
            tags.setdefault(op["tag"], []).append(op)
        info = openapi_schema.get("info", {})
        page = render("api_reference.html", info=info, tags=tags, count=len(ops), section="api")
        return page.encode()
