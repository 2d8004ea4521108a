"""The JSON API over the miss queue.

    POST /api/misses                  the raw message as the body (or multipart field ``file``);
                                      label, attack_type, concepts, note as query or form fields
    GET  /api/misses                  list (state, submitter, attack_type filters)
    GET  /api/misses/{id}             one submission, its events and its signature's matches
    GET  /api/misses/{id}/dissection  which legs fired, which stayed silent, candidate features
    POST /api/misses/{id}/accept      accept (a signature at once); note
    POST /api/misses/{id}/reject      reject; note
"""
from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, HTTPException, Request
from starlette.concurrency import run_in_threadpool

from labeling.console.auth import Analyst, Queue, require_role_for
from labeling.misses import accept, load_signatures

router = APIRouter(prefix="/api")


async def _read_body(request: Request, limit: int) -> tuple[bytes, dict]:
    """The message bytes (raw body, or the multipart ``file`` field) and any form fields."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit + 65536:
        raise HTTPException(413, f"message larger than the {limit}-byte limit")
    ctype = request.headers.get("content-type", "")
    if ctype.startswith("multipart/form-data"):
        form = await request.form(max_part_size=limit + 1)
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise HTTPException(422, "multipart submissions carry the message in field 'file'")
        raw = await upload.read()
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
    else:
        raw = bytearray()
        async for chunk in request.stream():
            raw += chunk
            if len(raw) > limit:
                raise HTTPException(413, f"message larger than the {limit}-byte limit")
        raw, fields = bytes(raw), {}
    if len(raw) > limit:
        raise HTTPException(413, f"message larger than the {limit}-byte limit")
    if not raw.strip():
        raise HTTPException(422, "empty message")
    return raw, fields


def _record(sub, queue=None) -> dict:
    r = sub.record()
    if queue is not None:
        r["events"] = queue.events(sub.id)
    return r


@router.post("/misses", status_code=201)
async def submit(request: Request, who: str = Analyst, queue=Queue,
                 label: Optional[str] = None, attack_type: Optional[str] = None,
                 concepts: Optional[str] = None, note: Optional[str] = None) -> dict:
    raw, fields = await _read_body(request, request.app.state.settings.max_upload_bytes)
    label = label or fields.get("label") or "malicious"
    concepts = concepts if concepts is not None else fields.get("concepts", "")
    sub = await run_in_threadpool(
        queue.submit, raw, label, who, attack_type or fields.get("attack_type") or None,
        [c.strip() for c in concepts.split(",") if c.strip()],
        note if note is not None else fields.get("note", ""), "api")
    return _record(sub)


@router.get("/misses")
def list_misses(who: str = Analyst, queue=Queue, state: Optional[str] = None,
                submitter: Optional[str] = None, attack_type: Optional[str] = None,
                limit: int = 200) -> list[dict]:
    return [_record(s) for s in queue.list(state, submitter, attack_type, limit=min(limit, 1000))]


@router.get("/misses/{sid}")
def get_miss(sid: int, who: str = Analyst, queue=Queue) -> dict:
    return _record(queue.get(sid), queue)


@router.get("/misses/{sid}/dissection")
def dissection(sid: int, request: Request, who: str = Analyst, queue=Queue) -> dict:
    from labeling.dissect import dissect
    raw = queue.raw(sid)
    return dissect(raw, model_uri=request.app.state.settings.model_uri,
                   signatures=load_signatures(queue))


@router.post("/misses/{sid}/accept")
def accept_miss(sid: int, request: Request, who: str = Analyst, queue=Queue,
                note: str = "") -> dict:
    settings = request.app.state.settings
    require_role_for(settings, who, queue.get(sid).label)
    with settings.model_lock:
        return _record(accept(queue, sid, who, note, settings.encoder()), queue)


@router.post("/misses/{sid}/reject")
def reject_miss(sid: int, who: str = Analyst, queue=Queue, note: str = "") -> dict:
    return _record(queue.decide(sid, "rejected", who, note), queue)
