"""``GET /simulations/{id}/report``: the run report, the same self-contained HTML page as
``payment-sim report``, written by the library (``psim_sim_report_html``) in the thread pool
like every other engine call. Paths are drawn only when the simulation recorded its time series
from the start (``POST /simulations/{id}/timeseries`` before the first tick; the dashboard does
so for the simulations it creates); otherwise the page says none was recorded."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from .routes import Gate, Service, SimulationId, _errors

router = APIRouter()


@router.get(
    "/simulations/{simulation_id}/report",
    response_class=Response,
    responses={
        **_errors(404, 422, 500),
        200: {"content": {"text/html": {"schema": {"type": "string"}}}, "description": "The report page"},
    },
    summary="The run report (HTML, to download)",
)
async def get_report(
    simulation_id: SimulationId,
    service: Service,
    gate: Gate,
    # The library checks `top` (at least 1) and answers 422 with its message: no bound restated here.
    top: Annotated[int, Query(description="Participants drawn in the charts (at least 1)")] = 10,
) -> Response:
    """One HTML page (inline CSS and SVG, no script, no external URL) laying out the core's
    statistics, indicators, time series and events of the run so far."""
    html = await gate.run(simulation_id, service.report_html, simulation_id, top)
    return Response(
        html,
        media_type="text/html; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="payment-sim-report-{simulation_id}.html"'},
    )


__all__ = ["router"]
