"""POST /simulations hands its body to the core: either configuration shape, as JSON or YAML, is
accepted, and a 422 lists the core's problems, each with its path, in ``problems`` and
``fields``. The OpenAPI document describes the body with the core's own JSON Schema."""

from __future__ import annotations

import copy
import json

import pytest
import yaml
from payment_simulator._core import config_schema
from payment_simulator.api.models import ErrorBody
from payment_simulator.api.openapi import config_components
from payment_simulator.config import SimulationConfig

SCENARIO = {
    "simulation": {"ticks_per_day": 10, "num_days": 1, "seed": 7},
    "agents": [
        {
            "id": "BANK_A",
            "balance": 100_000,
            "policy": {"type": "Fifo"},
            "arrival_config": {
                "rate_per_tick": 0.9215686321258545,
                "distribution": {"type": "Uniform", "min": 1_000, "max": 90_000},
                "counterparty_weights": {"BANK_B": 1.0},
            },
        },
        {"id": "BANK_B", "balance": 100_000, "policy": {"type": "Fifo"}},
    ],
}
MACHINE = SimulationConfig.model_validate(SCENARIO).to_rust_dict()


def body(doc: dict, fmt: str) -> dict:
    if fmt == "json":
        return {"content": json.dumps(doc), "headers": {"content-type": "application/json"}}
    return {"content": yaml.safe_dump(doc, sort_keys=False), "headers": {"content-type": "application/yaml"}}


def broken(shape: str) -> tuple[dict, list[str]]:
    """A document of the shape with two problems, and the paths the core reports them at."""
    if shape == "scenario":
        doc = copy.deepcopy(SCENARIO)
        doc["simulation"]["ticks_per_day"] = 0
        doc["agents"][1]["credit_limit"] = -5
        return doc, ["simulation.ticks_per_day", "agents[1].credit_limit"]
    doc = copy.deepcopy(MACHINE)
    doc["ticks_per_day"] = 0
    doc["agent_configs"][1]["credit_limit"] = -5
    return doc, ["ticks_per_day", "agent_configs[1].credit_limit"]


@pytest.mark.parametrize("fmt", ["json", "yaml"])
@pytest.mark.parametrize("shape", ["scenario", "machine"])
def test_422_lists_the_cores_problems_with_their_paths(client, shape, fmt):
    doc, expected_paths = broken(shape)
    response = client.post("/simulations", **body(doc, fmt))
    assert response.status_code == 422, response.text
    ErrorBody.model_validate(response.json())
    error = response.json()["error"]
    assert error["code"] == "invalid_config"
    assert [p["path"] for p in error["problems"]] == expected_paths
    assert [(f["field"], f["message"]) for f in error["fields"]] == [
        (p["path"], p["message"]) for p in error["problems"]
    ]
    for problem in error["problems"]:
        assert problem["message"] in error["message"]
    # Exactly what the library raises for the same document.
    with pytest.raises(ValueError) as raised:
        SimulationConfig.model_validate(doc)
    assert error["problems"] == raised.value.problems


@pytest.mark.parametrize("fmt", ["json", "yaml"])
@pytest.mark.parametrize("shape", ["scenario", "machine"])
def test_either_shape_in_either_format_creates_the_same_simulation(client, shape, fmt):
    reference = client.post("/simulations", json=SCENARIO).json()["simulation_id"]
    response = client.post("/simulations", **body(SCENARIO if shape == "scenario" else MACHINE, fmt))
    assert response.status_code == 200, response.text
    sim = response.json()["simulation_id"]
    for which in (reference, sim):
        client.post(f"/simulations/{which}/tick", params={"n": 10})
    assert client.get(f"/simulations/{sim}/stats").json() == client.get(f"/simulations/{reference}/stats").json()


def test_the_stored_configuration_is_the_cores_machine_json(client):
    from payment_simulator.api.deps import service_of

    sim = client.post("/simulations", **body(SCENARIO, "yaml")).json()["simulation_id"]
    stored = service_of(client.app).store.load(sim)
    assert stored.config.encode() == SimulationConfig.model_validate(SCENARIO).machine_json


@pytest.mark.parametrize(
    "content, content_type",
    [("simulation: [unclosed", "application/yaml"), ('{"simulation": ', "application/json")],
)
def test_text_in_neither_format_is_malformed_body(client, content, content_type):
    response = client.post("/simulations", content=content, headers={"content-type": content_type})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "malformed_body"
    assert error["message"].startswith("the request body: ")


def _refs(node):
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_openapi_describes_the_body_with_the_cores_schema(client):
    spec = client.get("/openapi.json").json()
    components = spec["components"]["schemas"]
    core = config_schema()
    root = {k: v for k, v in core.items() if k not in ("$defs", "definitions", "$schema", "$id")}
    assert set(components["SimulationConfig"]) == set(root)
    for ref in _refs(spec):  # every reference, the core's included, resolves to a component
        assert ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[1] in components, ref
    content = spec["paths"]["/simulations"]["post"]["requestBody"]["content"]
    assert {media["schema"]["$ref"] for media in content.values()} == {"#/components/schemas/SimulationConfig"}


def test_config_components_hoists_definitions_and_renames_clashes():
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Document",
        "anyOf": [{"$ref": "#/$defs/Scenario"}, {"$ref": "#/$defs/ErrorBody"}],
        "$defs": {
            "Scenario": {"type": "object", "properties": {"self": {"$ref": "#"}}},
            "ErrorBody": {"type": "object", "properties": {"s": {"$ref": "#/$defs/Scenario"}}},
        },
    }
    components = config_components(schema, {"ErrorBody"})
    assert components == {
        "Scenario": {"type": "object", "properties": {"self": {"$ref": "#/components/schemas/SimulationConfig"}}},
        "Config.ErrorBody": {"type": "object", "properties": {"s": {"$ref": "#/components/schemas/Scenario"}}},
        "SimulationConfig": {
            "title": "Document",
            "anyOf": [{"$ref": "#/components/schemas/Scenario"}, {"$ref": "#/components/schemas/Config.ErrorBody"}],
        },
    }
