"""Unit tests for features.parsing / features.html / features.thread on crafted raw messages."""
from __future__ import annotations

import hashlib
import pickle

import pytest

from features.html import extract_html_links, html_to_text
from features.message import AuthResults, ParsedMessage
from features.limits import Limits
from features.parsing import ParseError, parse_message
from features.thread import split_thread

# --------------------------------------------------------------------------------------------
# crafted messages

SIMPLE = b"""Return-Path: <Bounce@Mailer.Example.COM>
Received: from mx2.example.net (mx2.example.net [192.0.2.2]) by mx1.example.org; Mon, 1 Jan 2024 10:00:02 +0000
Received: from mail.example.com (mail.example.com [192.0.2.1])
\tby mx2.example.net with ESMTP id abc;
\tMon, 1 Jan 2024 10:00:01 +0000
Received: from [10.0.0.5] by mail.example.com; Mon, 1 Jan 2024 10:00:00 +0000
Authentication-Results: mx1.example.org;
 spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=example.com;
 dkim=pass header.d=example.com header.s=s1;
 dmarc=pass action=none header.from=example.com
Authentication-Results: other.example.org; spf=fail; dkim=fail; dmarc=fail
From: "Alice Example" <Alice@Example.COM>
Sender: Bulk Sender <bulk@sender.example.com>
Reply-To: Alice Replies <replies@example.com>, other@example.org
To: Bob <bob@example.org>, carol@example.org
To: dave@example.org
Cc: "Doe, Eve" <eve@example.org>
Subject: Quarterly   report
\tfor review
Date: Mon, 1 Jan 2024 10:00:00 +0000
Message-ID: <msg-1@example.com>
In-Reply-To: <msg-0@example.com>
References: <msg-a@example.com>
 <msg-0@example.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

Hi Bob,

please find the report at https://reports.example.com/q4.pdf, and the
summary at www.example.com/summary.

--
Alice
"""

ENCODED_WORDS = (
    b"From: =?utf-8?B?SsO2cmcgTcO8bGxlcg==?= <joerg@example.de>\n"
    b"To: =?iso-8859-1?Q?Fran=E7ois_Dupont?= <francois@example.fr>\n"
    b"Subject: =?utf-8?B?w5xiZXJ3ZWlzdW5nIGRyaW5nZW5k?= and\n"
    b" =?iso-8859-1?Q?caf=E9?= =?iso-8859-1?Q?_cr=E8me?=\n"
    b"Message-ID: <enc@example.de>\n"
    b"\n"
    b"body\n"
)

UNKNOWN_CHARSET = (
    b"From: a@example.com\n"
    b"Subject: =?x-no-such-charset?Q?Hello_W=F6rld?=\n"
    b"Content-Type: text/plain; charset=\"x-no-such-charset\"\n"
    b"\n"
    b"Caf\xe9 body with bytes\n"
)

ALTERNATIVE = b"""From: News <news@example.com>
To: you@example.org
Subject: Alternative
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="ALT"

--ALT
Content-Type: text/plain; charset=utf-8

Plain version of the message.
--ALT
Content-Type: text/html; charset=utf-8

<html><body><p>HTML version of the <b>message</b>.</p></body></html>
--ALT--
"""

HTML_ONLY = b"""From: PayPal Service <service@paypa1-support.example>
To: victim@example.org
Subject: Your account is limited
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<html><head><title>Title text</title><style>p { color: red; }</style>
<script>var secret = "script text";</script></head>
<body>
<p>Dear&nbsp;customer,</p>
<div>Your account has been <b>limited</b>.</div>
<p><a href="https://evil.example/login?id=1">https://www.paypal.com/signin</a></p>
<p><a href="https://xn--pypal-gra.com/verify">Verify now</a></p>
<span style="display:none">hidden filler words</span>
<p>Or visit www.paypal-help.example/faq today.</p>
<p><a href="#top">back to top</a></p>
</body></html>
"""

