"""The REST service as a real process: ``python -m payment_simulator.api`` (what the
``payment-sim-api`` script runs) on a free loopback port, with its data directory under
tmp_path. ``start_server(data_dir, **env)`` returns a running :class:`Server`; every server a
test started is killed at its end."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

STARTUP_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, data_dir: Path, log: Path, env: dict[str, str], args: list[str]):
        self.data_dir = data_dir
        self.log = log
        self.env = env
        self.args = args
        self.proc: subprocess.Popen | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self, **kwargs) -> httpx.Client:
        # trust_env=False: never route loopback requests through a proxy from the environment.
        return httpx.Client(base_url=self.url, timeout=60.0, trust_env=False, **kwargs)

    def command(self, port: int) -> list[str]:
        # No --host: the default (127.0.0.1) is what these tests connect to.
        return [
            sys.executable,
            "-m",
            "payment_simulator.api",
            "--port",
            str(port),
            "--data-dir",
            str(self.data_dir),
            *self.args,
        ]

    def start(self) -> Server:
        for _attempt in range(3):  # the free port may be taken between probing and binding
            self.port = free_port()
            with open(self.log, "ab") as log:
                self.proc = subprocess.Popen(
                    self.command(self.port), env=self.env, stdout=log, stderr=subprocess.STDOUT
                )
            if self._wait_healthy():
                return self
            if b"address already in use" not in self.log.read_bytes().lower():
                break
        raise RuntimeError(f"server did not start (exit {self.proc.poll()}):\n{self.log.read_text(errors='replace')}")

    def _wait_healthy(self) -> bool:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        with self.client() as client:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    return False
                try:
                    if client.get("/health", timeout=2.0).status_code == 200:
                        return True
                except httpx.TransportError:
                    pass
                time.sleep(0.05)
        self.kill()
        return False

    def kill(self) -> int:
        """SIGKILL: no shutdown code runs, nothing is flushed by the server."""
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        return self.proc.wait(timeout=30) if self.proc is not None else 0

    def stop(self) -> int:
        """SIGTERM: a graceful shutdown."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=30) if self.proc is not None else 0


@pytest.fixture
def start_server(tmp_path):
    servers: list[Server] = []

    def start(data_dir: Path | None = None, *args: str, command=None, **env: str) -> Server:
        """``command(port)``, if given, replaces the usual command line."""
        environ = {
            k: v for k, v in os.environ.items() if not k.startswith("PSIM_") or k in ("PSIM_LIBRARY", "PSIM_HEADER")
        }
        environ.update(env)
        log = tmp_path / f"server-{len(servers)}.log"
        server = Server(data_dir or tmp_path / "data", log, environ, list(args))
        if command is not None:
            server.command = command
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.kill()
