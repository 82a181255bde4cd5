"""The payment-run endpoints (:mod:`.feeds`): upload a payment file and run fed from it with
per-payment results, continue it, and download its results and rejects."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from .models import PaymentRunResponse
from .routes import _UPLOAD_BODY, U64_MAX, Gate, ReadingOptions, Service, SimulationId, _errors, read_upload

router = APIRouter()

_MEDIA = {"csv": "text/csv", "jsonl": "application/x-ndjson", "parquet": "application/vnd.apache.parquet"}
_TICKS = Query(ge=1, le=U64_MAX, description="Ticks to run (default: to the horizon; at most max_run_ticks)")


@router.post(
    "/simulations/{simulation_id}/payment-run",
    response_model=PaymentRunResponse,
    responses=_errors(404, 409, 413, 415, 422, 500, 503),
    openapi_extra=_UPLOAD_BODY,
    summary="Upload a payment file and run fed from it, with per-payment results",
)
async def start_payment_run(
    simulation_id: SimulationId,
    request: Request,
    service: Service,
    gate: Gate,
    reading: ReadingOptions,
    ticks: Annotated[int | None, _TICKS] = None,
    results_format: Annotated[str, Query(description="csv or jsonl: how results and rejects are written")] = "csv",
) -> dict:
    """The body is the file (`text/csv` or `application/x-ndjson`, limits as `POST …/payments`),
    read by the core a business day at a time as the run advances, for `ticks` ticks or to the
    horizon, in slices within the run limits. Before the horizon the run is `suspended`:
    `POST …/payment-run/continue` goes on. A 422 lists every problem (`upload:LINE:COLUMN`);
    a file rejected up front changes nothing."""
    raw, file_format = await read_upload(request)
    options = {"format": file_format, **reading}
    return await gate.run(
        simulation_id, service.start_feed, simulation_id, raw, options, ticks, results_format
    )


@router.post(
    "/simulations/{simulation_id}/payment-run/continue",
    response_model=PaymentRunResponse,
    responses=_errors(404, 409, 422, 500, 503),
    summary="Continue a suspended payment run",
)
async def continue_payment_run(
    simulation_id: SimulationId, service: Service, gate: Gate, ticks: Annotated[int | None, _TICKS] = None
) -> dict:
    """Read the file on from where the run stopped, appending to its results and rejects."""
    return await gate.run(simulation_id, service.continue_feed, simulation_id, ticks)


@router.get(
    "/simulations/{simulation_id}/payment-run",
    response_model=PaymentRunResponse,
    responses=_errors(404, 422, 500),
    summary="The payment run's summary",
)
async def get_payment_run(simulation_id: SimulationId, service: Service, gate: Gate) -> dict:
    return await gate.run(simulation_id, service.feed_summary, simulation_id)


def _file_route(kind: str):
    async def download(
        simulation_id: SimulationId,
        service: Service,
        gate: Gate,
        format: Annotated[  # noqa: A002 - the query parameter's name
            Literal["csv", "jsonl", "parquet"] | None,
            Query(description="Default: as written; parquet from CSV results"),
        ] = None,
    ) -> Response:
        body, fmt = await gate.run(simulation_id, service.feed_file, simulation_id, kind, format)
        return Response(
            body,
            media_type=_MEDIA[fmt],
            headers={"Content-Disposition": f'attachment; filename="{kind}-{simulation_id}.{fmt}"'},
        )

    return download


router.get(
    "/simulations/{simulation_id}/payment-run/results",
    response_class=Response,
    responses={**_errors(404, 409, 422, 500), 200: {"description": "One row per payment ended so far, `id` the input's"}},
    summary="The payment run's per-payment results (CSV, JSON Lines or Parquet)",
)(_file_route("results"))
router.get(
    "/simulations/{simulation_id}/payment-run/rejects",
    response_class=Response,
    responses={**_errors(404, 409, 422, 500), 200: {"description": "The rows skipped, with line and reason"}},
    summary="The payment run's skipped rows",
)(_file_route("rejects"))


__all__ = ["router"]