QP_BODY = (
    b"From: a@example.com\n"
    b"Subject: qp\n"
    b"MIME-Version: 1.0\n"
    b"Content-Type: text/plain; charset=iso-8859-1\n"
    b"Content-Transfer-Encoding: quoted-printable\n"
    b"\n"
    b"Gr=FC=DFe aus M=FCnchen, this is a long line that is soft=\n"
    b" wrapped by quoted-printable.\n"
)

B64_BODY = (
    b"From: a@example.com\n"
    b"Subject: b64\n"
    b"MIME-Version: 1.0\n"
    b"Content-Type: text/plain; charset=utf-8\n"
    b"Content-Transfer-Encoding: base64\n"
    b"\n"
    b"R3LDvMOfZSBhdXMgTcO8bmNoZW4g4oCUIHRoZSBwbGFpbiBib2R5Lgo=\n"
)

PDF_PAYLOAD = b"%PDF-1.4 fake invoice payload\n"
PNG_PAYLOAD = b"\x89PNG\r\n\x1a\nfakeimage"

ATTACHMENTS = b"""From: billing@example.com
To: you@example.org
Subject: Invoice
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="MIX"

--MIX
Content-Type: multipart/related; boundary="REL"

--REL
Content-Type: text/plain; charset=utf-8

See the attached invoice.
--REL
Content-Type: image/png
Content-Transfer-Encoding: base64
Content-ID: <logo@example.com>

iVBORw0KGgpmYWtlaW1hZ2U=
--REL--
--MIX
Content-Type: application/pdf; name="ignored.pdf"
Content-Disposition: attachment; filename="=?utf-8?B?UmVjaG51bmcgTcO8bGxlci5wZGY=?="
Content-Transfer-Encoding: base64

JVBERi0xLjQgZmFrZSBpbnZvaWNlIHBheWxvYWQK
--MIX
Content-Type: application/octet-stream
Content-Disposition: attachment; filename*=utf-8''na%C3%AFve%20file.exe
Content-Transfer-Encoding: base64

JVBERi0xLjQgZmFrZSBpbnZvaWNlIHBheWxvYWQK
--MIX
Content-Type: text/plain; charset=utf-8
Content-Disposition: attachment; filename="notes.txt"

attached notes, not body
--MIX--
"""

INNER = b"""From: Original Sender <orig@inner.example>
To: someone@example.org
Subject: Inner subject
Content-Type: text/plain

Inner body text https://inner.example/path
"""

NESTED = (
    b"From: forwarder@example.com\n"
    b"To: you@example.org\n"
    b"Subject: Fwd: Inner subject\n"
    b"MIME-Version: 1.0\n"
    b"Content-Type: multipart/mixed; boundary=\"OUT\"\n"
    b"\n"
    b"--OUT\n"
    b"Content-Type: text/plain\n"
    b"\n"
    b"See below.\n"
    b"--OUT\n"
    b"Content-Type: message/rfc822\n"
    b"Content-Disposition: attachment; filename=\"inner.eml\"\n"
    b"\n"
    + INNER +
    b"--OUT--\n"
)

TRUNCATED = b"""From: a@example.com
Subject: truncated
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="BND"

--BND
Content-Type: text/plain

The first part survives.
--BND
Content-Type: application/pdf; name="cut.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQgZmFrZSBpbn
"""

NO_FROM = b"""To: you@example.org
Subject: who sent this?

Body without a sender.
"""

REPLY = b"""From: bob@example.org
To: alice@example.com
Subject: Re: Quarterly report
In-Reply-To: <msg-1@example.com>

Thanks Alice, looks good.

--
Bob

On Mon, Jan 1, 2024 at 10:00 AM Alice Example <alice@example.com> wrote:
> Hi Bob,
>
> please find the report attached.
"""

# --------------------------------------------------------------------------------------------
# basic headers and addresses


