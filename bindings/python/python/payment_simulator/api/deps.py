"""Where an app keeps its settings and its :class:`SimulationService`.

Both are created on first need: by the lifespan when a server starts, or by the first request
when an app is driven without one (``TestClient(app)`` outside a ``with`` block). An app made
without explicit settings reads them from the environment at that moment.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from starlette.concurrency import run_in_threadpool

from .service import SimulationService
from .settings import Settings

T = TypeVar("T")


class SimulationGate:
    """Requests to one simulation wait here, on the event loop, for their turn; only the one
    whose turn it is takes a worker thread. Without it, a burst of requests to one busy
    simulation would hold the whole thread pool while they wait for its lock, and requests to
    other simulations would queue behind them. (The service's own per-simulation lock still
    makes each operation atomic for any other caller.)"""

    def __init__(self) -> None:
        self._slots: dict[str, list] = {}  # id -> [asyncio.Lock, requests using it]; loop-only
        self._documents: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None

    def documents(self, limit: int) -> asyncio.Semaphore:
        """The slots for reading configuration documents (``limit`` at once): the core's reader
        needs up to ~12× a document's size while it works, so these wait on the event loop
        rather than add up in memory. (One per event loop: an app may outlive its loop.)"""
        loop = asyncio.get_running_loop()
        if self._documents is None or self._documents[0] is not loop:
            self._documents = (loop, asyncio.Semaphore(limit))
        return self._documents[1]

    async def run(self, sim_id: str, fn: Callable[..., T], *args: Any) -> T:
        slot = self._slots.get(sim_id)
        if slot is None:
            slot = self._slots[sim_id] = [asyncio.Lock(), 0]
        slot[1] += 1
        try:
            async with slot[0]:
                return await run_in_threadpool(fn, *args)
        finally:
            slot[1] -= 1
            if slot[1] == 0:
                del self._slots[sim_id]


def init_state(app: FastAPI, settings: Settings | None) -> None:
    app.state.psim_fixed_settings = settings
    app.state.psim_settings = settings
    app.state.psim_service = None
    app.state.psim_lock = threading.Lock()
    app.state.psim_gate = SimulationGate()


def settings_of(app: FastAPI) -> Settings:
    settings = app.state.psim_settings
    if settings is None:
        with app.state.psim_lock:
            if app.state.psim_settings is None:
                app.state.psim_settings = Settings.from_env()
            settings = app.state.psim_settings
    return settings


def service_of(app: FastAPI) -> SimulationService:
    service = app.state.psim_service
    if service is None:
        settings = settings_of(app)
        with app.state.psim_lock:
            if app.state.psim_service is None:
                app.state.psim_service = SimulationService(settings)
            service = app.state.psim_service
    return service


def reset_service(app: FastAPI) -> None:
    """Close the app's service (its simulations stay stored); the next request opens it again,
    re-reading the environment if the app was made without explicit settings."""
    with app.state.psim_lock:
        service, app.state.psim_service = app.state.psim_service, None
        app.state.psim_settings = app.state.psim_fixed_settings
        if app.state.psim_fixed_settings is None:
            app.openapi_schema = None  # it states limits, which the environment may change
    if service is not None:
        service.close()


async def get_service(request: Request) -> SimulationService:
    """FastAPI dependency (async: it runs on the event loop, costing no thread hop)."""
    return service_of(request.app)


async def get_gate(request: Request) -> SimulationGate:
    return request.app.state.psim_gate


__all__ = ["init_state", "settings_of", "service_of", "reset_service", "get_service", "get_gate", "SimulationGate"]
