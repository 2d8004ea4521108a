"""The console's pages: sign-in, the queue, submitting misses, one submission, the model.

Server-side HTML (Jinja2, autoescaped); no JavaScript at all. Every form posts a CSRF token tied to
the session. Message content is shown as text: headers, the current-thread text and links are
escaped strings, links are never anchors, nothing is fetched.
"""
from __future__ import annotations

import hmac
import re
import secrets
import time
from pathlib import Path
from typing import Optional

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from labeling.console.auth import (SESSION_COOKIE, SESSION_SECONDS, Queue, Session,
                                   bearer_analyst, require_role_for)
from labeling.queue import CONCEPTS, LABELS, STATES

router = APIRouter()
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
templates.env.filters["timestamp"] = lambda t: time.strftime("%Y-%m-%d %H:%M", time.gmtime(t))
SIGNIN_COOKIE = "sedetect_signin"


def page_session(request: Request) -> Session:
    """The signed-in analyst (session cookie, or a bearer token for scripts); else to /signin."""
    settings = request.app.state.settings
    session = settings.session(request.cookies.get(SESSION_COOKIE))
    if session is not None:
        return session
    name = bearer_analyst(request)
    if name is not None:
        return Session(name, "", 0.0)        # no cookie, so no cross-site request to guard
    raise HTTPException(303, "sign in", headers={"Location": "/signin"})


def check_csrf(session: Session, form) -> None:
    if session.csrf and not hmac.compare_digest(str(form.get("csrf", "")), session.csrf):
        raise HTTPException(403, "stale or missing form token: reload the page")


def render(request: Request, name: str, session: Optional[Session], **context) -> HTMLResponse:
    return templates.TemplateResponse(request, name, {"session": session, **context})


# -- sign-in ----------------------------------------------------------------------------------

@router.get("/signin", response_class=HTMLResponse)
def signin_page(request: Request, error: str = ""):
    nonce = secrets.token_urlsafe(24)
    response = render(request, "signin.html", None, nonce=nonce, error=error)
    response.set_cookie(SIGNIN_COOKIE, nonce, httponly=True, samesite="strict", max_age=600)
    return response


@router.post("/signin")
async def signin(request: Request):
    form = await request.form()
    nonce = request.cookies.get(SIGNIN_COOKIE, "")
    if not nonce or not hmac.compare_digest(str(form.get("csrf", "")), nonce):
        raise HTTPException(403, "stale sign-in form: reload the page")
    sid = request.app.state.settings.sign_in(str(form.get("token", "")).strip())
    if sid is None:
        return RedirectResponse("/signin?error=unknown+token", status_code=303)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(SESSION_COOKIE, sid, httponly=True, samesite="strict",
                        max_age=SESSION_SECONDS)
    response.delete_cookie(SIGNIN_COOKIE)
    return response


@router.post("/signout")
async def signout(request: Request):
    session = page_session(request)
    check_csrf(session, await request.form())
    request.app.state.settings.sessions.pop(request.cookies.get(SESSION_COOKIE, ""), None)
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


# -- the queue ----------------------------------------------------------------------------------

@router.get("/", response_class=HTMLResponse)
def queue_page(request: Request, queue=Queue, state: str = "", submitter: str = "",
               attack_type: str = ""):
    session = page_session(request)
    subs = queue.list(state or None, submitter or None, attack_type or None, limit=500)
    return render(request, "queue.html", session, subs=subs, states=STATES,
                  filters={"state": state, "submitter": submitter, "attack_type": attack_type})


@router.post("/misses/{sid}/decide")
async def decide(sid: int, request: Request, queue=Queue):
    session = page_session(request)
    form = await request.form()
    check_csrf(session, form)
    decision, note = str(form.get("decision", "")), str(form.get("note", ""))
    settings = request.app.state.settings
    if decision == "accept":
        from labeling.misses import accept
        require_role_for(settings, session.analyst, queue.get(sid).label)

        def do():
            with settings.model_lock:
                return accept(queue, sid, session.analyst, note, settings.encoder())
        await run_in_threadpool(do)
    elif decision == "reject":
        queue.decide(sid, "rejected", session.analyst, note)
    else:
        raise HTTPException(422, "decision must be accept or reject")
    return RedirectResponse(f"/misses/{sid}", status_code=303)


# -- submitting -------------------------------------------------------------------------------

@router.get("/submit", response_class=HTMLResponse)
def submit_page(request: Request):
    session = page_session(request)
    return render(request, "submit.html", session, labels=LABELS, concepts=CONCEPTS)


