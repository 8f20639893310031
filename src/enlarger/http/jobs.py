"""``GET /v1/jobs/{id}``: a job's status, attempts, timings and errors."""

from __future__ import annotations

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from enlarger.catalog.repository import JobReport, job_report
from enlarger.errors import NotFound
from enlarger.http.images import ImagesAPI
from enlarger.services import Services


def job_routes(services: Services, api: ImagesAPI) -> list[Route]:
    async def show(request: Request) -> Response:
        await api.authorize(request)
        job_id = request.path_params["job_id"]

        def load() -> JobReport | None:
            with services.sessions() as session:
                return job_report(session, job_id)

        report = await anyio.to_thread.run_sync(load)
        if report is None:
            raise NotFound(f"no job with id {job_id!r}", id=job_id)
        return JSONResponse(report.as_dict())

    return [Route("/v1/jobs/{job_id}", show, methods=["GET"])]
