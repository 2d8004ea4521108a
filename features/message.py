"""The parsed form of one email: the single shape every extractor reads.

Parsing (features/parsing.py) produces it from raw bytes; nothing downstream re-reads the raw
message. All fields are plain data so a ParsedMessage pickles cheaply across Beam workers.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


@dataclass(frozen=True)
class Address:
    """One mailbox: display name as decoded (RFC 2047), address lower-cased, domain lower-cased.

    ``valid`` is email-validator's syntax verdict (deliverability never checked: no DNS).
    """
    display_name: str
    address: str          # "" when the header held no parsable address
    domain: str           # "" when there is no domain; IDNA domains are kept in Unicode form
    valid: bool


@dataclass(frozen=True)
class Link:
    """A URL found in the body. ``anchor_text`` is the visible text of an HTML anchor ("" for plain
    text URLs); ``host`` is the lower-cased host, IDNA-decoded to Unicode when it was punycode, and
    ``raw_host`` the host exactly as written (so punycode is still visible)."""
    url: str
    host: str
    raw_host: str
    anchor_text: str
    in_html: bool


@dataclass(frozen=True)
class ArchiveMember:
    """One entry of an attached zip, as its central directory declares it (never trusted for
    anything but listing). ``path`` is "inner.zip/evil.exe" for a member of a nested zip."""
    path: str
    size: int             # declared uncompressed size
    encrypted: bool


@dataclass(frozen=True)
class Attachment:
    """A non-body MIME part. ``content_type`` is the declared type, lower-cased; ``sha256`` of the
    decoded payload (of its first ``Limits.attachment_bytes`` when longer, and ``size`` is then
    estimated from the encoded length); ``nested`` holds the parsed message for message/rfc822
    parts; ``members`` lists what a zip attachment holds (features/archives.py)."""
    filename: str
    content_type: str
    size: int
    sha256: str
    is_inline: bool
    nested: Optional["ParsedMessage"] = None
    members: tuple[ArchiveMember, ...] = ()


@dataclass(frozen=True)
class AuthResults:
    """SPF/DKIM/DMARC results from the one Authentication-Results source that counts
    (features/authentication.py: the topmost header by default, else a trusted authserv-id's).

    ``spf``, ``dkim`` and ``dmarc`` are each one of 'pass', 'fail', 'softfail', 'neutral', 'none',
    'temperror', 'permerror', 'policy' (and 'bestguesspass' for DMARC: no record published, but it
    would have passed), or None when no counted header mentions that method. ``dkim`` is 'pass'
    when any signature passed, else the first signature's result.

    ``spf_domain``: domain of smtp.mailfrom (else smtp.helo); ``dkim_domains``: header.d (or the
    domain of header.i) of the PASSING signatures, lower-case; ``dmarc_from``: header.from of the
    DMARC result; ``compauth``: Microsoft's composite verdict; ``authserv_id``: who wrote the
    counted header ("" for Microsoft 365, which writes none); ``source``: 'authentication-results',
    'arc-authentication-results', 'received-spf', or "" when nothing counted; ``dmarc_policy``:
    the domain owner's policy the receiver reported with its DMARC result (a comment's ``p=``, or
    Microsoft's ``action=``; "oreject" reads as "reject").
    """
    spf: Optional[str] = None
    dkim: Optional[str] = None
    dmarc: Optional[str] = None
    spf_domain: str = ""
    dkim_domains: tuple[str, ...] = ()
    dmarc_from: str = ""
    compauth: Optional[str] = None
    authserv_id: str = ""
    source: str = ""
    dmarc_policy: str = ""                   # "reject" | "quarantine" | "none" | "" (not reported)


@dataclass(frozen=True)
class ParsedMessage:
    message_id: str
    subject: str                       # RFC 2047 decoded, whitespace collapsed
    from_: Optional[Address]           # None when From is missing or unparsable
    sender: Optional[Address]
    reply_to: tuple[Address, ...]
    return_path: str                   # address only, lower-cased; "" when absent or "<>"
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    date: str                          # raw header text; never a model feature
    in_reply_to: str
    references: tuple[str, ...]
    received: tuple[str, ...]          # Received headers, top (newest) first, unfolded
    auth: AuthResults
    headers: tuple[tuple[str, str], ...]  # every header (name as written, decoded value), in order
    text: str                          # best text body: text/plain parts, else HTML converted to text
    html: str                          # raw HTML of the first text/html part ("" when none)
    current_text: str                  # the newest part of the thread, quoted history removed
    quoted_text: str                   # what was removed from ``text`` as quoted history
    links: tuple[Link, ...]
    attachments: tuple[Attachment, ...]
    defects: tuple[str, ...] = field(default=())  # what was broken and parsed around (charset, MIME)

    def header(self, name: str) -> Optional[str]:
        """First header with this name (case-insensitive), decoded, or None."""
        lname = name.lower()
        for key, value in self.headers:
            if key.lower() == lname:
                return value
        return None
