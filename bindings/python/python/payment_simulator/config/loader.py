"""Reading scenario files (YAML or JSON) into validated :class:`SimulationConfig` objects.

YAML is read with the YAML 1.2 core schema, the way serde_norway (the core's parser) reads it,
not PyYAML's default YAML 1.1: ``1e5`` is a number, ``yes``/``on``/``017``/``1_000`` are strings,
dates stay strings, and a repeated key is an error. So a file means the same here as in the CLI.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import InvalidConfigError, InvalidJsonError
from .schemas import SimulationConfig, is_scenario_document, machine_to_scenario


class _Yaml12Loader(yaml.SafeLoader):
    yaml_implicit_resolvers: dict = {}  # start empty: none of YAML 1.1's resolvers


for _tag, _regexp, _first in (
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("int", r"^[-+]?(?:0x[0-9a-fA-F]+|0o[0-7]+|0b[01]+|0|[1-9][0-9]*)$", "-+0123456789"),
    # Finite decimals as Rust's f64::from_str reads them; "0123" (leading zeros) stays a string.
    ("float", r"^(?![-+]?0[0-9]+$)[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$", "-+.0123456789"),
    ("float", r"^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", "-+."),
):
    _Yaml12Loader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(_regexp), list(_first))


def _construct_int(loader: yaml.SafeLoader, node: yaml.Node) -> int:
    return int(loader.construct_scalar(node), 0)


def _construct_float(loader: yaml.SafeLoader, node: yaml.Node) -> float | str:
    text = loader.construct_scalar(node)
    special = {".inf": math.inf, "+.inf": math.inf, "-.inf": -math.inf, ".nan": math.nan}
    if text.lower() in special:
        return special[text.lower()]
    value = float(text)
    return value if math.isfinite(value) else text  # serde_norway keeps 1e999 a string


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict:
    loader.flatten_mapping(node)
    result: dict = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
    return result


_Yaml12Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Yaml12Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)
_Yaml12Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict:
    result: dict = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _json_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _loc(loc: tuple) -> str:
    """``("agents", 0, "policy", "LiquidityAware", "target_buffer")`` -> ``agents[0].policy.target_buffer``."""
    out = ""
    for i, part in enumerate(loc):
        if isinstance(part, int):
            out += f"[{part}]"
        elif i > 0 and loc[i - 1] in ("policy", "distribution"):
            continue  # the discriminator's tag, which pydantic inserts into the path
        else:
            out += f".{part}" if out else str(part)
    return out


def error_fields(errors: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """``(field, problem)`` per problem of pydantic's ``errors()`` list (``field`` is ``""`` for a
    problem of the whole document), in the core's words where they differ."""
    pairs: list[tuple[str, str]] = []
    for e in errors:
        loc = tuple(e["loc"])
        if e["type"] in ("extra_forbidden", "missing") and loc:
            word = "unknown" if e["type"] == "extra_forbidden" else "missing"
            loc, messages = loc[:-1], [f"{word} field `{loc[-1]}`"]
        else:
            messages = e["msg"].removeprefix("Value error, ").splitlines()
        where = _loc(loc)
        pairs += [(where, m) for m in messages]
    return pairs


def describe_errors(error: ValidationError) -> list[str]:
    """One ``field: problem`` line per problem, in the core's words where they differ."""
    return [f"{where}: {m}" if where else m for where, m in error_fields(error.errors())]


def parse_config(text: str, *, fmt: str = "yaml", source: str = "<string>") -> SimulationConfig:
    """Parse and validate a scenario (or machine-format) document given as text.

    ``fmt`` is ``"yaml"`` or ``"json"``. Malformed text raises :class:`InvalidJsonError`, a
    document that breaks the rules :class:`InvalidConfigError`; both name ``source`` and the field.
    """
    return validate_document(read_document(text, fmt=fmt, source=source), source)


def read_document(text: str, *, fmt: str = "yaml", source: str = "<string>") -> Any:
    """Parse YAML (1.2, as the core reads it) or JSON text into plain Python data, unvalidated.

    Malformed text, a duplicate key or (in JSON) NaN/Infinity raise :class:`InvalidJsonError`.
    """
    if fmt not in ("json", "yaml"):
        raise ValueError(f"unknown format {fmt!r} (expected 'yaml' or 'json')")
    try:
        if fmt == "json":
            return json.loads(text, object_pairs_hook=_json_pairs, parse_constant=_json_constant)
        return yaml.load(text, Loader=_Yaml12Loader)
    except (yaml.YAMLError, ValueError) as e:  # ValueError: JSON syntax, a duplicate key, NaN
        raise InvalidJsonError(f"{source}: malformed {fmt.upper()}: {e}") from None
    except RecursionError:
        raise InvalidJsonError(f"{source}: {fmt.upper()} nested too deeply") from None


def validate_document(doc: Any, source: str = "the configuration") -> SimulationConfig:
    """Validate a parsed scenario or machine-format document; InvalidConfigError lists every
    problem with its field."""
    try:
        if not is_scenario_document(doc):
            doc = machine_to_scenario(doc)
        return SimulationConfig.model_validate(doc)
    except ValidationError as e:
        problems = describe_errors(e)
    except ValueError as e:
        problems = str(e).splitlines()
    listing = "\n".join(f"  - {p}" for p in problems)
    raise InvalidConfigError(f"{source}: invalid configuration:\n{listing}", problems) from None


def to_machine_dict(config: SimulationConfig | dict) -> dict:
    """The machine-format dict the C ABI takes, from a SimulationConfig, a scenario-format dict
    (validated here: InvalidConfigError) or a machine-format dict (passed on: the core validates)."""
    if isinstance(config, SimulationConfig):
        return config.to_rust_dict()
    if is_scenario_document(config):
        return validate_document(config).to_rust_dict()
    if isinstance(config, dict):
        return config
    raise TypeError(f"expected a SimulationConfig or a dict, got {type(config).__name__}")


def load_config(path: str | Path) -> SimulationConfig:
    """Load and validate a scenario file: JSON if it ends in ``.json``, YAML otherwise.

    Raises FileNotFoundError for a missing file, :class:`InvalidJsonError` for malformed text,
    and :class:`InvalidConfigError` (a ValueError) naming the file and every bad field.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(2, "configuration file not found", str(path))
    fmt = "json" if path.suffix.lower() == ".json" else "yaml"
    return parse_config(path.read_text(encoding="utf-8"), fmt=fmt, source=str(path))


__all__ = ["load_config", "parse_config", "validate_document", "to_machine_dict", "describe_errors", "error_fields", "read_document"]
