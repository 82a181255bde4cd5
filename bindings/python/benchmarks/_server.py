"""Starting a real payment-sim-api process for the benchmarks (loopback only)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data_dir: str, *options: str) -> tuple[subprocess.Popen, str]:
    """A server on a free loopback port with ``options`` added to its command line; returns the
    process and its URL once /health answers (60 s at most)."""
    port = free_port()
    command = [sys.executable, "-m", "payment_simulator.api", "--port", str(port), "--data-dir", data_dir]
    proc = subprocess.Popen([*command, "--log-level", "warning", *options], stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    with httpx.Client(base_url=url, trust_env=False) as client:
        while time.monotonic() < deadline:
            try:
                if client.get("/health").status_code == 200:
                    return proc, url
            except httpx.TransportError:
                time.sleep(0.05)
    proc.kill()
    raise RuntimeError("the server did not start")
