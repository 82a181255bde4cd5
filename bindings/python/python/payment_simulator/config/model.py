""":class:`SimulationConfig`: a configuration the core has validated, held as its machine JSON.

The core reads every configuration document (``psim_config_normalize``: scenario or machine
format, YAML or JSON) and returns the validated machine format with every default filled in.
A SimulationConfig keeps exactly those bytes: ``Orchestrator.new(config)`` hands them back to
the core unchanged, and the typed views (``.simulation``, ``.agents``, ``.costs``, ``.lsm``)
are built only when first asked for, so a large network costs one parse in the core, not
millions of Python objects.

This module needs the native library only when a document is validated (it imports
``payment_simulator._core`` then), so the views and the class itself import without it; the
views (pydantic) are imported when first built, so loading and running a configuration never
pays for them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._json import dumps
from ..errors import InvalidConfigError, InvalidJsonError, InvalidUtf8Error, Problem

if TYPE_CHECKING:
    from .schemas import AgentConfig, CostConfig, LsmConfig, SimulationParams


def _normalize(document: str | bytes) -> bytes:
    from .._core import normalize_config  # the library is loaded on first use only

    return normalize_config(document)


def _problem_line(problem: Problem) -> str:
    # The core's messages usually start with their path already; never print it twice.
    path, message = problem["path"], problem["message"]
    return message if not path or message.startswith(path) else f"{path}: {message}"


@contextmanager
def with_source(source: str | None) -> Iterator[None]:
    """Errors about a document read from ``source`` (a file name) name it; their problems, with
    the core's paths, are kept as they are. ``None`` changes nothing."""
    try:
        yield
    except InvalidConfigError as e:
        if source is None:
            raise
        listing = "\n".join(f"  - {_problem_line(p)}" for p in e.problems)
        raise InvalidConfigError(f"{source}: invalid configuration:\n{listing}", e.problems) from None
    except (InvalidJsonError, InvalidUtf8Error) as e:
        if source is None:
            raise
        raise type(e)(f"{source}: {e}", e.problems) from None


def read_config_file(path: str | Path) -> bytes:
    """A configuration file's bytes (the core decodes and parses them)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(2, "configuration file not found", str(path))
    return path.read_bytes()


class SimulationConfig:
    """A validated configuration: the core's normalised machine-format JSON, with typed views.

    Make one with :func:`~payment_simulator.config.load_config` (a file),
    ``SimulationConfig.model_validate(dict)`` (either shape), ``SimulationConfig(simulation=…,
    agents=…)`` or :meth:`from_text` (YAML or JSON). The core validates each:
    :class:`~payment_simulator.errors.InvalidConfigError` lists every problem with its path.

    Immutable: two configs are equal when the core normalised them to the same document.
    """

    __slots__ = ("_machine_json", "_views")

    def __init__(self, **document: Any):
        """Validate a document given as keyword arguments, in either shape:
        ``SimulationConfig(simulation={...}, agents=[...], costs={...})``."""
        self._set(_normalize(dumps(document, InvalidConfigError, "the configuration")))

    def _set(self, machine_json: bytes) -> None:
        self._machine_json = machine_json
        self._views: tuple[SimulationParams, tuple[AgentConfig, ...], CostConfig, LsmConfig] | None = None

    # -- making one --

    @classmethod
    def _from_normalized(cls, machine_json: bytes) -> SimulationConfig:
        self = cls.__new__(cls)
        self._set(machine_json)
        return self

    @classmethod
    def from_text(cls, text: str | bytes, source: str | None = None) -> SimulationConfig:
        """Validate a document given as YAML or JSON text (either shape); errors name
        ``source`` when given."""
        with with_source(source):
            return cls._from_normalized(_normalize(text))

    @classmethod
    def from_file_text(cls, text: str | bytes, path: str | Path) -> SimulationConfig:
        """:meth:`from_text` for the text of the file ``path``: the files it names (policy
        files) are read relative to it (``psim_config_normalize_at``); errors name it."""
        from .._core import normalize_config_at

        with with_source(str(path)):
            return cls._from_normalized(normalize_config_at(text, Path(path).parent))

    @classmethod
    def model_validate(cls, obj: SimulationConfig | Mapping[str, Any]) -> SimulationConfig:
        """Validate a dict of either shape (scenario or machine format); a SimulationConfig is
        returned as it is."""
        if isinstance(obj, cls):
            return obj
        return cls._from_normalized(_normalize(dumps(obj, InvalidConfigError, "the configuration")))

    from_rust_dict = model_validate  # a machine-format dict is one of the two shapes

    @staticmethod
    def json_schema() -> dict[str, Any]:
        """The JSON Schema of the documents the core accepts (either shape), generated by the
        core from its own types: for editors, OpenAPI and code generators. Validation itself
        is the core's (:meth:`model_validate`)."""
        from .._core import config_schema

        return config_schema()

    # -- what the core gave --

    @property
    def machine_json(self) -> bytes:
        """The normalised machine-format JSON, exactly as the core wrote it (UTF-8)."""
        return self._machine_json

    def to_json(self) -> str:
        """:attr:`machine_json` as text."""
        return self._machine_json.decode("utf-8")

    def to_rust_dict(self) -> dict[str, Any]:
        """The machine format (``ticks_per_day`` / ``agent_configs`` / ...) as a new dict."""
        return json.loads(self._machine_json)

    # -- typed views, built on first use --

    def _parts(self) -> tuple[SimulationParams, tuple[AgentConfig, ...], CostConfig, LsmConfig]:
        if self._views is None:
            from .schemas import AgentConfig, CostConfig, LsmConfig, SimulationParams

            machine = json.loads(self._machine_json)
            self._views = (
                SimulationParams.view(machine),
                tuple(AgentConfig.view(agent) for agent in machine["agent_configs"]),
                CostConfig.view(machine["cost_rates"]),
                LsmConfig.view(machine["lsm"]),
            )
        return self._views

    @property
    def simulation(self) -> SimulationParams:
        return self._parts()[0]

    @property
    def agents(self) -> list[AgentConfig]:
        return list(self._parts()[1])

    @property
    def costs(self) -> CostConfig:
        return self._parts()[2]

    @property
    def lsm(self) -> LsmConfig:
        return self._parts()[3]

    def model_dump(self, *, exclude_none: bool = False) -> dict[str, Any]:
        """The configuration in the scenario format, every default written out; the core reads
        it back to this same configuration."""
        simulation, agents, costs, lsm = self._parts()
        dumped = {
            "simulation": simulation.model_dump(),
            "agents": [agent.model_dump(exclude_none=exclude_none) for agent in agents],
            "costs": costs.model_dump(),
            "lsm": lsm.model_dump(),
        }
        # Timed inputs are the core's documents, passed on as it wrote them.
        machine = json.loads(self._machine_json)
        events = machine.get("scenario_events")
        if events:
            dumped["scenario_events"] = events
        # So is a network description (docs/model.md § Traffic), and the cap on arrivals.
        if machine.get("network") is not None:
            dumped["network"] = machine["network"]
        if machine.get("max_expected_arrivals") is not None:
            dumped["simulation"]["max_expected_arrivals"] = machine["max_expected_arrivals"]
        return dumped

    # -- value semantics --

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SimulationConfig):
            return NotImplemented
        return self._machine_json == other._machine_json

    def __hash__(self) -> int:
        return hash(self._machine_json)

    def __repr__(self) -> str:
        return f"<SimulationConfig: {len(self._machine_json):,} bytes of machine JSON>"


__all__ = ["SimulationConfig", "read_config_file", "with_source"]