def test_simple_headers_and_addresses():
    p = parse_message(SIMPLE)
    assert isinstance(p, ParsedMessage)
    assert p.message_id == "<msg-1@example.com>"
    assert p.subject == "Quarterly report for review"
    assert p.date == "Mon, 1 Jan 2024 10:00:00 +0000"
    assert p.in_reply_to == "<msg-0@example.com>"
    assert p.references == ("<msg-a@example.com>", "<msg-0@example.com>")
    assert p.from_.display_name == "Alice Example"
    assert p.from_.address == "alice@example.com"
    assert p.from_.domain == "example.com"
    assert p.from_.valid is True
    assert p.sender.address == "bulk@sender.example.com"
    assert p.sender.display_name == "Bulk Sender"
    assert [a.address for a in p.to] == ["bob@example.org", "carol@example.org", "dave@example.org"]
    assert p.to[0].display_name == "Bob"
    assert len(p.cc) == 1 and p.cc[0].display_name == "Doe, Eve"
    assert p.defects == ()


def test_reply_to_and_return_path():
    p = parse_message(SIMPLE)
    assert [(a.display_name, a.address) for a in p.reply_to] == [
        ("Alice Replies", "replies@example.com"), ("", "other@example.org")]
    assert p.return_path == "bounce@mailer.example.com"
    null_rp = parse_message(b"Return-Path: <>\nFrom: a@example.com\n\nbody\n")
    assert null_rp.return_path == ""
    assert null_rp.reply_to == ()
    assert parse_message(b"From: a@example.com\n\nbody\n").return_path == ""


def test_received_chain_order_and_unfolding():
    p = parse_message(SIMPLE)
    assert len(p.received) == 3
    assert p.received[0].startswith("from mx2.example.net")
    assert p.received[1] == ("from mail.example.com (mail.example.com [192.0.2.1]) by "
                             "mx2.example.net with ESMTP id abc; Mon, 1 Jan 2024 10:00:01 +0000")
    assert p.received[2].startswith("from [10.0.0.5]")


def test_headers_tuple_in_order_and_lookup():
    p = parse_message(SIMPLE)
    names = [n for n, _ in p.headers]
    assert names[:3] == ["Return-Path", "Received", "Received"]
    assert names.count("To") == 2
    assert p.header("subject") == "Quarterly report for review"
    assert p.header("X-Missing") is None


def test_invalid_and_idn_addresses():
    raw = (b"From: Bad <not-an-address@localhost>\n"
           b"To: user@xn--bcher-kva.example, \"Quoted\" <x@example.com>\n"
           b"Cc: undisclosed-recipients:;\n\nbody\n")
    p = parse_message(raw)
    assert p.from_.address == "not-an-address@localhost"
    assert p.from_.valid is False
    assert p.to[0].domain == "bücher.example"
    assert p.to[0].address == "user@xn--bcher-kva.example"
    assert p.to[0].valid is True
    assert p.to[1].display_name == "Quoted"
    assert p.cc == ()


def test_from_with_display_name_only_keeps_name():
    p = parse_message(b"From: PayPal Security Team\nSubject: x\n\nbody\n")
    assert p.from_ is not None
    assert p.from_.display_name == "PayPal Security Team"
    assert p.from_.address == "" and p.from_.valid is False


def test_raw_utf8_header_bytes():
    raw = "From: Jörg <j@example.de>\nSubject: Grüße\n\nbody\n".encode("utf-8")
    p = parse_message(raw)
    assert p.subject == "Grüße"
    assert p.from_.display_name == "Jörg"
    assert p.defects == ()


# --------------------------------------------------------------------------------------------
# RFC 2047 and charsets


def test_rfc2047_subject_and_display_names():
    p = parse_message(ENCODED_WORDS)
    assert p.subject == "Überweisung dringend and café crème"
    assert p.from_.display_name == "Jörg Müller"
    assert p.from_.address == "joerg@example.de"
    assert p.to[0].display_name == "François Dupont"
    assert p.header("From").startswith("Jörg Müller")


