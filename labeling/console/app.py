"""The console's FastAPI application and its sign-in.

Analysts are configured by the operator as a file of ``name:token`` lines (``--tokens FILE``, or
the file that ``SEDETECT_CONSOLE_TOKENS`` names). Every API call carries
``Authorization: Bearer TOKEN``; the token names the analyst, and whatever they submit or decide
is recorded under that name, so one analyst's token cannot act as another.
"""
from __future__ import annotations

import hmac
import os
import threading
from pathlib import Path
from typing import Optional

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse

from labeling.queue import MissQueue, QueueError


def load_tokens(path: Optional[str] = None) -> dict[str, str]:
    """token -> analyst name, from a file of ``name:token`` lines (# comments allowed)."""
    path = path or os.environ.get("SEDETECT_CONSOLE_TOKENS")
    if not path:
        raise ValueError("no analysts configured: pass --tokens FILE or set "
                         "SEDETECT_CONSOLE_TOKENS to a file of name:token lines")
    tokens: dict[str, str] = {}
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, token = line.partition(":")
        if not sep or not name.strip() or len(token.strip()) < 16:
            raise ValueError(f"{path}:{n}: expected name:token with a token of 16+ characters")
        tokens[token.strip()] = name.strip()
    if not tokens:
        raise ValueError(f"{path}: no name:token lines")
    return tokens


class Settings:
    def __init__(self, queue_path: Path, tokens: dict[str, str], model_uri: Optional[str] = None,
                 max_upload_bytes: int = 25 << 20):
        self.queue_path = queue_path
        self.tokens = tokens
        self.model_uri = model_uri
        self.max_upload_bytes = max_upload_bytes
        self._encoder = None
        self.model_lock = threading.Lock()     # one encoder, used by one request at a time

    def encoder(self):
        if self._encoder is None:
            from features.text import TextEncoder
            self._encoder = TextEncoder()
        return self._encoder

    def analyst_for(self, token: str) -> Optional[str]:
        for known, name in self.tokens.items():
            if hmac.compare_digest(known.encode(), token.encode()):
                return name
        return None


def create_app(queue_path: Optional[str] = None, tokens: Optional[dict[str, str]] = None,
               model_uri: Optional[str] = None, max_upload_bytes: int = 25 << 20) -> FastAPI:
    from detectors.registry import sedetect_home
    from labeling.console import api
    settings = Settings(Path(queue_path) if queue_path else sedetect_home() / "misses.db",
                        tokens if tokens is not None else load_tokens(), model_uri,
                        max_upload_bytes)
    MissQueue(settings.queue_path).close()          # create it (and fail early if we cannot)
    app = FastAPI(title="sedetect console", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings

    @app.exception_handler(QueueError)
    async def queue_error(_request: Request, exc: QueueError):
        status = 404 if str(exc).startswith("no submission") else 409
        return JSONResponse({"detail": str(exc)}, status_code=status)

    app.include_router(api.router)
    return app


def analyst(request: Request) -> str:
    """The signed-in analyst's name, from the bearer token; 401 otherwise."""
    settings: Settings = request.app.state.settings
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    name = settings.analyst_for(token.strip()) if scheme.lower() == "bearer" and token else None
    if name is None:
        raise HTTPException(401, "sign in: Authorization: Bearer TOKEN",
                            headers={"WWW-Authenticate": "Bearer"})
    return name


def queue(request: Request):
    """A queue connection per request (SQLite connections are not shared across threads)."""
    q = MissQueue(request.app.state.settings.queue_path)
    try:
        yield q
    finally:
        q.close()


Analyst = Depends(analyst)
Queue = Depends(queue)
