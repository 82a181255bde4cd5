"""``app`` (for ``uvicorn payment_simulator.api.main:app``) and the ``payment-sim-api`` command.

    payment-sim-api [--host 127.0.0.1] [--port 8000] [--data-dir DIR] [--sync normal|full] [limits]

The data directory is ``--data-dir``, else ``PSIM_DATA_DIR``, else ``$XDG_DATA_HOME/payment-sim``
(``~/.local/share/payment-sim``). Every limit also has a ``PSIM_*`` environment variable; the
bearer token is only read from ``PSIM_API_TOKEN`` (a command line is visible to other users).
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import sys

from .app import create_app, service_of
from .persistence import DataDirInUseError, StorageError
from .settings import DATA_DIR_ENV, TOKEN_ENV, Settings

#: The app, configured from the environment when it starts (or on its first request).
app = create_app()

log = logging.getLogger("payment_simulator.api")

_LIMIT_HELP = {
    "max_simulations": "simulations held at once",
    "max_agents": "agents per simulation",
    "max_arrival_rate": "expected arrivals per tick per simulation (sum of rate_per_tick)",
    "max_transactions_per_tick": "expected transactions per tick per simulation (split parts at their maximum)",
    "max_transactions_per_request": "transactions one tick or run request may create",
    "max_live_transactions": "unsettled transactions one simulation may hold",
    "max_pending_actions": "entries waiting in one simulation's schedule",
    "max_events_in_memory": "events a simulation holds in memory (the rest are in the database)",
    "max_ticks_per_request": "n of POST .../tick",
    "max_run_ticks": "ticks of POST .../run",
    "max_body_bytes": "request body size",
    "max_transaction_bytes": "body size of POST .../transactions",
    "max_concurrent_creations": "POST /simulations bodies read at once (the others wait)",
    "snapshot_cost_ratio": "snapshot once engine time since the last snapshot is this multiple of its cost (0: off)",
    "snapshot_every_ops": "... or at the latest after this many logged changes",
    "snapshot_every_ticks": "... or this many ticks since its last snapshot",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="payment-sim-api",
        description="Serve payment-sim simulations over HTTP (FastAPI on uvicorn).",
        epilog=f"The bearer token comes from {TOKEN_ENV} only; limits also from PSIM_<NAME> variables.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.add_argument(
        "--data-dir", help=f"where simulations are stored (default ${DATA_DIR_ENV}, else ~/.local/share/payment-sim)"
    )
    parser.add_argument(
        "--sync",
        choices=("normal", "full"),
        help="normal (default): survives a killed server; full: also power loss (an fsync per change)",
    )
    parser.add_argument("--log-level", default="info", choices=("critical", "error", "warning", "info", "debug"))
    defaults = {f.name: f.default for f in dataclasses.fields(Settings)}
    for name, text in _LIMIT_HELP.items():
        kind = type(defaults[name])
        parser.add_argument(f"--{name.replace('_', '-')}", type=kind, help=f"{text} (default {defaults[name]})")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    import uvicorn

    overrides = {name: getattr(args, name) for name in (*_LIMIT_HELP, "data_dir", "sync")}
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s:     %(name)s: %(message)s")
    try:
        settings = Settings.from_env(**overrides)
        server_app = create_app(settings)
        service_of(server_app)  # open the data directory before binding: fail fast and clearly
    except (ValueError, DataDirInUseError, StorageError, OSError) as e:
        print(f"payment-sim-api: {e}", file=sys.stderr)
        return 2
    if args.host not in ("127.0.0.1", "localhost", "::1") and settings.api_token is None:
        log.warning("listening on %s without a token: set %s to require one", args.host, TOKEN_ENV)
    log.info("data directory: %s", settings.data_dir)
    uvicorn.run(server_app, host=args.host, port=args.port, log_level=args.log_level, workers=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
