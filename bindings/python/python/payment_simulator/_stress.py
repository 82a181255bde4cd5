"""The automated stress tester: :func:`stress` runs a benchmark configuration and every variant
of a stress definition in the core (``psim_stress_run``), in parallel over native threads (cffi
releases the GIL for the call), and returns the core's report. The core expands, runs, compares
and ranks; this only hands the documents over. ``docs/model.md`` § Stress testing defines the
report's figures; :func:`payment_simulator.frames.stress_to_pandas` makes a DataFrame of it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ._core import _check, _document_bytes, _take_string, config_document, ffi, lib
from ._json import dumps
from .config.model import SimulationConfig
from .errors import InvalidArgumentError, InvalidConfigError

_U32_MAX = 2**32 - 1


def _stress_document(definition: Mapping | str | os.PathLike | bytes) -> tuple[bytes, str | None]:
    if isinstance(definition, (str, os.PathLike)):
        path = Path(definition)
        if not path.is_file():
            raise FileNotFoundError(2, "stress definition file not found", str(path))
        return path.read_bytes(), os.fspath(definition)
    if isinstance(definition, bytes):
        return definition, None
    return _document_bytes(dumps(definition, InvalidConfigError, "the stress definition")), None


def stress(
    config: SimulationConfig | Mapping | str | os.PathLike,
    definition: Mapping | str | os.PathLike | bytes,
    threads: int | None = None,
    progress: Callable[[int, int], Any] | None = None,
) -> dict:
    """Run the stress test of ``definition`` against the benchmark ``config`` and return the
    report (a dict: ``benchmark``, ``variants``, ``rankings``; docs/json.md § Stress report).

    - ``config``: what :class:`~payment_simulator.Orchestrator` accepts (a loaded configuration,
      a dict of either shape, or a path to a scenario file).
    - ``definition``: a dict such as ``{"scenarios": [{"type": "outage", "participants": "all",
      "from_tick": 10, "to_tick": 60}]}``, a path to a YAML/JSON file, or its text as bytes.
    - ``threads``: native threads to run on; ``None`` or 0 = the machine's cores. The report
      is the same whatever the number.
    - ``progress``: called as ``progress(done, total)`` as runs finish, on the calling thread
      (the last call has ``done == total``); an exception in it is printed and ignored.

    Raises InvalidConfigError with every problem and its path (``scenarios[0].to_tick``, …)
    for a definition or configuration that breaks a rule; nothing is run then."""
    document, source = config_document(config)
    stress_text, stress_source = _stress_document(definition)
    count = 0 if threads is None else int(threads)
    if not 0 <= count <= _U32_MAX:
        raise InvalidArgumentError(f"threads must be between 0 and {_U32_MAX} (got {count})")
    callback = ffi.NULL
    if progress is not None:
        callback = ffi.callback("void(uint64_t, uint64_t, void *)", lambda done, total, _: progress(done, total))
    out = ffi.new("char **")
    # The core's problems carry their paths (`scenarios[0].…` for the definition); they are not
    # wrapped as the file's "invalid configuration", which would misname a definition's.
    _check(
        lib.psim_stress_run(
            _document_bytes(document, source or "the configuration"),
            _document_bytes(stress_text, stress_source or "the stress definition"),
            count,
            callback,
            ffi.NULL,
            out,
        )
    )
    return json.loads(_take_string(out))


__all__ = ["stress"]
