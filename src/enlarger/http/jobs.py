"""``GET /v1/jobs/{id}``: a job's status, attempts, timings and errors."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from enlarger.catalog.jobs import job_report
from enlarger.catalog.types import Session, sessionmaker
from enlarger.errors import NotFound, clipped
from enlarger.http.auth import Authorize
from enlarger.http.sessions import in_session


def job_routes(sessions: sessionmaker[Session], authorize: Authorize) -> list[Route]:
    async def show(request: Request) -> Response:
        await authorize(request)
        job_id = request.path_params["job_id"]
        report = await in_session(sessions, lambda session: job_report(session, job_id))
        if report is None:
            raise NotFound(f"no job with id {clipped(job_id)!r}", id=clipped(job_id))
        return JSONResponse(report.as_dict())

    return [Route("/v1/jobs/{job_id}", show, methods=["GET"])]
