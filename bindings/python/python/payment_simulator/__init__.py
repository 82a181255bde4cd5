"""payment_simulator: a deterministic RTGS payment-system simulator (Python bindings).

The native library is loaded on first use — by ``Orchestrator``, ``SimulationManager`` or
reading a configuration (the core is its one reader) — so importing this package, its errors
and its configuration views never fails for lack of it.
"""

from importlib import metadata as _metadata

from .errors import *  # noqa: F401,F403
from .errors import __all__ as _error_names

try:
    __version__ = _metadata.version("payment-simulator")
except _metadata.PackageNotFoundError:  # running from a source tree
    __version__ = "0+unknown"


def __getattr__(name: str):
    # Lazy: the native library is loaded only when the engine is actually used.
    if name == "Orchestrator":
        from ._core import Orchestrator

        return Orchestrator
    if name == "SimulationManager":
        from .lifecycle import SimulationManager

        return SimulationManager
    if name == "stress":
        from ._stress import stress

        return stress
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Orchestrator", "SimulationManager", "stress", "__version__", *_error_names]  # noqa: F405 - lazy names
