"""The miss queue: what analysts say the detector got wrong, durable in SQLite.

A submission is a raw message plus what the analyst says it is (malicious: a missed attack, or
benign: a false positive), by whom and when, and where it is in its life:

    submitted ──> accepted ──> incorporated (a retrained model learned it)
        └───────> rejected

Nothing submitted is ever lost or merged: a message submitted again (byte-identical, or the same
message re-forwarded) is stored as its own submission linked to the first by ``duplicate_of``.
WAL mode with synchronous=FULL: a submission whose id was returned survives a crash of the process
(kill -9) and of the machine. Writers take the database lock up front (BEGIN IMMEDIATE) and wait for
it (busy timeout), so many analysts can submit at once.
"""
from __future__ import annotations

import json
import re
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterator, Optional

from detectors.verdicts import message_key
from features.signals import CONCEPTS

STATES = ("submitted", "accepted", "rejected", "incorporated")
LABELS = ("malicious", "benign")
TRANSITIONS = {"submitted": {"accepted", "rejected"}, "accepted": {"incorporated"},
               "rejected": set(), "incorporated": set()}
MAX_RAW_BYTES = 25 << 20

_SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    message_key   TEXT NOT NULL,
    content_key   TEXT NOT NULL,
    raw           BLOB NOT NULL,
    label         TEXT NOT NULL CHECK (label IN ('malicious', 'benign')),
    attack_type   TEXT,
    concepts      TEXT NOT NULL DEFAULT '[]',
    note          TEXT NOT NULL DEFAULT '',
    submitter     TEXT NOT NULL,
    reporter      TEXT,
    channel       TEXT NOT NULL,
    submitted_at  REAL NOT NULL,
    state         TEXT NOT NULL DEFAULT 'submitted',
    duplicate_of  INTEGER REFERENCES submissions(id),
    decided_by    TEXT,
    decided_at    REAL,
    decision_note TEXT,
    model_version TEXT,
    verdict       TEXT
);
CREATE INDEX IF NOT EXISTS submissions_message_key ON submissions(message_key);
CREATE INDEX IF NOT EXISTS submissions_content_key ON submissions(content_key);
CREATE INDEX IF NOT EXISTS submissions_state ON submissions(state);
CREATE TABLE IF NOT EXISTS events (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    submission_id INTEGER NOT NULL REFERENCES submissions(id),
    at            REAL NOT NULL,
    actor         TEXT NOT NULL,
    event         TEXT NOT NULL,
    detail        TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS signatures (
    id            TEXT PRIMARY KEY,
    submission_id INTEGER NOT NULL UNIQUE REFERENCES submissions(id),
    kind          TEXT NOT NULL CHECK (kind IN ('block', 'allow')),
    embedding     BLOB NOT NULL,
    indicators    TEXT NOT NULL,
    created_at    REAL NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1,
    matches       INTEGER NOT NULL DEFAULT 0,
    last_match_at REAL,
    overrides     INTEGER NOT NULL DEFAULT 0    -- allow: messages the model called malicious
);
"""


class QueueError(ValueError):
    """A request the queue refuses (unknown id, bad label, a transition the state does not allow)."""


@dataclass
class Submission:
    id: int
    message_key: str
    content_key: str
    label: str
    attack_type: Optional[str]
    concepts: list[str]
    note: str
    submitter: str
    reporter: Optional[str]
    channel: str
    submitted_at: float
    state: str
    duplicate_of: Optional[int]
    decided_by: Optional[str] = None
    decided_at: Optional[float] = None
    decision_note: Optional[str] = None
    model_version: Optional[str] = None
    verdict: Optional[dict] = None
    duplicates: list[int] = field(default_factory=list)
    signature: Optional[dict] = None

    def record(self) -> dict:
        """The machine-readable form (`--json`, the HTTP API); the content key is internal."""
        r = asdict(self)
        r.pop("content_key")
        return r


def content_key(raw: bytes) -> str:
    """The message's identity across re-forwarding: sender, subject without RE:/FW: prefixes and
    the body text, case- and whitespace-folded. Falls back to the byte hash when unparseable."""
    from features.parsing import ParseError, parse_message
    try:
        msg = parse_message(raw)
    except ParseError:
        return message_key(raw)
    subject = re.sub(r"^\s*((re|fw|fwd|aw|wg|tr|rv)\s*:\s*)+", "", msg.subject or "", flags=re.I)
    text = " ".join((msg.current_text or msg.text or "").lower().split())
    sender = msg.from_.address.lower() if msg.from_ else ""
    return message_key(f"{sender}\n{' '.join(subject.lower().split())}\n{text}".encode("utf-8",
                                                                                   "replace"))


class MissQueue:
    """The queue over one SQLite file. One instance per concurrent user: never share one between
    threads at the same time."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # One connection per user of the queue (a CLI command, an HTTP request), used by one
        # thread at a time, though not always the thread that opened it (the web server's pool).
        self.db = sqlite3.connect(self.path, timeout=60, isolation_level=None,
                                  check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("PRAGMA foreign_keys=ON")
        with self._write() as db:
            for statement in filter(str.strip, _SCHEMA.split(";")):
                db.execute(statement)
            columns = {r[1] for r in db.execute("PRAGMA table_info(signatures)")}
            if "overrides" not in columns:          # a queue made before signature review
                db.execute("ALTER TABLE signatures ADD COLUMN overrides INTEGER NOT NULL "
                           "DEFAULT 0")

    @classmethod
    def default(cls) -> "MissQueue":
        from detectors.registry import sedetect_home
        return cls(sedetect_home() / "misses.db")

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- intake --------------------------------------------------------------------------------

    def submit(self, raw: bytes, label: str, submitter: str, attack_type: Optional[str] = None,
               concepts: Optional[list[str]] = None, note: str = "", channel: str = "cli",
               reporter: Optional[str] = None, verdict: Optional[dict] = None) -> Submission:
        """Store one submission (committed and durable when this returns)."""
        if label not in LABELS:
            raise QueueError(f"label must be one of {LABELS}, not {label!r}")
        concepts = list(concepts or [])
        bad = [c for c in concepts if c not in CONCEPTS]
        if bad:
            raise QueueError(f"unknown concepts {bad}; choose from {CONCEPTS}")
        if not raw:
            raise QueueError("empty message")
        if len(raw) > MAX_RAW_BYTES:
            raise QueueError(f"message is {len(raw)} bytes; the limit is {MAX_RAW_BYTES}")
        if not submitter:
            raise QueueError("a submission needs a submitter")
        mkey, ckey = message_key(raw), content_key(raw)
        with self._write() as db:
            first = db.execute("SELECT MIN(id) FROM submissions WHERE message_key = ? OR "
                               "content_key = ?", (mkey, ckey)).fetchone()[0]
            cur = db.execute(
                "INSERT INTO submissions (message_key, content_key, raw, label, attack_type, "
                "concepts, note, submitter, reporter, channel, submitted_at, duplicate_of, verdict)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (mkey, ckey, raw, label, attack_type, json.dumps(concepts), note, submitter,
                 reporter, channel, time.time(), first,
                 json.dumps(verdict) if verdict is not None else None))
            sid = cur.lastrowid
            self._event(sid, submitter, "submitted",
                        f"{label} via {channel}" + (f"; duplicate of #{first}" if first else ""))
        return self.get(sid)

    # -- decisions -----------------------------------------------------------------------------

    def decide(self, sid: int, state: str, actor: str, note: str = "",
               model_version: Optional[str] = None) -> Submission:
        with self._write() as db:
            row = db.execute("SELECT state FROM submissions WHERE id = ?", (sid,)).fetchone()
            if row is None:
                raise QueueError(f"no submission #{sid}")
            if state not in TRANSITIONS[row["state"]]:
                raise QueueError(f"#{sid} is {row['state']}: it cannot become {state}")
            if state == "incorporated":
                db.execute("UPDATE submissions SET state = ?, model_version = ? WHERE id = ?",
                           (state, model_version, sid))
            else:
                db.execute("UPDATE submissions SET state = ?, decided_by = ?, decided_at = ?, "
                           "decision_note = ? WHERE id = ?", (state, actor, time.time(), note, sid))
            self._event(sid, actor, state, note or (model_version or ""))
        return self.get(sid)

    def add_signature(self, sid: int, kind: str, embedding: bytes, indicators: dict) -> str:
        sig_id = f"sig-{sid}"
        with self._write() as db:
            db.execute("INSERT OR REPLACE INTO signatures (id, submission_id, kind, embedding, "
                       "indicators, created_at) VALUES (?,?,?,?,?,?)",
                       (sig_id, sid, kind, embedding, json.dumps(indicators), time.time()))
            self._event(sid, "sedetect", "signature", f"{kind} signature {sig_id}")
        return sig_id

    def deactivate_signature(self, sid: int, actor: str) -> None:
        with self._write() as db:
            db.execute("UPDATE signatures SET active = 0 WHERE submission_id = ?", (sid,))
            self._event(sid, actor, "signature-off", "")

    def count_matches(self, counts: dict[str, int]) -> None:
        """Add what a scoring job counted (signature id -> matches) to each signature's total."""
        if not counts:
            return
        now = time.time()
        with self._write() as db:
            for sig_id, n in counts.items():
                db.execute("UPDATE signatures SET matches = matches + ?, last_match_at = ? "
                           "WHERE id = ?", (int(n), now, sig_id))

    def count_overrides(self, counts: dict[str, int]) -> None:
        """Add what a scoring job counted (allow signature id -> messages it cleared that the model
        called malicious) to each signature's total: the analysts' warning that an allow may be
        clearing attacks."""
        if not counts:
            return
        with self._write() as db:
            for sig_id, n in counts.items():
                db.execute("UPDATE signatures SET overrides = overrides + ? WHERE id = ?",
                           (int(n), sig_id))

    def signature_review(self) -> list[dict]:
        """Every signature with what an analyst reviews: kind, submission, who accepted it and
        when, its age in days, matches, the last match, and (allow) how many messages it cleared
        that the model called malicious."""
        now = time.time()
        rows = self.db.execute(
            "SELECT s.*, m.decided_by, m.label, m.attack_type, m.note FROM signatures s "
            "JOIN submissions m ON m.id = s.submission_id ORDER BY s.created_at DESC")
        return [{"id": r["id"], "submission_id": r["submission_id"], "kind": r["kind"],
                 "active": bool(r["active"]), "accepted_by": r["decided_by"] or "",
                 "created_at": r["created_at"], "age_days": (now - r["created_at"]) / 86400,
                 "matches": r["matches"], "last_match_at": r["last_match_at"],
                 "overrides": r["overrides"], "attack_type": r["attack_type"] or "",
                 "flagged": r["kind"] == "allow" and r["overrides"] > 0} for r in rows]

    def log_event(self, sid: int, actor: str, event: str, detail: str = "") -> None:
        with self._write():
            self._event(sid, actor, event, detail)

    def _event(self, sid: int, actor: str, event: str, detail: str) -> None:
        self.db.execute("INSERT INTO events (submission_id, at, actor, event, detail) "
                        "VALUES (?,?,?,?,?)", (sid, time.time(), actor, event, detail))

    # -- reading -------------------------------------------------------------------------------

    def get(self, sid: int) -> Submission:
        row = self.db.execute("SELECT * FROM submissions WHERE id = ?", (sid,)).fetchone()
        if row is None:
            raise QueueError(f"no submission #{sid}")
        return self._submission(row)

    def raw(self, sid: int) -> bytes:
        row = self.db.execute("SELECT raw FROM submissions WHERE id = ?", (sid,)).fetchone()
        if row is None:
            raise QueueError(f"no submission #{sid}")
        return bytes(row["raw"])

    def list(self, state: Optional[str] = None, submitter: Optional[str] = None,
             attack_type: Optional[str] = None, label: Optional[str] = None,
             limit: int = 1000) -> list[Submission]:
        where, args = [], []
        for col, val in (("state", state), ("submitter", submitter),
                         ("attack_type", attack_type), ("label", label)):
            if val:
                where.append(f"{col} = ?")
                args.append(val)
        sql = ("SELECT * FROM submissions" + (" WHERE " + " AND ".join(where) if where else "")
               + " ORDER BY id DESC LIMIT ?")
        return [self._submission(r) for r in self.db.execute(sql, (*args, limit))]

    def events(self, sid: int) -> list[dict]:
        return [dict(r) for r in self.db.execute(
            "SELECT at, actor, event, detail FROM events WHERE submission_id = ? ORDER BY id",
            (sid,))]

    def signatures(self, active_only: bool = True) -> list[sqlite3.Row]:
        return list(self.db.execute("SELECT * FROM signatures" +
                                    (" WHERE active = 1" if active_only else "") + " ORDER BY id"))

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0]

    def _submission(self, row: sqlite3.Row) -> Submission:
        dups = [r[0] for r in self.db.execute(
            "SELECT id FROM submissions WHERE duplicate_of = ? ORDER BY id", (row["id"],))]
        sig = self.db.execute("SELECT id, kind, active, matches, last_match_at, created_at "
                              "FROM signatures WHERE submission_id = ?", (row["id"],)).fetchone()
        return Submission(
            id=row["id"], message_key=row["message_key"], content_key=row["content_key"],
            label=row["label"], attack_type=row["attack_type"],
            concepts=json.loads(row["concepts"]), note=row["note"], submitter=row["submitter"],
            reporter=row["reporter"], channel=row["channel"], submitted_at=row["submitted_at"],
            state=row["state"], duplicate_of=row["duplicate_of"], decided_by=row["decided_by"],
            decided_at=row["decided_at"], decision_note=row["decision_note"],
            model_version=row["model_version"],
            verdict=json.loads(row["verdict"]) if row["verdict"] else None,
            duplicates=dups, signature=dict(sig) if sig else None)
