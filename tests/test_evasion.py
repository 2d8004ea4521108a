"""Evasion: the same attack, obfuscated, must still fire the signal that catches it in the clear.

Every case is a raw message run through the real parser and every extractor (``parse_message`` +
``evaluate``): zero-width characters and look-alike letters inside urgency and credential words,
homoglyph brand and VIP names and sender domains, hidden HTML padding, the text moved into an
image, links behind open redirects, and punycode lookalike domains. For each, the clean version
fires too, so a case that stops firing is an evasion, not a dead signal.
"""
from __future__ import annotations

import base64

import pytest

from features.domains import to_unicode
from features.parsing import parse_message
from features.signals import Evidence
from features.catalogue import evaluate
from detectors.scoring import signal_errors
from tests.hostile import context

SENDER = "Account Team <notice@account-mailer.com>"


def _header_value(value: str) -> str:
    """Non-ASCII display names as an RFC 2047 encoded word, the way mailers send them."""
    if value.isascii():
        return value
    name, sep, addr = value.rpartition(" <")
    encoded = base64.b64encode(name.encode("utf-8")).decode()
    return f"=?utf-8?B?{encoded}?={sep}{addr}"


def mail(body: str = "", subject: str = "Account notice", sender: str = SENDER,
         html: str | None = None, plain: str | None = None, raw_from: bool = False) -> bytes:
    """A message: plain ``body``, or an ``html`` part (with an optional ``plain`` alternative).
    ``raw_from`` sends the From header as raw UTF-8 (RFC 6532) instead of encoded words."""
    frm = sender if raw_from else _header_value(sender)
    head = f"From: {frm}\nTo: bob@example.com\nSubject: {subject}\nMIME-Version: 1.0\n"
    if html is None:
        return (head + "Content-Type: text/plain; charset=utf-8\n\n" + body + "\n").encode("utf-8")
    if plain is None:
        return (head + "Content-Type: text/html; charset=utf-8\n\n" + html + "\n").encode("utf-8")
    return (head + 'Content-Type: multipart/alternative; boundary="B"\n\n'
            "--B\nContent-Type: text/plain; charset=utf-8\n\n" + plain + "\n"
            "--B\nContent-Type: text/html; charset=utf-8\n\n" + html + "\n--B--\n").encode("utf-8")


def signals_of(raw: bytes) -> dict[str, Evidence | None]:
    """Every signal's evidence for one raw message; no signal may raise."""
    evidence = evaluate(parse_message(raw), context())
    assert signal_errors(evidence) == []
    return {name: ev for cev in evidence.values() for name, ev in cev.items()}


def fires(raw: bytes, name: str) -> Evidence:
    ev = signals_of(raw)[name]
    assert ev is not None and ev.value > 0, f"{name} did not fire: {ev}"
    return ev


# --------------------------------------------------------------------------------------------
# (a) zero-width and look-alike characters inside urgency and credential words

LURE = "This is urgent. Please verify your password immediately or the account will be closed."
INVISIBLE = {
    "zero-width space": "\u200b", "zero-width non-joiner": "\u200c", "zero-width joiner": "\u200d",
    "soft hyphen": "\u00ad", "word joiner": "\u2060", "byte order mark": "\ufeff",
    "invisible times": "\u2062", "Mongolian vowel separator": "\u180e",
    "variation selector": "\ufe0f", "tag space": "\U000e0020", "Arabic letter mark": "\u061c",
}


def _sprinkle(text: str, ch: str) -> str:
    """``ch`` inside every word of four letters or more ("ur\u200bgent")."""
    return " ".join(w[:2] + ch + w[2:] if len(w) >= 4 else w for w in text.split(" "))


@pytest.mark.parametrize("what", list(INVISIBLE))
def test_invisible_characters_inside_words(what):
    clean, hidden = signals_of(mail(LURE)), signals_of(mail(_sprinkle(LURE, INVISIBLE[what])))
    for name in ("trust.urgency", "goal.credentials"):
        assert clean[name].value > 0
        assert hidden[name] == clean[name], name


