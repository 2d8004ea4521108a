"""The console's sign-in and per-request dependencies, shared by its API and its pages.

Analysts are configured by the operator as a file of ``name:token[:role]`` lines (``--tokens
FILE``, or the file that ``SEDETECT_CONSOLE_TOKENS`` names); the role is analyst unless the line
says lead, and only a lead may accept a false-alarm report. Every API call carries
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

from fastapi import Depends, HTTPException, Request

from labeling.queue import MissQueue


ROLES = ("analyst", "lead")
# Only a lead may accept a false-alarm report: its allow signature clears a sender's mail at once,
# the one decision an attacker who got hold of an analyst's token would most want to make.
MAY_ACCEPT_BENIGN = frozenset({"lead"})


def _token_lines(path: Optional[str]):
    path = path or os.environ.get("SEDETECT_CONSOLE_TOKENS")
    if not path:
        raise ValueError("no analysts configured: pass --tokens FILE or set "
                         "SEDETECT_CONSOLE_TOKENS to a file of name:token[:role] lines")
    found = False
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, rest = line.partition(":")
        token, _, role = rest.partition(":")
        role = role.strip() or "analyst"
        if not sep or not name.strip() or len(token.strip()) < 16:
            raise ValueError(f"{path}:{n}: expected name:token[:role] with a token of 16+ "
                             "characters")
        if role not in ROLES:
            raise ValueError(f"{path}:{n}: role must be one of {', '.join(ROLES)}, not {role!r}")
        found = True
        yield name.strip(), token.strip(), role
    if not found:
        raise ValueError(f"{path}: no name:token lines")


def load_tokens(path: Optional[str] = None) -> dict[str, str]:
    """token -> analyst name, from a file of ``name:token[:role]`` lines (# comments allowed)."""
    return {token: name for name, token, _ in _token_lines(path)}


def load_roles(path: Optional[str] = None) -> dict[str, str]:
    """analyst name -> role (analyst unless the line says lead), from the same file."""
    return {name: role for name, _, role in _token_lines(path)}


def require_role_for(settings: "Settings", analyst: str, label: str) -> None:
    """403 unless the analyst may accept a submission of this label."""
    if label == "benign" and settings.roles.get(analyst, "analyst") not in MAY_ACCEPT_BENIGN:
        raise HTTPException(403, "only a lead may accept a false-alarm report (its allow "
                                 "signature clears the sender's mail): give the analyst the lead "
                                 "role in the tokens file, name:token:lead")


SESSION_COOKIE = "sedetect_session"
SESSION_SECONDS = 8 * 3600


@dataclass
class Session:
    analyst: str
    csrf: str
    expires: float


class Settings:
    def __init__(self, queue_path: Path, tokens: dict[str, str], model_uri: Optional[str] = None,
                 max_upload_bytes: int = 25 << 20, roles: Optional[dict[str, str]] = None):
        self.queue_path = queue_path
        self.tokens = tokens
        self.roles = roles or {}                  # analyst name -> role; "analyst" when absent
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
