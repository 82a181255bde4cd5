"""The shipped scenarios: the repository's ``examples/scenarios/*.yaml``, copied into the
package (``payment_simulator/scenarios/``) when the wheel is built (mk/python.mk), listed by
``GET /scenarios`` and returned as text by ``GET /scenarios/{name}`` for the dashboard to
create from (``POST /simulations`` with the text, as for any pasted scenario)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Response

from .errors import ApiError
from .models import ScenarioList
from .routes import _errors

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"

router = APIRouter()


def shipped() -> dict[str, Path]:
    """Name (the file's stem) → file, in name order; empty when the package ships none."""
    if not SCENARIO_DIR.is_dir():
        return {}
    return {p.stem: p for p in sorted(SCENARIO_DIR.glob("*.yaml"))}


@router.get("/scenarios", response_model=ScenarioList, responses=_errors(), summary="List shipped scenarios")
async def list_scenarios() -> dict:
    return {"scenarios": list(shipped())}


@router.get(
    "/scenarios/{name}",
    response_class=Response,
    responses={
        **_errors(404, 422),  # 422: FastAPI documents one for every path parameter
        200: {"content": {"application/yaml": {"schema": {"type": "string"}}}, "description": "The scenario"},
    },
    summary="A shipped scenario's text",
)
async def get_scenario(name: str) -> Response:
    """The scenario file as shipped (YAML), to read or to POST to /simulations."""
    path = shipped().get(name)  # only listed names: never a path built from the request
    if path is None:
        raise ApiError(404, "scenario_not_found", f"no shipped scenario named {name!r}")
    return Response(path.read_bytes(), media_type="application/yaml")


__all__ = ["router", "shipped", "SCENARIO_DIR"]