@pytest.mark.parametrize("html", [
    LURE.replace("urgent", "ur&#8203;gent").replace("password", "pass&zwnj;word"),
    LURE.replace("urgent", "ur<span style='font-size:0'>x</span>gent")
        .replace("password", "pass<span style='display:none'>q</span>word"),
], ids=["html entities", "hidden letters"])
def test_html_obfuscated_words(html):
    clean = signals_of(mail(html=f"<p>{LURE}</p>"))
    obfuscated = signals_of(mail(html=f"<p>{html}</p>"))
    for name in ("trust.urgency", "goal.credentials"):
        assert clean[name].value > 0
        assert obfuscated[name] == clean[name], name


def test_lookalike_letters_inside_words():
    """Cyrillic/Greek letters inside Latin words ("pаssword" with a Cyrillic а) read as Latin."""
    mixed = (LURE.replace("password", "p\u0430ssw\u043erd").replace("verify", "v\u0435rify")
             .replace("urgent", "urg\u0435nt").replace("immediately", "imm\u03b5diately"))
    clean, obfuscated = signals_of(mail(LURE)), signals_of(mail(mixed))
    for name in ("trust.urgency", "goal.credentials"):
        assert obfuscated[name] == clean[name], name


def test_wholly_foreign_words_are_not_folded():
    """Words written wholly in Cyrillic are real Russian, not look-alikes: left alone."""
    assert signals_of(mail("Ваш пароль изменён. Спасибо."))["goal.credentials"].value == 0


# --------------------------------------------------------------------------------------------
# (b) homoglyph display names and sender domains

@pytest.mark.parametrize("name,clean,obfuscated", [
    ("impersonation.brand_in_display_name", "PayPal Service <service@mailer-notice.com>",
     "P\u0430yP\u0430l Service <service@mailer-notice.com>"),                 # Cyrillic а
    ("impersonation.brand_in_display_name", "PayPal <service@mailer-notice.com>",
     "\u03a1\u0430y\u03a1\u0430l <service@mailer-notice.com>"),               # Greek Ρ, Cyrillic а
    ("impersonation.brand_in_display_name", "PayPal <service@mailer-notice.com>",
     "Pay\ufe0fPal <service@mailer-notice.com>"),                             # variation selector
    ("impersonation.brand_in_display_name", "Microsoft Support <help@mailer-notice.com>",
     "Micr\u03bfs\u03bfft Supp\u03bfrt <help@mailer-notice.com>"),            # Greek ο
    ("impersonation.vip_display_name", "Jane Doe <jane.doe.ceo@gmail.com>",
     "J\u0430ne D\u043ee <jane.doe.ceo@gmail.com>"),
    ("impersonation.vip_display_name", "Jane Doe <jane.doe.ceo@gmail.com>",
     "Ja\u200bne Doe <jane.doe.ceo@gmail.com>"),
    ("impersonation.brand_domain_lookalike", "PayPal <service@paypa1.com>",
     "PayPal <service@p\u0430ypal.com>"),
    ("impersonation.brand_domain_lookalike", "PayPal <service@paypa1.com>",
     "PayPal <service@p\u03b1ypal.com>"),                                     # Greek α
    ("impersonation.protected_domain_lookalike", "IT Desk <it@examp1e.com>",
     "IT Desk <it@ex\u0430mple.com>"),
    ("impersonation.vendor_lookalike", "Acme AR <ar@acme-suppl1es.com>",
     "Acme AR <ar@acme-suppli\u0435s.com>"),
])
def test_homoglyph_names_and_domains(name, clean, obfuscated):
    fires(mail(LURE, sender=clean), name)
    fires(mail(LURE, sender=obfuscated, raw_from=True), name)
    fires(mail(LURE, sender=obfuscated), name)


@pytest.mark.parametrize("sender", [
    "P\u0430yP\u0430l Service <service@mailer-notice.com>", "Jane\u200b Doe <jd@exec-mail.net>",
    "\u202eeoD enaJ <jd@exec-mail.net>", "Pay\ufe0fPal <x@mailer-notice.com>",
])
def test_forged_display_names_are_flagged(sender):
    fires(mail(LURE, sender=sender), "impersonation.homoglyph_display_name")


# --------------------------------------------------------------------------------------------
# (c) hidden HTML text padding a phishing body

