"""Many simulations in one process, by id (the seed's SimulationManager, made thread-safe)."""

from .manager import SimulationManager

__all__ = ["SimulationManager"]