def test_unknown_charset_does_not_crash_and_is_a_defect():
    p = parse_message(UNKNOWN_CHARSET)
    assert "Hello W" in p.subject
    assert "body with bytes" in p.text
    assert "bad-charset:x-no-such-charset" in p.defects


def test_bad_encoded_word_base64_is_parsed_around():
    p = parse_message(b"From: a@example.com\nSubject: =?utf-8?B?###?=\n\nbody\n")
    assert isinstance(p.subject, str)
    assert p.text == "body\n"


# --------------------------------------------------------------------------------------------
# bodies


def test_multipart_alternative_picks_text_and_html():
    p = parse_message(ALTERNATIVE)
    assert p.text.strip() == "Plain version of the message."
    assert p.html.startswith("<html><body><p>HTML version")
    assert p.attachments == ()
    assert "no-body" not in p.defects


def test_html_only_message_text_and_links():
    p = parse_message(HTML_ONLY)
    assert "Dear customer," in p.text
    assert "Your account has been limited." in p.text.splitlines()
    assert "script text" not in p.text and "color: red" not in p.text
    assert "Title text" not in p.text
    assert "hidden filler words" in p.text           # hidden text is kept on purpose
    links = {l.url: l for l in p.links}
    evil = links["https://evil.example/login?id=1"]
    assert evil.in_html and evil.host == "evil.example"
    assert evil.anchor_text == "https://www.paypal.com/signin"
    # the anchor text is not a link of its own: it is the visible text of the evil link
    assert "https://www.paypal.com/signin" not in links
    plain = links["www.paypal-help.example/faq"]
    assert plain.in_html is False and plain.anchor_text == "" and plain.host == "www.paypal-help.example"
    assert not any(l.url.startswith("#") for l in p.links)


def test_punycode_host_is_decoded():
    p = parse_message(HTML_ONLY)
    idn = next(l for l in p.links if "verify" in l.url)
    assert idn.raw_host == "xn--pypal-gra.com"
    assert idn.host == "päypal.com"
    assert idn.anchor_text == "Verify now"


def test_quoted_printable_body():
    p = parse_message(QP_BODY)
    assert p.text.startswith("Grüße aus München, this is a long line that is soft wrapped")


def test_base64_body():
    p = parse_message(B64_BODY)
    assert p.text == "Grüße aus München — the plain body.\n"
    assert p.defects == ()


def test_crlf_line_endings():
    raw = b"From: a@example.com\r\nSubject: crlf\r\n\r\nline one\r\nline two\r\n"
    p = parse_message(raw)
    assert p.subject == "crlf"
    assert p.text == "line one\nline two\n"


def test_undecodable_base64_is_a_defect():
    raw = (b"From: a@example.com\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n"
           b"this is !!! not *** base64 at all ###\n")
    p = parse_message(raw)
    assert "undecodable-base64" in p.defects
    assert "not" in p.text


def test_us_ascii_declared_but_8bit_sent():
    raw = b"From: a@example.com\nContent-Type: text/plain; charset=us-ascii\n\nna\xc3\xafve\n"
    p = parse_message(raw)
    assert p.text == "naïve\n"
    assert "charset-mismatch:us-ascii" in p.defects


def test_message_without_body_is_flagged():
    p = parse_message(b"From: a@example.com\nSubject: empty\n")
    assert p.text == "" and p.html == ""
    assert "no-body" in p.defects


# --------------------------------------------------------------------------------------------
# attachments and nesting


