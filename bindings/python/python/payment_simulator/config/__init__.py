"""Configuration: loading documents through the core, and typed views of the result.

The core (``psim_config_normalize``) is the one reader and validator of configuration
documents; :class:`SimulationConfig` holds its normalised machine JSON, and the classes of
:mod:`.schemas` are typed, read-only views of it (imported on first use: they need pydantic,
which loading and running a configuration does not).
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .loader import load_config, parse_config
from .model import SimulationConfig

_VIEWS = (
    "SimulationParams",
    "AgentConfig",
    "PolicyConfig",
    "PolicyConfigFifo",
    "PolicyConfigDeadline",
    "PolicyConfigLiquidityAware",
    "PolicyConfigUrgentFirst",
    "PolicyConfigTree",
    "PolicyConfigHost",
    "SplitConfig",
    "AmountDistribution",
    "DistributionNormal",
    "DistributionLogNormal",
    "DistributionUniform",
    "ArrivalConfig",
    "CostConfig",
    "LsmConfig",
    "QueueDiscipline",
    "DeadlineMode",
    "EventRecording",
)

if TYPE_CHECKING:
    from .schemas import (  # noqa: F401
        AgentConfig,
        AmountDistribution,
        ArrivalConfig,
        CostConfig,
        DeadlineMode,
        DistributionLogNormal,
        DistributionNormal,
        DistributionUniform,
        EventRecording,
        LsmConfig,
        PolicyConfig,
        PolicyConfigDeadline,
        PolicyConfigFifo,
        PolicyConfigHost,
        PolicyConfigLiquidityAware,
        PolicyConfigTree,
        PolicyConfigUrgentFirst,
        QueueDiscipline,
        SimulationParams,
        SplitConfig,
    )


def __getattr__(name: str) -> Any:
    if name in _VIEWS or name == "schemas":
        schemas = import_module(f"{__name__}.schemas")  # (`from . import` would recurse here)
        return schemas if name == "schemas" else getattr(schemas, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["load_config", "parse_config", "SimulationConfig", *_VIEWS]
