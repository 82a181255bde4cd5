"""The boundary to libpayment_sim that every caller shares: the loaded library, statuses turned
into exceptions in one place (:func:`_check`, with the core's message and structured problems
from ``psim_last_error_json()``), handle accounting, conversions of strings and ids, and the
configuration documents the core reads (:func:`normalize_config`: the core is their one
reader). :mod:`._core` builds the :class:`~._core.Orchestrator` on it."""

from __future__ import annotations

import json
import operator
import os
import threading
from collections.abc import Mapping
from typing import Any

from . import _loader
from ._json import dumps, utf8
from .config.model import SimulationConfig, read_config_file, with_source
from .errors import (
    STATUS_EXCEPTIONS,
    InvalidArgumentError,
    InvalidConfigError,
    InvalidJsonError,
    PaymentSimError,
    UnknownAgentError,
)

ffi, lib, library_path = _loader.load()

_U64_MAX = 2**64 - 1
# Status values come from the declarations themselves (matched case-insensitively, whatever
# spelling cbindgen's enum renaming produced), never from numbers copied here.
_STATUS_NAMES: dict[int, str] = {
    int(getattr(lib, name)): name.upper() for name in dir(lib) if name.upper().startswith("PSIM_STATUS_")
}
_OK = next((value for value, name in _STATUS_NAMES.items() if name == "PSIM_STATUS_OK"), 0)


def native_version() -> str:
    """The library's version string (``psim_version()``)."""
    return ffi.string(lib.psim_version()).decode("utf-8")


def last_error() -> str:
    """The message of the last failed call on this thread (``psim_last_error()``)."""
    message = lib.psim_last_error()
    return ffi.string(message).decode("utf-8", "replace") if message != ffi.NULL else ""


def last_error_report() -> dict[str, Any]:
    """The last failed call on this thread as the core reports it (``psim_last_error_json()``):
    ``{"status", "message", "problems": [{"path", "message", "value"?}]}``; status
    ``PSIM_STATUS_OK`` and no problems after a successful call."""
    document = lib.psim_last_error_json()
    if document == ffi.NULL:  # never, by the contract
        return {"status": "", "message": last_error(), "problems": []}
    return json.loads(ffi.string(document).decode("utf-8", "replace"))


def _check(status: int) -> None:
    """Raise the exception for a non-OK status, with the library's message and problems."""
    if status == _OK:
        return
    name = _STATUS_NAMES.get(status)
    if name is None:  # not a status this package knows: say so, whatever the library said
        message = last_error()
        raise PaymentSimError(f"unknown status {status}" + (f": {message}" if message else ""))
    report = last_error_report()
    # The report belongs to this failure when it names the same status (it always should).
    problems = report["problems"] if report.get("status", "").upper() == name else None
    raise STATUS_EXCEPTIONS.get(name, PaymentSimError)(last_error() or name, problems or None)


# --- handle accounting (for leak tests) ----------------------------------------------------

_live = [0]
_live_lock = threading.Lock()


def live_handles() -> int:
    """How many simulation handles this process holds right now."""
    return _live[0]


# Defaults bind what the destructor needs: it may run during interpreter shutdown, when module
# globals are already gone.
def _free(raw, _sim_free=lib.psim_sim_free, _live=_live, _lock=_live_lock) -> None:
    _sim_free(raw)
    with _lock:
        _live[0] -= 1


def _own(raw):
    with _live_lock:
        _live[0] += 1
    return ffi.gc(raw, _free)


# --- conversions at the boundary -----------------------------------------------------------


def _agent_id(agent_id: str) -> bytes:
    if not isinstance(agent_id, str):
        raise TypeError(f"agent id must be a str, not {type(agent_id).__name__}")
    if "\0" in agent_id:  # no agent can have it (the core forbids NUL), and C would truncate it
        raise UnknownAgentError(f"unknown agent {json.dumps(agent_id)}")
    return utf8(agent_id)


def _u64(value: int, name: str) -> int:
    value = operator.index(value)
    if not 0 <= value <= _U64_MAX:
        raise InvalidArgumentError(f"{name} must be between 0 and {_U64_MAX} (got {value})")
    return value


def _take_bytes(out) -> bytes:
    """Copy the library-owned string in ``*out`` (UTF-8 bytes) and free it."""
    pointer, out[0] = out[0], ffi.NULL
    try:
        return ffi.string(pointer)
    finally:
        lib.psim_string_free(pointer)


def _take_string(out) -> str:
    """Copy the library-owned string in ``*out`` and free it."""
    return _take_bytes(out).decode("utf-8")


def _document_bytes(document: str | bytes, what: str = "the document") -> bytes:
    data = utf8(document) if isinstance(document, str) else bytes(document)
    if b"\0" in data:  # C would read only up to it
        raise InvalidJsonError(f"{what} contains a NUL character")
    return data


# --- configuration documents ---------------------------------------------------------------


def normalize_config(document: str | bytes) -> bytes:
    """The validated machine-format JSON (every default filled in) of a configuration
    document: scenario or machine format, YAML or JSON text (``psim_config_normalize``).

    Raises InvalidJsonError for text that is neither JSON nor YAML, InvalidConfigError with
    every problem and its path for a document that breaks a rule, InvalidUtf8Error for bytes
    that are not UTF-8."""
    out = ffi.new("char **")
    _check(lib.psim_config_normalize(_document_bytes(document), out))
    return _take_bytes(out)


def normalize_config_at(document: str | bytes, base_dir: str | os.PathLike) -> bytes:
    """:func:`normalize_config` for a document read from a file in ``base_dir``: the files it
    names (``policy: {file: ...}``, a network's ``flows_file``) are read relative to it and put
    inline by the core (``psim_config_normalize_at``)."""
    out = ffi.new("char **")
    _check(lib.psim_config_normalize_at(_document_bytes(document), utf8(os.fspath(base_dir)), out))
    return _take_bytes(out)


def config_schema() -> dict[str, Any]:
    """The JSON Schema of the documents :func:`normalize_config` accepts, generated by the core
    from its own types (``psim_config_schema``; the same text as docs/config.schema.json)."""
    out = ffi.new("char **")
    _check(lib.psim_config_schema(out))
    return json.loads(_take_string(out))


def merge_run_summaries(first: Mapping, then: Mapping) -> dict:
    """The summary of two consecutive budgeted runs as one (``psim_run_summary_merge``): what
    one run over both would report. A host that runs in slices reports the whole run with it."""
    out = ffi.new("char **")
    _check(
        lib.psim_run_summary_merge(
            dumps(first, InvalidArgumentError, "the first summary"),
            dumps(then, InvalidArgumentError, "the later summary"),
            out,
        )
    )
    return json.loads(_take_string(out))


def config_document(config: SimulationConfig | Mapping | str | os.PathLike) -> tuple[str | bytes, str | None]:
    """The configuration document the core reads for ``config`` (what :class:`Orchestrator`
    accepts), and the file it came from (``None`` when not a file)."""
    if isinstance(config, SimulationConfig):
        return config.machine_json, None
    if isinstance(config, (str, os.PathLike)):
        source = os.fspath(config)
        # Files it names (policy files) are read relative to it, and put inline by the core.
        with with_source(source):
            return normalize_config_at(read_config_file(source), os.path.dirname(source) or "."), source
    if hasattr(config, "to_rust_dict") and not isinstance(config, Mapping):  # a duck-typed config
        return dumps(config.to_rust_dict(), InvalidConfigError, "the configuration"), None
    return dumps(config, InvalidConfigError, "the configuration"), None
