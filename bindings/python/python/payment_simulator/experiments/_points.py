"""The experiment's texts and the two core calls a runner needs: the points
(``psim_experiment_expand_json``) and one point's record (``psim_experiment_run_point_json``).
:func:`run_point` is what executors run: a top-level function of plain bytes in and a dict out,
so it pickles to any process or machine, which loads the library itself."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Union

from .._json import dumps
from ..errors import InvalidConfigError

ExperimentLike = Union[Mapping, str, os.PathLike]


def _read(path: Path, what: str) -> bytes:
    if not path.is_file():
        raise FileNotFoundError(2, f"{what} file not found", str(path))
    return path.read_bytes()


def experiment_texts(experiment: ExperimentLike) -> tuple[bytes, bytes | None]:
    """The experiment's text and, when its ``scenario`` is a path, that file's text (the core
    reads no files). ``experiment`` is a dict (a ``scenario`` path is relative to the current
    directory) or the path of a YAML/JSON file (a ``scenario`` path is relative to the file)."""
    if isinstance(experiment, Mapping):
        text = dumps(experiment, InvalidConfigError, "the experiment")
        scenario, where = experiment.get("scenario"), Path.cwd()
    else:
        path = Path(experiment)
        text = _read(path, "experiment")
        import yaml  # a dependency of the package

        try:
            doc = yaml.safe_load(text)
        except yaml.YAMLError:
            doc = None  # the core reports the syntax
        scenario = doc.get("scenario") if isinstance(doc, dict) else None
        where = path.parent
    text = text.encode("utf-8") if isinstance(text, str) else text
    if isinstance(scenario, (str, os.PathLike)):
        base = Path(scenario)
        return text, _read(base if base.is_absolute() else where / base, "base scenario")
    return text, None


def _base_arg(base: bytes | None):
    from .._core import ffi

    return ffi.NULL if base is None else base


def expand(experiment: ExperimentLike, allow_large: bool = False) -> dict[str, Any]:
    """Check the experiment and every point; return ``{"axes": [...], "count": N, "points":
    [{"index": i, "values": {axis: value}}]}``, points in their fixed order.

    Raises InvalidConfigError with every problem naming the axis and value (``axes[1]``,
    ``seeds``, ``scenario.…``); more points than the core's limit need ``allow_large``."""
    text, base = experiment_texts(experiment)
    return expand_texts(text, base, allow_large)


def expand_texts(text: bytes, base: bytes | None, allow_large: bool) -> dict[str, Any]:
    from .._core import _check, _take_string, ffi, lib

    out = ffi.new("char **")
    _check(lib.psim_experiment_expand_json(text, _base_arg(base), 1 if allow_large else 0, out))
    return json.loads(_take_string(out))


def resolve_texts(text: bytes, base: bytes | None) -> bytes:
    """The experiment as one JSON document with its base inline (``psim_experiment_resolve_json``):
    what the runner ships to workers, so that each parses JSON, not the base's YAML, per point."""
    from .._core import _check, _take_bytes, ffi, lib

    out = ffi.new("char **")
    _check(lib.psim_experiment_resolve_json(text, _base_arg(base), out))
    return _take_bytes(out)


def run_point(text: bytes, base: bytes | None, index: int) -> dict[str, Any]:
    """Run point ``index`` and return its record (``status`` ``ok`` with ``system`` and
    ``participants``, or ``failed`` with ``error``): the same in any process."""
    from .._core import _check, _take_string, ffi, lib

    out = ffi.new("char **")
    _check(lib.psim_experiment_run_point_json(text, _base_arg(base), index, out))
    return json.loads(_take_string(out))
