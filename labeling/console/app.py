"""The console's FastAPI application: the API and the pages (labeling/console/api.py, pages.py)
behind the sign-in of labeling/console/auth.py, with security headers on every response."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from detectors.registry import sedetect_home
from labeling.console.api import router as api_router
from labeling.console.pages import router as pages_router
from labeling.console.auth import Settings, load_roles, load_tokens
from labeling.queue import MissQueue, QueueError


def create_app(queue_path: Optional[str] = None, tokens: Optional[dict[str, str]] = None,
               model_uri: Optional[str] = None, max_upload_bytes: int = 25 << 20,
               roles: Optional[dict[str, str]] = None) -> FastAPI:
    """The console over the miss queue at ``queue_path``; ``tokens`` (token -> analyst) and
    ``roles`` (analyst -> role) from the SEDETECT_CONSOLE_TOKENS file when not given."""
    if tokens is None:
        tokens, roles = load_tokens(), load_roles()
    settings = Settings(Path(queue_path) if queue_path else sedetect_home() / "misses.db",
                        tokens, model_uri, max_upload_bytes, roles)
    MissQueue(settings.queue_path).close()          # create it (and fail early if we cannot)
    app = FastAPI(title="sedetect console", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings

    @app.exception_handler(QueueError)
    async def queue_error(_request: Request, exc: QueueError):
        status = 404 if str(exc).startswith("no submission") else 409
        return JSONResponse({"detail": str(exc)}, status_code=status)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Cache-Control"] = "no-store"
        return response

    app.include_router(api_router)
    app.include_router(pages_router)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    return app