@router.post("/submit")
async def submit(request: Request, queue=Queue):
    session = page_session(request)
    limit = request.app.state.settings.max_upload_bytes
    form = await request.form(max_part_size=limit + 1)
    check_csrf(session, form)
    uploads = [f for f in form.getlist("files") if not isinstance(f, str)]
    if not uploads:
        raise HTTPException(422, "choose at least one .eml file")
    ids = []
    for upload in uploads:
        raw = await upload.read()
        if len(raw) > limit:
            raise HTTPException(413, f"{upload.filename}: larger than the {limit}-byte limit")
        sub = await run_in_threadpool(
            queue.submit, raw, str(form.get("label", "malicious")), session.analyst,
            str(form.get("attack_type", "")).strip() or None,
            [c for c in form.getlist("concepts") if c in CONCEPTS],
            str(form.get("note", "")), "console")
        ids.append(sub.id)
    target = f"/misses/{ids[0]}" if len(ids) == 1 else f"/?submitter={session.analyst}"
    return RedirectResponse(target, status_code=303)


# -- one submission -----------------------------------------------------------------------------

@router.get("/misses/{sid}", response_class=HTMLResponse)
async def miss_page(sid: int, request: Request, queue=Queue):
    session = page_session(request)
    sub = queue.get(sid)
    raw = queue.raw(sid)
    settings = request.app.state.settings

    def analyse():
        from labeling.dissect import dissect
        from labeling.misses import load_signatures
        with settings.model_lock:
            bundle, version = settings.bundle()
            return dissect(raw, bundle=bundle, version=version,
                           signatures=load_signatures(queue), encoder=settings.encoder())
    dissection = await run_in_threadpool(analyse)
    return render(request, "miss.html", session, sub=sub, events=queue.events(sid),
                  dissection=dissection, message=message_view(raw))


def message_view(raw: bytes) -> dict:
    """What the page shows of a message: every value a plain string (escaped when rendered)."""
    from features.parsing import ParseError, parse_message
    try:
        msg = parse_message(raw)
    except ParseError as exc:
        return {"error": str(exc), "size": len(raw)}
    return {
        "headers": [(k, v) for k, v in msg.headers],
        "text": msg.current_text or msg.text,
        "quoted": bool(msg.quoted_text),
        "links": [{"url": link.url, "host": link.host, "raw_host": link.raw_host,
                   "anchor": link.anchor_text} for link in msg.links[:200]],
        "attachments": [{"filename": a.filename, "type": a.content_type, "size": a.size,
                         "sha256": a.sha256} for a in msg.attachments],
        "size": len(raw),
    }


# -- the model ----------------------------------------------------------------------------------

@router.get("/signatures", response_class=HTMLResponse)
def signatures_page(request: Request, queue=Queue):
    """Every signature with its hits, its age and who accepted it; an allow signature that has
    cleared messages the model called malicious is flagged first, for review."""
    session = page_session(request)
    sigs = sorted(queue.signature_review(), key=lambda r: (not r["flagged"], -r["created_at"]))
    return render(request, "signatures.html", session, sigs=sigs,
                  flagged=sum(r["flagged"] for r in sigs))


@router.get("/model", response_class=HTMLResponse)
def model_page(request: Request, queue=Queue):
    from detectors.registry import model_history, report_images, sedetect_home
    session = page_session(request)
    settings = request.app.state.settings
    with settings.model_lock:
        bundle, version = settings.bundle()
    number = version.rsplit("/", 1)[-1]
    plots = ([p.name for p in report_images(number, sedetect_home() / "console-plots")]
             if number.isdigit() else [])
    incorporated: dict[str, list] = {}
    for sub in queue.list(state="incorporated", limit=10_000):
        incorporated.setdefault(sub.model_version or "?", []).append(sub)
    heldout = sorted((bundle.meta.get("heldout") or {}).items())
    return render(request, "model.html", session, version=version, number=number,
                  thresholds=bundle.thresholds, heldout=heldout, plots=plots,
                  metrics=sorted((bundle.meta.get("metrics") or {}).items()),
                  history=model_history(), incorporated=incorporated,
                  created=bundle.meta.get("created", ""))


@router.get("/model/plots/{number}/{name}")
def model_plot(number: str, name: str, request: Request):
    from detectors.registry import sedetect_home
    page_session(request)
    if not number.isdigit() or not re.fullmatch(r"[\w.-]+\.png", name):
        raise HTTPException(404, "no such plot")
    path = sedetect_home() / "console-plots" / f"v{number}" / name
    if not path.is_file():
        raise HTTPException(404, "no such plot")
    return FileResponse(path, media_type="image/png")