def test_attachment_fields():
    p = parse_message(ATTACHMENTS)
    assert p.text.strip() == "See the attached invoice."
    assert "attached notes" not in p.text
    by_name = {a.filename: a for a in p.attachments}
    assert set(by_name) == {"", "Rechnung Müller.pdf", "naïve file.exe", "notes.txt"}
    pdf = by_name["Rechnung Müller.pdf"]
    assert pdf.content_type == "application/pdf"
    assert pdf.size == len(PDF_PAYLOAD)
    assert pdf.sha256 == hashlib.sha256(PDF_PAYLOAD).hexdigest()
    assert pdf.is_inline is False and pdf.nested is None
    assert by_name["naïve file.exe"].content_type == "application/octet-stream"
    logo = by_name[""]                       # inline image without a filename
    assert logo.content_type == "image/png"
    assert logo.is_inline is True
    assert logo.sha256 == hashlib.sha256(PNG_PAYLOAD).hexdigest()
    # the line break before a boundary belongs to the boundary (RFC 2046)
    assert by_name["notes.txt"].size == len(b"attached notes, not body")


def test_nested_message_rfc822_is_parsed():
    p = parse_message(NESTED)
    assert p.text.strip() == "See below."
    (att,) = p.attachments
    assert att.content_type == "message/rfc822"
    assert att.filename == "inner.eml"
    assert att.nested is not None
    assert att.nested.subject == "Inner subject"
    assert att.nested.from_.address == "orig@inner.example"
    assert att.nested.links[0].host == "inner.example"
    assert att.size > 0 and len(att.sha256) == 64
    # the inner body does not leak into the outer text or links
    assert "Inner body" not in p.text
    assert not p.links


def test_nested_depth_exhausted():
    p = parse_message(NESTED, max_depth=0)
    assert p.attachments[0].nested is None
    assert "max-depth" in p.defects


def test_parsed_message_pickles():
    p = parse_message(NESTED)
    assert pickle.loads(pickle.dumps(p)) == p


# --------------------------------------------------------------------------------------------
# authentication results


def test_authentication_results_pass_from_first_header():
    p = parse_message(SIMPLE)
    assert p.auth == AuthResults(spf="pass", dkim="pass", dmarc="pass", spf_domain="example.com",
                                 dkim_domains=("example.com",), dmarc_from="example.com",
                                 authserv_id="mx1.example.org", source="authentication-results",
                                 dmarc_policy="none")             # "action=none"


@pytest.mark.parametrize("value,expected", [
    (b"mx.example.org; spf=softfail smtp.mailfrom=x.example; dkim=fail (bad sig) header.d=x.example;"
     b" dmarc=fail action=quarantine", ("softfail", "fail", "fail")),
    (b"mx.example.org; dkim=pass header.d=x.example; spf=none", ("none", "pass", None)),
    (b"mx.example.org; SPF=PermError; DMARC=TempError", ("permerror", None, "temperror")),
    (b"mx.example.org; arc=pass (i=1 spf=fail dkim=fail); dkim-atps=neutral; spf=pass",
     ("pass", None, None)),
    (b"mx.example.org; none", (None, None, None)),
])
def test_authentication_results_combinations(value, expected):
    raw = b"Authentication-Results: " + value + b"\nFrom: a@example.com\n\nbody\n"
    auth = parse_message(raw).auth
    assert (auth.spf, auth.dkim, auth.dmarc) == expected


def test_authentication_results_absent():
    auth = parse_message(b"From: a@example.com\n\nbody\n").auth
    assert auth == AuthResults(None, None, None)


def test_received_spf_fallback():
    raw = (b"Received-SPF: Fail (protection.example: domain of x.example does not designate)\n"
           b"Authentication-Results: mx.example.org; dkim=pass header.d=x.example\n"
           b"From: a@example.com\n\nbody\n")
    assert parse_message(raw).auth == AuthResults(spf="fail", dkim="pass", dmarc=None,
                                                  dkim_domains=("x.example",),
                                                  authserv_id="mx.example.org",
                                                  source="authentication-results")


# --------------------------------------------------------------------------------------------
# links


