"""The OpenAPI document: FastAPI's, plus the core's JSON Schema for configuration bodies.

``POST /simulations`` takes any document the core reads, so its body is described by the
schema the core generates from its own types (``psim_config_schema``, also committed as
docs/config.schema.json), never by a Python restatement of it. The schema's definitions become
components; the document itself is ``SimulationConfig``.

Links say how operations chain (OpenAPI 3 ``links``): the id ``POST /simulations`` returns
feeds every ``/simulations/{simulation_id}…`` operation, and each of those feeds the others
with the id of its own path. Clients and generators read them; schemathesis uses them for its
stateful sequences (create, submit, tick, read, delete, …).
"""

from __future__ import annotations

import copy
from typing import Any

from .._core import config_schema

ROOT_NAME = "SimulationConfig"
_DEFINITION_KEYS = ("$defs", "definitions")


def _rewrite_refs(node: Any, renames: dict[str, str]) -> Any:
    if isinstance(node, dict):
        out = {key: _rewrite_refs(value, renames) for key, value in node.items()}
        ref = out.get("$ref")
        if isinstance(ref, str):
            if ref == "#":
                out["$ref"] = f"#/components/schemas/{ROOT_NAME}"
            else:
                for key in _DEFINITION_KEYS:
                    prefix = f"#/{key}/"
                    if ref.startswith(prefix):
                        out["$ref"] = f"#/components/schemas/{renames[ref[len(prefix) :]]}"
        return out
    if isinstance(node, list):
        return [_rewrite_refs(value, renames) for value in node]
    return node


def config_components(schema: dict[str, Any], taken: set[str]) -> dict[str, dict[str, Any]]:
    """The core's schema as OpenAPI components: the document as ``SimulationConfig``, each
    definition under its own name (prefixed ``Config.`` where FastAPI's models or the root
    already use it), every ``$ref`` pointing at the components."""
    schema = copy.deepcopy(schema)
    definitions: dict[str, Any] = {}
    for key in _DEFINITION_KEYS:
        definitions.update(schema.pop(key, {}))
    for key in ("$schema", "$id"):
        schema.pop(key, None)
    taken = {*taken, ROOT_NAME}
    renames = {name: f"Config.{name}" if name in taken else name for name in definitions}
    components = {renames[name]: _rewrite_refs(body, renames) for name, body in definitions.items()}
    components[ROOT_NAME] = _rewrite_refs(schema, renames)
    return components


def add_config_schema(openapi: dict[str, Any]) -> None:
    """Put the core's configuration schema into an OpenAPI document's components."""
    components = openapi.setdefault("components", {}).setdefault("schemas", {})
    components.update(config_components(config_schema(), set(components)))


def add_links(openapi: dict[str, Any]) -> None:
    """Link every operation that yields a simulation id to every operation taking one."""
    consumers = {
        operation["operationId"]: (method, path)
        for path, operations in openapi.get("paths", {}).items()
        if "{simulation_id}" in path
        for method, operation in operations.items()
        if "operationId" in operation
    }

    def link(source: str) -> dict[str, Any]:
        return {
            f"{method.upper()} {path}": {"operationId": op_id, "parameters": {"simulation_id": source}}
            for op_id, (method, path) in consumers.items()
        }

    for path, operations in openapi.get("paths", {}).items():
        for method, operation in operations.items():
            ok = operation.get("responses", {}).get("200")
            if ok is None:
                continue
            if path == "/simulations" and method == "post":
                ok["links"] = link("$response.body#/simulation_id")
            elif "{simulation_id}" in path and method != "delete":
                ok["links"] = link("$request.path.simulation_id")


__all__ = ["add_config_schema", "add_links", "config_components", "ROOT_NAME"]
