"""The dashboard at `/ui/`: static files shipped in the package (no CDN, no build step), served
by the API process under the same token rules as every other path; the page calls the REST API
and shows its figures."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

UI_DIR = Path(__file__).parent / "ui"


def install_ui(app: FastAPI) -> None:
    """Serve the dashboard at `/ui/`."""
    app.mount("/ui", StaticFiles(directory=UI_DIR, html=True), name="ui")


__all__ = ["install_ui"]