def test_plain_text_links_and_dedup():
    p = parse_message(SIMPLE)
    assert [(l.url, l.host, l.in_html) for l in p.links] == [
        ("https://reports.example.com/q4.pdf", "reports.example.com", False),
        ("www.example.com/summary", "www.example.com", False),
    ]
    raw = b"From: a@example.com\n\nhttp://x.example/a and again http://x.example/a.\n"
    assert len(parse_message(raw).links) == 1


def test_link_host_strips_userinfo_and_port():
    html = (b'<a href="http://www.paypal.com@evil.example:8080/x">PayPal</a>'
            b'<a href="http://[broken/">broken</a>'
            b'<form action="https://collect.example/post"></form>'
            b'<map><area href="https://area.example/"></map>')
    raw = b"From: a@example.com\nContent-Type: text/html\n\n" + html
    links = {l.url: l for l in parse_message(raw).links}
    assert links["http://www.paypal.com@evil.example:8080/x"].host == "evil.example"
    assert links["http://[broken/"].host == ""
    assert links["https://collect.example/post"].anchor_text == ""
    assert links["https://area.example/"].host == "area.example"


def test_links_are_capped():
    urls = Limits().urls
    body = b"".join(b"https://h%d.example/\n" % i for i in range(urls + 50))
    p = parse_message(b"From: a@example.com\n\n" + body)
    assert len(p.links) == urls
    assert "limit:urls" in p.defects


# --------------------------------------------------------------------------------------------
# thread splitting


def test_reply_split_on_wrote_and_quote_lines():
    p = parse_message(REPLY)
    assert p.current_text == "Thanks Alice, looks good.\n\n--\nBob\n\n"
    assert p.quoted_text.startswith("On Mon, Jan 1, 2024 at 10:00 AM Alice Example")
    assert "> please find the report attached." in p.quoted_text
    assert p.current_text + p.quoted_text == p.text


def test_outlook_original_message_split():
    raw = b"""From: bob@example.org
Subject: RE: invoice

Please process today.

Regards, Bob

-----Original Message-----
From: Alice <alice@example.com>
Sent: Monday, January 1, 2024 10:00 AM
To: Bob <bob@example.org>
Subject: invoice

Old text.
"""
    p = parse_message(raw)
    assert p.current_text == "Please process today.\n\nRegards, Bob\n\n"
    assert p.quoted_text.startswith("-----Original Message-----")


def test_german_am_schrieb_split():
    text = ("Hallo Max,\nbitte heute noch überweisen.\n\n"
            "Am 01.01.2024 um 10:00 schrieb Erika Mustermann <erika@example.de>:\n"
            "> Alter Text\n")
    current, quoted = split_thread(text)
    assert current == "Hallo Max,\nbitte heute noch überweisen.\n\n"
    assert quoted.startswith("Am 01.01.2024")


@pytest.mark.parametrize("marker", [
    "-----Ursprüngliche Nachricht-----",
    "-----Message d'origine-----",
    "-----Mensagem original-----",
    "-----Oorspronkelijk bericht-----",
    "---------- Forwarded message ---------",
    "Begin forwarded message:",
    "Le lun. 1 janv. 2024 à 10:00, Jean <jean@example.fr> a écrit :",
    "Em seg., 1 de jan. de 2024 às 10:00, João <joao@example.br> escreveu:",
    "Op ma 1 jan. 2024 om 10:00 schreef Jan <jan@example.nl>:",
    "El lun, 1 ene 2024 a las 10:00, Juan (<juan@example.es>) escribió:",
])
def test_localized_markers(marker):
    text = f"Current part.\n\n{marker}\nOlder text\n"
    assert split_thread(text) == ("Current part.\n\n", f"{marker}\nOlder text\n")


def test_outlook_header_block_with_underscores_and_german():
    text = ("Bitte erledigen.\n\n________________________________\n"
            "Von: Erika <erika@example.de>\nGesendet: Montag, 1. Januar 2024 10:00\n"
            "An: Max <max@example.de>\nBetreff: Test\n\nAlt.\n")
    current, quoted = split_thread(text)
    assert current == "Bitte erledigen.\n\n"
    assert quoted.startswith("_____")
    english = "New.\nFrom: A <a@example.com>\nSent: today\nTo: B\nSubject: x\nold\n"
    assert split_thread(english) == ("New.\n", english[5:])


