"""Getting submissions in: files an analyst hands over, and the abuse mailbox, where users forward
what they think is an attack. A forward wraps the original: it is unwrapped from an attached
message/rfc822 part when there is one (the headers survive intact), else reconstructed from an
inline forward (the quoted From/Date/To/Subject block and the text under it), and the user who
forwarded it is kept as the reporter."""
from __future__ import annotations

import re
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.generator import BytesGenerator
from email.message import EmailMessage, Message
from email.utils import parseaddr
from io import BytesIO
from typing import Optional



@dataclass(frozen=True)
class Report:
    raw: bytes                # the message to learn from (the unwrapped original for forwards)
    reporter: Optional[str]   # who forwarded it (abuse mailbox), else None
    how: str                  # how it was obtained: "", "attached original", "inline forward", ...


# Lines that start an inline forward, in the clients and languages seen in the corpora.
_FORWARD_MARKERS = re.compile(
    r"^[ \t>]*(?:-{2,}\s*(?:Forwarded message|Original Message|Forwarded Message|"
    r"Weitergeleitete Nachricht|Ursprüngliche Nachricht|Message transféré|Message d'origine|"
    r"Mensagem encaminhada|Mensaje reenviado|Doorgestuurd bericht|Oorspronkelijk bericht)\s*-{2,}"
    r"|Begin forwarded message:|Début du message réexpédié\s*:)\s*$",
    re.I | re.M)
_HEADER_LINE = re.compile(r"^[ \t>]*(From|De|Von|Van|Date|Sent|Datum|Gesendet|Envoyé|Enviado|"
                          r"Verzonden|To|An|À|Para|Aan|Cc|Subject|Betreff|Objet|Assunto|Asunto|"
                          r"Onderwerp|Reply-To)\s*:\s*(.*)$", re.I)
_CANONICAL = {"from": "From", "de": "From", "von": "From", "van": "From",
              "date": "Date", "sent": "Date", "datum": "Date", "gesendet": "Date",
              "envoyé": "Date", "enviado": "Date", "verzonden": "Date",
              "to": "To", "an": "To", "à": "To", "para": "To", "aan": "To", "cc": "Cc",
              "subject": "Subject", "betreff": "Subject", "objet": "Subject", "assunto": "Subject",
              "asunto": "Subject", "onderwerp": "Subject", "reply-to": "Reply-To"}


def unwrap(raw: bytes) -> Report:
    """The original inside a user's forward, with the forwarding user as reporter. A message that
    is not a forward comes back as it is (``how`` says so): the report is never dropped."""
    outer = message_from_bytes(raw, policy=policy.compat32)
    reporter = parseaddr(str(outer.get("From", "")))[1].lower() or None
    attached = _attached_original(outer)
    if attached is not None:
        return Report(attached, reporter, "attached original")
    inline = _inline_original(outer)
    if inline is not None:
        return Report(inline, reporter, "inline forward")
    return Report(raw, reporter, "not a forward: kept as reported")


def _attached_original(outer: Message) -> Optional[bytes]:
    for part in outer.walk():
        ctype = part.get_content_type()
        filename = (part.get_filename() or "").lower()
        if ctype == "message/rfc822":
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) and payload else None
            if isinstance(inner, Message):
                return _as_bytes(inner)
            data = part.get_payload(decode=True)       # a base64-encoded message/rfc822
            if data:
                return data
        elif filename.endswith(".eml") or ctype == "application/eml":
            data = part.get_payload(decode=True)
            if data:
                return data
    return None


def _as_bytes(msg: Message) -> bytes:
    buf = BytesIO()
    BytesGenerator(buf, mangle_from_=False, maxheaderlen=0).flatten(msg)
    return buf.getvalue()


def _text_of(outer: Message) -> str:
    from features.html import html_to_text
    plain = html = None
    for part in outer.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        ctype = part.get_content_type()
        if ctype not in ("text/plain", "text/html"):
            continue
        data = part.get_payload(decode=True) or b""
        text = data.decode(part.get_content_charset() or "utf-8", errors="replace")
        if ctype == "text/plain" and plain is None:
            plain = text
        elif ctype == "text/html" and html is None:
            html = text
    return plain if plain is not None else html_to_text(html) if html else ""


def _inline_original(outer: Message) -> Optional[bytes]:
    text = _text_of(outer).replace("\r\n", "\n")
    marker = _FORWARD_MARKERS.search(text)
    if not marker:
        return None
    lines = text[marker.end():].lstrip("\n").split("\n")
    headers: list[tuple[str, str]] = []
    i = 0
    while i < len(lines):
        m = _HEADER_LINE.match(lines[i])
        if m:
            headers.append((_CANONICAL[m.group(1).lower()], m.group(2).strip()))
        elif lines[i].strip() == "" and headers:
            break
        elif headers and lines[i][:1] in (" ", "\t"):                 # a folded header value
            name, value = headers[-1]
            headers[-1] = (name, f"{value} {lines[i].strip()}")
        elif headers:
            break
        i += 1
    if not any(name == "From" for name, _ in headers):
        return None
    body = "\n".join(re.sub(r"^> ?", "", line) for line in lines[i:]).strip("\n") + "\n"
    msg = EmailMessage(policy=policy.SMTP)
    for name, value in headers:
        if name not in msg:
            msg[name] = _fix_address(value) if name in ("From", "To", "Cc", "Reply-To") else value
    msg.set_content(body)
    return msg.as_bytes()


def _fix_address(value: str) -> str:
    """Mail clients write inline forward headers as 'Name [mailto:a@b]' or 'Name <a@b>'."""
    value = re.sub(r"\[mailto:([^\]]+)\]", r"<\1>", value)
    return value.replace('"', "").strip()