PHISH_HTML = ("<p>Your account has been suspended. Verify your password immediately to restore "
              "access:</p><p><a href='https://login-check.example.net/x'>Restore access</a></p>")
BENIGN = " ".join(["the quarterly planning meeting notes are on the team drive and lunch is at noon"]
                  * 60)
HIDERS = {
    "display:none": "<div style='display:none'>{}</div>",
    "font-size:0": "<span style='font-size:0px;line-height:0'>{}</span>",
    "tiny font": "<div style='font-size:1px'>{}</div>",
    "white on white": "<div style='color:#ffffff'>{}</div>",
    "same colour as background": "<div style='background-color:#f4f4f4;color:#f4f4f4'>{}</div>",
    "visibility:hidden": "<p style='visibility:hidden'>{}</p>",
    "opacity:0": "<div style='opacity:0'>{}</div>",
    "zero height": "<div style='max-height:0;overflow:hidden'>{}</div>",
    "off screen": "<div style='position:absolute;left:-9999px'>{}</div>",
    "hidden attribute": "<div hidden>{}</div>",
    "class in a style block": "<style>.pad {{ display: none !important; }}</style><div class='x pad'>{}</div>",
}
PHISH_SIGNALS = ("goal.credentials", "trust.urgency", "payload.credential_words_near_link")


@pytest.mark.parametrize("where", ["before", "after", "60 KB before"])
@pytest.mark.parametrize("hider", list(HIDERS))
def test_hidden_padding(hider, where):
    padding = BENIGN * (14 if where == "60 KB before" else 1)
    hidden = HIDERS[hider].format(padding)
    html = hidden + PHISH_HTML if "before" in where else PHISH_HTML + hidden
    clean, padded = signals_of(mail(html=PHISH_HTML)), signals_of(mail(html=html))
    for name in PHISH_SIGNALS:
        assert clean[name].value > 0, name
        assert padded[name] == clean[name], name
    assert clean["payload.hidden_text"].value == 0
    assert padded["payload.hidden_text"].value > 0.9, padded["payload.hidden_text"]


def test_visible_text_on_a_coloured_background_is_not_hidden():
    button = ("<table><tr><td bgcolor='#0070ba'><a href='https://example.com/x' style='color:#ffffff'>"
              "Open the quarterly planning notes</a></td></tr></table>")
    assert signals_of(mail(html=f"<p>Hello team,</p>{button}"))["payload.hidden_text"].value == 0


# --------------------------------------------------------------------------------------------
# (d) the text moved into an image

IMAGE_LINK = ("<a href='https://login-check.example.net/x'>"
              "<img src='https://cdn.example.net/notice.png' width='600' height='400'></a>")


@pytest.mark.parametrize("html,plain", [
    (IMAGE_LINK, None),
    (f"<html><body><center>{IMAGE_LINK}</center></body></html>", None),
    ("<a href='https://login-check.example.net/x'><div style=\"background-image:url('https://cdn.example.net/"
     "n.png');width:600px;height:400px\"></div></a>", None),
    ("<table background='https://cdn.example.net/n.png' width=600 height=400><tr><td>"
     "<a href='https://login-check.example.net/x'>&nbsp;</a></td></tr></table>", None),
    (IMAGE_LINK + f"<div style='display:none'>{BENIGN}</div>", None),
    (IMAGE_LINK, BENIGN),                                  # a long text part the reader never sees
], ids=["img", "img in layout", "css background", "table background", "hidden padding",
        "benign plain alternative"])
def test_text_moved_into_an_image(html, plain):
    fires(mail(html=PHISH_HTML), "payload.credential_words_near_link")
    fires(mail(html=html, plain=plain), "payload.image_only_body")


def test_text_with_a_picture_is_not_image_only():
    html = PHISH_HTML + f"<p>{LURE}</p><img src='https://cdn.example.net/logo.png'>"
    assert signals_of(mail(html=html))["payload.image_only_body"].value == 0


# --------------------------------------------------------------------------------------------
# (e) links behind open redirects