def test_wrapped_gmail_attribution():
    text = ("Sure.\n\nOn Mon, Jan 1, 2024 at 10:00 AM Alice Example <\n"
            "alice@example.com> wrote:\n\n> Can you?\n")
    assert split_thread(text)[0] == "Sure.\n\n"


def test_pure_forward_leaves_empty_current():
    text = "---------- Forwarded message ---------\nFrom: x\n\nforwarded body\n"
    assert split_thread(text) == ("", text)


def test_thread_split_does_not_trigger_on_ordinary_text():
    text = ("On Monday we will wire the money.\n"
            "From: the finance team\n"
            "> a single quoted line in the middle\n"
            "Am Ende des Tages.\n"
            "Le rapport est prêt.\n"
            "-- \n"
            "Signature line\n")
    assert split_thread(text) == (text, "")
    assert split_thread("") == ("", "")


def test_quote_run_with_attribution_line():
    text = "My answer.\n\nAlice wrote:\n> first\n> second\n"
    assert split_thread(text) == ("My answer.\n\n", "Alice wrote:\n> first\n> second\n")


def test_signature_stays_in_current_text():
    p = parse_message(REPLY)
    assert "--\nBob" in p.current_text


# --------------------------------------------------------------------------------------------
# broken mail and non-mail


def test_message_without_from():
    p = parse_message(NO_FROM)
    assert p.from_ is None
    assert "no-from" in p.defects
    assert p.text == "Body without a sender.\n"


def test_truncated_multipart_still_parses_with_defects():
    p = parse_message(TRUNCATED)
    assert "The first part survives." in p.text
    assert "CloseBoundaryNotFoundDefect" in p.defects
    assert p.attachments and p.attachments[0].filename == "cut.pdf"


def test_missing_start_boundary_is_a_defect():
    raw = (b"From: a@example.com\nContent-Type: multipart/mixed; boundary=\"NOPE\"\n\n"
           b"Just text, the boundary never appears.\n")
    p = parse_message(raw)
    assert "StartBoundaryNotFoundDefect" in p.defects
    assert "Just text" in p.text


def test_headerless_text_is_parsed_with_defect():
    p = parse_message(b"just some words without any header\nand a second line\n")
    assert "no-headers" in p.defects
    assert "just some words" in p.text
    assert p.from_ is None


def test_mbox_from_line_is_ignored():
    p = parse_message(b"From MAILER-DAEMON Mon Jan  1 10:00:00 2024\nSubject: s\n\nbody\n")
    assert p.subject == "s"
    assert [n for n, _ in p.headers] == ["Subject"]


@pytest.mark.parametrize("raw", [
    bytes(range(256)) * 8,
    b"\x00\x01\x02\x03\xff\xfe" * 1000,
    b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(200)),
])
def test_garbage_bytes_raise(raw):
    with pytest.raises(ParseError):
        parse_message(raw)


@pytest.mark.parametrize("raw", [b"", b"   \r\n\t \n"])
def test_empty_input_raises(raw):
    with pytest.raises(ParseError):
        parse_message(raw)


def test_non_bytes_raise():
    with pytest.raises(ParseError):
        parse_message("From: a@example.com\n\nbody\n")     # type: ignore[arg-type]
    with pytest.raises(ParseError):
        parse_message(None)                                 # type: ignore[arg-type]
    assert issubclass(ParseError, ValueError)


def test_bytearray_is_accepted():
    assert parse_message(bytearray(b"From: a@example.com\n\nbody\n")).text == "body\n"


# --------------------------------------------------------------------------------------------
# html helpers


