"""Python data to the JSON text the C ABI reads (pure Python: no native library needed)."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

from .errors import InvalidJsonError, InvalidUtf8Error, PaymentSimError


def _nonfinite_path(obj: Any, path: str = "") -> str | None:
    if isinstance(obj, float) and not math.isfinite(obj):
        return path
    items = obj.items() if isinstance(obj, Mapping) else enumerate(obj) if isinstance(obj, (list, tuple)) else ()
    for key, value in items:
        found = _nonfinite_path(value, f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}".lstrip("."))
        if found is not None:
            return found
    return None


# Characters JSON carries raw but YAML reads otherwise: DEL, the C1 controls and U+FFFE/U+FFFF
# (not printable in YAML), NEL, U+2028 and U+2029 (line breaks to libyaml, which would fold
# them). The core may read a document as YAML, a superset of JSON, so they are written as \u
# escapes (json.dumps already escapes the C0 controls): the same string to either parser.
_NOT_YAML_PRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufffe\uffff]")


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def utf8(text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as e:
        raise InvalidUtf8Error(f"not valid UTF-8 ({e.reason} at position {e.start})") from None


def dumps(obj: Mapping, error: type[PaymentSimError], what: str) -> bytes:
    """Compact UTF-8 JSON of a mapping. JSON has no NaN or infinity, so a non-finite number
    cannot reach the core: ``error`` names it, with its path, as the core names a bad field."""
    if not isinstance(obj, Mapping):
        raise TypeError(f"{what} must be a dict, not {type(obj).__name__}")
    return dumps_value(obj, error, what)


def dumps_value(obj: Any, error: type[PaymentSimError], what: str) -> bytes:
    """:func:`dumps` of any JSON value (a list item the core checks itself)."""
    try:
        text = json.dumps(obj, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except ValueError:
        path = _nonfinite_path(obj)
        message = f"{path or 'the value'} in {what} must be finite"
        raise error(message, [{"path": path or "", "message": message}]) from None
    except RecursionError:
        raise InvalidJsonError(f"{what} is nested too deeply") from None
    return utf8(_NOT_YAML_PRINTABLE.sub(_escape, text))


__all__ = ["dumps", "dumps_value", "utf8"]
