"""The console's FastAPI application and its sign-in.

Analysts are configured by the operator as a file of ``name:token`` lines (``--tokens FILE``, or
the file that ``SEDETECT_CONSOLE_TOKENS`` names). Every API call carries
``Authorization: Bearer TOKEN``; pages take a session cookie set at sign-in (or the same bearer
header, for scripts). The token names the analyst, and whatever they submit or decide is recorded
under that name, so one analyst's token cannot act as another. Forms carry a per-session CSRF
token. Email content is hostile: pages render it as escaped text only, and a Content-Security-
Policy without any script source means that even a rendering mistake cannot run a script.
"""
from __future__ import annotations

import hmac
import os
import secrets
import threading
import time
from dataclasses import dataclass
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


SESSION_COOKIE = "sedetect_session"
SESSION_SECONDS = 8 * 3600


@dataclass
class Session:
    analyst: str
    csrf: str
    expires: float


class Settings:
    def __init__(self, queue_path: Path, tokens: dict[str, str], model_uri: Optional[str] = None,
                 max_upload_bytes: int = 25 << 20):
        self.queue_path = queue_path
        self.tokens = tokens
        self.model_uri = model_uri
        self.max_upload_bytes = max_upload_bytes
        self._encoder = None
        self._bundle: Optional[tuple] = None
        self.model_lock = threading.Lock()     # one encoder and bundle, one request at a time
        self.sessions: dict[str, Session] = {}  # in memory: a restart signs everyone out

    def encoder(self):
        if self._encoder is None:
            from features.text import TextEncoder
            self._encoder = TextEncoder()
        return self._encoder

    def bundle(self) -> tuple:
        """(bundle, version) of the model the console dissects with, reloaded when the champion
        changes."""
        from detectors.registry import champion_version, resolve_bundle
        current = self.model_uri or champion_version()
        if self._bundle is None or self._bundle[0] != current:
            bundle, version = resolve_bundle(self.model_uri)
            self._bundle = (current, bundle, version)
        return self._bundle[1], self._bundle[2]

    def sign_in(self, token: str) -> Optional[str]:
        name = self.analyst_for(token)
        if name is None:
            return None
        sid = secrets.token_urlsafe(32)
        self.sessions[sid] = Session(name, secrets.token_urlsafe(32),
                                     time.time() + SESSION_SECONDS)
        return sid

    def session(self, sid: Optional[str]) -> Optional[Session]:
        s = self.sessions.get(sid or "")
        if s is None or s.expires < time.time():
            self.sessions.pop(sid or "", None)
            return None
        return s

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

    from fastapi.staticfiles import StaticFiles
    from labeling.console import pages

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

    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    return app


def bearer_analyst(request: Request) -> Optional[str]:
    """The analyst an ``Authorization: Bearer TOKEN`` header names, or None."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return request.app.state.settings.analyst_for(token.strip())


def analyst(request: Request) -> str:
    """The signed-in analyst's name, from the bearer token; 401 otherwise."""
    name = bearer_analyst(request)
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