def test_html_to_text_excludes_script_style_and_head():
    html = ("<html><head><title>T</title><style>.x{}</style><script>alert(1)</script>"
            "<meta charset='utf-8'></head><body><h1>Head&amp;line</h1><p>one   two</p>"
            "<div>three<br>four</div><ul><li>a</li><li>b</li></ul>"
            "<table><tr><td>c1</td><td>c2</td></tr></table>"
            "<script type='text/javascript'>document.write('x')</script></body></html>")
    assert html_to_text(html) == "Head&line\none two\nthree\nfour\na\nb\nc1 c2"


def test_html_to_text_keeps_hidden_text():
    html = ('<p>Visible</p><div style="display:none">hidden one</div>'
            '<span style="font-size:0">hidden two</span>'
            '<p style="visibility:hidden">hidden three</p>')
    assert html_to_text(html) == "Visible\nhidden one\nhidden two\nhidden three"


def test_html_to_text_on_broken_markup():
    assert html_to_text("<p>unclosed <b>bold <a href='x'>link") == "unclosed bold link"
    assert html_to_text("") == ""
    assert html_to_text("<title>never closed") == ""
    assert html_to_text("<html><head><title>t</title></head>text in no body") == "text in no body"


def test_extract_html_links():
    html = ('<a href=" https://a.example/\n ">First <b>link</b></a>'
            '<a href="#frag">in page</a><a name="x">no href</a>'
            '<a href="mailto:x@example.com">mail</a><a href="https://b.example/">unclosed'
            '<a href="https://c.example/"><img src="x.png"></a>')
    assert extract_html_links(html) == [
        ("https://a.example/", "First link"),
        ("mailto:x@example.com", "mail"),
        ("https://b.example/", "unclosed"),
        ("https://c.example/", ""),
    ]


def test_bottom_posted_reply_keeps_new_text_current():
    text = ("Alice wrote:\n> Can you send the invoice?\n> Thanks\n\nSure, attached.\n\n"
            "> And the report?\n\nTomorrow.\n-- \nBob\n")
    current, quoted = split_thread(text)
    assert quoted == "Alice wrote:\n> Can you send the invoice?\n> Thanks\n> And the report?\n"
    assert current == "\nSure, attached.\n\n\nTomorrow.\n-- \nBob\n"


def test_bottom_posted_reply_stops_at_hard_marker():
    text = "> quoted one\n> quoted two\nmy answer\n-----Original Message-----\nold stuff\n"
    assert split_thread(text) == ("my answer\n", "> quoted one\n> quoted two\n"
                                  "-----Original Message-----\nold stuff\n")


def test_bottom_posted_reply_under_on_wrote():
    text = ("On Mon, Jan 1, 2024 at 10:00 AM Alice <\nalice@example.com> wrote:\n"
            "> question?\n\nanswer.\n")
    assert split_thread(text) == ("\nanswer.\n", "On Mon, Jan 1, 2024 at 10:00 AM Alice <\n"
                                  "alice@example.com> wrote:\n> question?\n")


def test_leading_blank_line_and_bom_are_tolerated():
    assert parse_message(b"\r\n\nFrom: a@example.com\n\nbody\n").from_.address == "a@example.com"
    assert parse_message(b"\xef\xbb\xbfSubject: bom\n\nbody\n").subject == "bom"


def test_from_with_empty_angle_address():
    p = parse_message(b'From: "Facebook" <>\n\nbody\n')
    assert (p.from_.display_name, p.from_.address) == ("Facebook", "")


def test_base64_encoded_message_rfc822_is_decoded():
    import base64
    raw = (b"From: a@example.com\nContent-Type: multipart/mixed; boundary=B\n\n--B\n"
           b"Content-Type: text/plain\n\nouter\n--B\nContent-Type: message/rfc822\n"
           b"Content-Transfer-Encoding: base64\n\n" + base64.encodebytes(INNER) + b"--B--\n")
    att = parse_message(raw).attachments[0]
    assert att.nested is not None and att.nested.subject == "Inner subject"
