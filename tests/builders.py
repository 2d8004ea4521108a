"""Build ParsedMessage objects directly (no parsing) for extractor tests.

``make_msg(**overrides)`` returns a benign internal message with every field filled; override any
ParsedMessage field, or use the shortcuts: ``body=`` (sets text and current_text), ``sender=``
("Name <addr>" string for From), ``reply_to=`` (a string, or a list of strings/Addresses),
``link_urls=`` (plain-text links).
"""
from __future__ import annotations

from email.utils import parseaddr
from typing import Iterable, Union
from urllib.parse import urlsplit

from features.message import Address, Attachment, AuthResults, Link, ParsedMessage

DEFAULT_BODY = ("Hi Bob,\n\nThe planning review moved to the small room on the second floor. "
                "I put the notes from last week on the team drive.\n\nSee you there,\nAlice")


def addr(spec: str) -> Address:
    """An Address from 'Display Name <local@domain>' or a bare address."""
    name, address = parseaddr(spec)
    if not address and "@" not in spec:
        return Address(spec.strip(), "", "", False)
    address = (address or spec).strip().lower()
    domain = address.rpartition("@")[2] if "@" in address else ""
    return Address(name, address, domain, bool(domain))


def link(url: str, anchor: str = "", in_html: bool = False, raw_host: str = "") -> Link:
    """A Link with host/raw_host derived from the URL (punycode hosts are decoded in ``host``)."""
    raw = raw_host or (urlsplit(url).hostname or "")
    host = raw
    if "xn--" in raw:
        try:
            host = raw.encode("ascii").decode("idna")
        except UnicodeError:
            host = raw
    return Link(url=url, host=host.lower(), raw_host=raw, anchor_text=anchor, in_html=in_html)


def attachment(filename: str, content_type: str = "application/octet-stream", size: int = 1024,
               inline: bool = False) -> Attachment:
    """An Attachment with a dummy hash."""
    return Attachment(filename=filename, content_type=content_type, size=size,
                      sha256="0" * 64, is_inline=inline)


def make_msg(**overrides) -> ParsedMessage:
    """A benign internal message (alice@example.com -> bob@example.com) with ``overrides`` applied."""
    body = overrides.pop("body", None)
    sender = overrides.pop("sender", None)
    reply_to: Union[str, Iterable, None] = overrides.pop("reply_to", None)
    link_urls = overrides.pop("link_urls", None)
    fields = dict(
        message_id="<1@example.com>",
        subject="Planning review moved",
        from_=addr("Alice Example <alice@example.com>"),
        sender=None,
        reply_to=(),
        return_path="",
        to=(addr("Bob Builder <bob@example.com>"),),
        cc=(),
        date="Mon, 3 Jun 2024 10:00:00 +0000",
        in_reply_to="",
        references=(),
        received=(),
        auth=AuthResults(),
        headers=(("From", "Alice Example <alice@example.com>"), ("To", "bob@example.com"),
                 ("Subject", "Planning review moved")),
        text=DEFAULT_BODY,
        html="",
        current_text=DEFAULT_BODY,
        quoted_text="",
        links=(),
        attachments=(),
        defects=(),
    )
    if body is not None:
        fields["text"] = body
        fields["current_text"] = body
    if sender is not None:
        fields["from_"] = addr(sender) if isinstance(sender, str) else sender
    if reply_to is not None:
        specs = [reply_to] if isinstance(reply_to, str) else list(reply_to)
        fields["reply_to"] = tuple(addr(s) if isinstance(s, str) else s for s in specs)
    if link_urls is not None:
        fields["links"] = tuple(link(u) for u in link_urls)
    fields.update(overrides)
    return ParsedMessage(**fields)


def empty_msg() -> ParsedMessage:
    """A message with nothing in it: no From, no subject, no body, no headers."""
    return ParsedMessage(
        message_id="", subject="", from_=None, sender=None, reply_to=(), return_path="", to=(),
        cc=(), date="", in_reply_to="", references=(), received=(), auth=AuthResults(), headers=(),
        text="", html="", current_text="", quoted_text="", links=(), attachments=(), defects=())
