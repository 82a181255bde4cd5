"""The REST service: ``payment_simulator.api.main:app`` (FastAPI), started by ``payment-sim-api``.

Modules: ``app`` (the application factory), ``routes`` (endpoints), ``models`` (request and
response bodies), ``errors`` (the one error shape), ``service`` (simulations, locks, limits),
``persistence`` (SQLite), ``auth`` (bearer token and body-size guards), ``settings``.
Importing this package loads nothing; ``create_app`` and ``main`` need libpayment_sim.
"""


def __getattr__(name: str):
    if name in ("create_app", "Settings"):
        from .app import create_app
        from .settings import Settings

        return {"create_app": create_app, "Settings": Settings}[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["create_app", "Settings"]
