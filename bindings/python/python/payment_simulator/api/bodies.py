"""Request bodies: which format a request declares, and reading transaction bodies.

A configuration body (``POST /simulations``) is not read here: its bytes go to the core
(``psim_config_normalize``), the one reader of configuration documents. A transaction body is
read here, because the C ABI takes transactions as JSON only (``psim_sim_submit``): JSON
strictly (a repeated key or NaN is an error, as in the core), YAML as the core reads YAML —
the 1.2 core schema (``1e5`` a number; ``yes``, ``017``, ``1_000`` strings; a repeated key an
error), not PyYAML's default YAML 1.1.

A transaction is a handful of fields: its body is refused (413) beyond
``Settings.max_transaction_bytes`` (64 KiB) before it is parsed, and it is parsed in a worker
thread, never on the event loop, so no body can stall other requests.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, Literal

import yaml
from starlette.requests import Request

from .errors import ApiError

YAML_TYPES = frozenset({"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"})

BodyFormat = Literal["json", "yaml"]


def body_format(request: Request) -> BodyFormat:
    """``"yaml"`` or ``"json"`` from the Content-Type (none means JSON); 415 for anything else."""
    content_type = request.headers.get("content-type", "")
    media = content_type.split(";")[0].strip().lower()
    if media in YAML_TYPES:
        return "yaml"
    if media in ("", "application/json") or (media.startswith("application/") and media.endswith("+json")):
        return "json"
    raise ApiError(
        415,
        "unsupported_media_type",
        f"the body must be JSON (application/json) or YAML (application/yaml), not {content_type!r}",
    )


# --- transaction bodies --------------------------------------------------------------------


# libyaml's parser when PyYAML has it (the wheels do): the C scanner is ~10× faster than the
# pure-Python one; resolution and construction (below) stay the same Python code either way.
_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Yaml12Loader(_BaseLoader):  # type: ignore[misc,valid-type]
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
        if not isinstance(key_node, yaml.ScalarNode):  # `{[1]: 1}`: a key is a field name
            kind = "sequence" if isinstance(key_node, yaml.SequenceNode) else "mapping"
            raise yaml.constructor.ConstructorError(
                None, None, f"a {kind} cannot be a key (keys are field names)", key_node.start_mark
            )
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


def read_transaction(raw: bytes, fmt: BodyFormat) -> Any:
    """A transaction body as plain Python data (FastAPI then checks its shape); 422
    ``malformed_body`` for text that is not UTF-8 or not well-formed."""
    try:
        text = raw.decode("utf-8")
        if fmt == "json":
            document = json.loads(text, object_pairs_hook=_json_pairs, parse_constant=_json_constant)
        else:
            document = yaml.load(text, Loader=_Yaml12Loader)
        # Escaped surrogate pairs ("\ud83d\udcb0") are one character; a lone one is none.
        json.dumps(document, ensure_ascii=False, default=str).encode("utf-8")
        return document
    except UnicodeEncodeError:
        message = f"the request body: malformed {fmt.upper()}: a lone surrogate escape is not a character"
        raise ApiError(422, "malformed_body", message) from None
    except UnicodeDecodeError as e:
        raise ApiError(422, "malformed_body", f"the request body is not UTF-8 ({e.reason})") from None
    except (yaml.YAMLError, ValueError) as e:  # ValueError: JSON syntax, a duplicate key, NaN
        raise ApiError(422, "malformed_body", f"the request body: malformed {fmt.upper()}: {e}") from None
    except RecursionError:
        raise ApiError(422, "malformed_body", f"the request body: {fmt.upper()} nested too deeply") from None


__all__ = ["YAML_TYPES", "BodyFormat", "body_format", "read_transaction"]
