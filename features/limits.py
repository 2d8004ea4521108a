"""How much of one message is read: hostile mail (a zip bomb, a 50 MB message, 10,000 MIME parts,
1,000 levels of nesting) must cost bounded time and memory, yet still get a verdict.

A message over a limit is scored on what was read. Each limit hit is recorded once as the parse
defect ``limit:<name>`` and becomes one reason in the verdict row ("limit: <name> — ..."), so an
analyst sees that the verdict rests on part of the message. The values come from the ``limits:``
section of configs/default.yaml (``OrgConfig.limits``).
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Iterable, Optional

KiB = 1 << 10
MiB = 1 << 20
PREFIX = "limit:"

# Ceilings on the two nesting limits: the stdlib MIME parser recurses once per nesting level
# (and slows down quadratically with depth), and nested archives are opened recursively.
MAX_MIME_DEPTH = 200
MAX_ARCHIVE_DEPTH = 20


@dataclass(frozen=True)
class Limits:
    """One value per limit; the field name is the limit's name in defects and reasons."""
    message_bytes: int = 25 * MiB       # a longer message is read from its first message_bytes
    headers: int = 1_000                # header fields per header block (message, and each part)
    header_bytes: int = 64 * KiB        # a longer header value is truncated
    mime_depth: int = 50                # containers (multipart, message/*) nested in each other
    mime_parts: int = 1_000             # MIME parts taken apart per message, nested ones included
    attachment_bytes: int = 25 * MiB    # an attachment is decoded (and hashed) up to here
    archive_members: int = 1_000        # zip members listed per attachment, nested zips included
    archive_depth: int = 3              # zips inside the attached zip that are opened
    decompressed_bytes: int = 64 * MiB  # inflated while opening nested zips, per message
    urls: int = 500                     # links kept per message
    text_chars: int = 200_000           # characters of body text kept for the signals and models
    seconds: float = 10.0               # wall-clock budget per message for parsing, and for signals

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            number = (int, float) if f.name == "seconds" else (int,)
            if isinstance(value, bool) or not isinstance(value, number) or value <= 0:
                raise ValueError(f"limits.{f.name} must be a positive "
                                 f"{'number' if f.name == 'seconds' else 'integer'}, got {value!r}")
        if self.mime_depth > MAX_MIME_DEPTH:
            raise ValueError(f"limits.mime_depth must be at most {MAX_MIME_DEPTH}, "
                             f"got {self.mime_depth}")
        if self.archive_depth > MAX_ARCHIVE_DEPTH:
            raise ValueError(f"limits.archive_depth must be at most {MAX_ARCHIVE_DEPTH}, "
                             f"got {self.archive_depth}")

    @classmethod
    def from_dict(cls, raw: Optional[dict]) -> "Limits":
        """The ``limits:`` section of a config; missing keys keep their defaults, unknown keys are
        an error (a misspelt limit would otherwise be silently ignored)."""
        if raw is None:
            return cls()
        if not isinstance(raw, dict):
            raise ValueError(f"limits must be a mapping, got {type(raw).__name__}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(str(k) for k in raw if k not in known)
        if unknown:
            raise ValueError(f"unknown limit(s) {', '.join(unknown)}; "
                             f"known limits: {', '.join(sorted(known))}")
        return cls(**raw)


def limit_defect(name: str) -> str:
    """The parse defect recording that limit ``name`` was hit."""
    return PREFIX + name


def _size(n: float) -> str:
    if n >= MiB:
        return f"{n / MiB:.3g} MiB"
    if n >= KiB:
        return f"{n / KiB:.3g} KiB"
    return f"{int(n)} bytes"


# What was left unread when each limit was hit, for the analyst; {size} is the message's size.
SENTENCES: dict[str, str] = {
    "message_bytes": "only the first {message_bytes} of a {size} message were read",
    "headers": "header fields beyond the first {headers:,} of a header block were dropped",
    "header_bytes": "header values longer than {header_bytes} were truncated",
    "mime_depth": "MIME parts nested more than {mime_depth} levels deep were read as plain text",
    "mime_parts": "only the first {mime_parts:,} MIME parts were taken apart",
    "attachment_bytes": "attachments were decoded and hashed only up to {attachment_bytes}",
    "archive_members": "only the first {archive_members:,} archive members were listed",
    "archive_depth": "archives nested more than {archive_depth} levels deep were not opened",
    "decompressed_bytes": "archive inspection stopped after {decompressed_bytes} decompressed "
                          "(a zip bomb?)",
    "urls": "only the first {urls:,} links were examined",
    "text_chars": "only the first {text_chars:,} characters of text were read",
    "seconds": "the {seconds:g} s budget ran out; the rest of the message was not examined",
}


def limits_hit(defects: Iterable[str]) -> tuple[str, ...]:
    """The names of the limits hit, in order, each once."""
    return tuple(dict.fromkeys(d[len(PREFIX):] for d in defects if d.startswith(PREFIX)))


def limit_reason(name: str, limits: Limits, size: int = 0) -> str:
    """The verdict reason for one limit hit; ``size`` is the raw message's size in bytes."""
    values = {f.name: getattr(limits, f.name) for f in fields(limits)}
    for key in ("message_bytes", "header_bytes", "attachment_bytes", "decompressed_bytes"):
        values[key] = _size(values[key])
    return f"limit: {name} — " + SENTENCES[name].format(size=_size(size), **values)
