"""Configuration: loading documents through the core, and typed views of the result.

The core (``psim_config_normalize``) is the one reader and validator of configuration
documents; :class:`SimulationConfig` holds its normalised machine JSON, and the classes of
:mod:`.schemas` are typed, read-only views of it.
"""

from .loader import load_config, parse_config
from .model import SimulationConfig
from .schemas import (
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
    PolicyConfigLiquidityAware,
    QueueDiscipline,
    SimulationParams,
    SplitConfig,
)

__all__ = [
    "load_config",
    "parse_config",
    "SimulationConfig",
    "SimulationParams",
    "AgentConfig",
    "PolicyConfig",
    "PolicyConfigFifo",
    "PolicyConfigDeadline",
    "PolicyConfigLiquidityAware",
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
]