TARGETS = {
    "payload.free_hosting_link": "https://secure-login.000webhostapp.com/pp",
    "payload.ip_host_link": "http://185.220.101.7/login",
    "payload.punycode_link": "https://xn--pypal-4ve.com/signin",
    "payload.shortener_link": "https://bit.ly/3xYzAb",
}


def _enc(url: str) -> str:
    from urllib.parse import quote
    return quote(url, safe="")


REDIRECTORS = {
    "google url?q=": lambda t: f"https://www.google.com/url?q={t}&sa=D",
    "google url?url= encoded": lambda t: f"https://www.google.com/url?sa=t&url={_enc(t)}",
    "facebook l.php": lambda t: f"https://l.facebook.com/l.php?u={_enc(t)}&h=AT0",
    "youtube redirect": lambda t: f"https://www.youtube.com/redirect?event=x&q={_enc(t)}",
    "safelinks around google": lambda t: ("https://nam02.safelinks.protection.outlook.com/?url="
                                          + _enc(f"https://www.google.com/url?q={_enc(t)}") + "&data=x"),
    "open redirect //host": lambda t: "https://shop.example.com/login?next=" + t.split(":", 1)[1],
}


def _link_mail(url: str) -> bytes:
    return mail(html=f"<p>Verify your password here: <a href='{url}'>Sign in</a></p>")


@pytest.mark.parametrize("redirector", list(REDIRECTORS))
@pytest.mark.parametrize("name", list(TARGETS))
def test_link_behind_open_redirect(name, redirector):
    target = TARGETS[name]
    fires(_link_mail(target), name)
    wrapped = _link_mail(REDIRECTORS[redirector](target))
    fires(wrapped, name)
    via = fires(wrapped, "payload.redirect_params")
    assert via.detail.endswith(to_unicode(target.split("/")[2])), via.detail   # the target is named


def test_google_amp_path_redirect():
    fires(_link_mail("https://www.google.com/amp/s/secure-login.000webhostapp.com/pp"),
          "payload.free_hosting_link")


def test_ordinary_query_values_are_not_targets():
    ev = signals_of(_link_mail("https://shop.example.com/item?id=5&ref=newsletter&lang=en"))
    for name in (*TARGETS, "payload.redirect_params"):
        assert ev[name].value == 0, name


# --------------------------------------------------------------------------------------------
# (f) punycode lookalike domains

@pytest.mark.parametrize("name,clean,punycode", [
    ("impersonation.brand_domain_lookalike", "PayPal <service@paypa1.com>",
     "PayPal <service@xn--pypal-4ve.com>"),
    ("impersonation.brand_domain_lookalike", "Microsoft <no-reply@rnicrosoft.com>",
     "Microsoft <no-reply@xn--micrsoft-qbh.com>"),
    ("impersonation.protected_domain_lookalike", "IT <it@examp1e.com>", "IT <it@xn--exmple-4nf.com>"),
    ("impersonation.protected_domain_lookalike", "IT <it@examp1e.com>", "IT <it@XN--EXMPLE-4NF.COM>"),
    ("impersonation.protected_domain_lookalike", "IT <it@examp1e.com>", "IT <it@mail.xn--exmple-4nf.com>"),
    ("impersonation.protected_domain_lookalike", "IT <it@examp1e.com>", "IT <it@xn--exmple-4nf.com.>"),
    ("impersonation.vendor_lookalike", "Acme <ar@acme-suppl1es.com>", "Acme <ar@xn--acme-supplis-2ck.com>"),
])
def test_punycode_lookalike_sender(name, clean, punycode):
    fires(mail(LURE, sender=clean), name)
    fires(mail(LURE, sender=punycode), name)
    fires(mail(LURE, sender=punycode), "impersonation.punycode_sender_domain")


def test_punycode_lookalike_link():
    anchor = "www.paypal.com/signin"
    clean = mail(html=f"<p>Verify your password: <a href='https://paypa1.com/signin'>{anchor}</a></p>")
    puny = mail(html=f"<p>Verify your password: <a href='https://xn--pypal-4ve.com/signin'>{anchor}</a></p>")
    fires(clean, "payload.anchor_host_mismatch")
    assert "\u0430ypal.com" in fires(puny, "payload.anchor_host_mismatch").detail
    fires(puny, "payload.punycode_link")
