"""Signatures scoped by identity and fingerprints that survive rewording (detectors/signatures.py,
features/fingerprints.py), on real parsed messages: a false-alarm report clears its own sender's
family and nothing else; a missed campaign is caught again after its opening, subject and padding
change; an attacker copying a reported vendor's template inherits nothing."""
from __future__ import annotations

from email.message import EmailMessage

import numpy as np
import pytest

from detectors.signatures import SignatureIndex, indicators_of
from features.context import Context, load_org
from features.fingerprints import fingerprint
from features.parsing import parse_message

CTX = Context(load_org())

NOTICE = """Dear {name},

Our records show that invoice {inv} for your payroll service, amounting to {amount}, is now
{days} days past due. Payroll runs for your company will continue as scheduled, but late fees
apply to balances that remain open after the grace period described in your service agreement.

You can review the invoice, download a PDF copy and pay by bank transfer or card from the
billing section of your account. If you have already paid, please disregard this reminder;
payments can take up to three business days to appear on your statement.

Questions about this invoice can be sent to our accounts receivable team, who are available
Monday to Friday from 8am to 6pm Eastern time.

Thank you for your business,
Accounts Receivable
"""


def _raw(sender: str, subject: str, body: str, auth_domain: str | None = None,
         html: str | None = None) -> bytes:
    m = EmailMessage()
    if auth_domain:
        m["Authentication-Results"] = (f"mx.example.com; dkim=pass header.d={auth_domain}; "
                                       f"spf=pass smtp.mailfrom={auth_domain}; "
                                       f"dmarc=pass header.from={auth_domain}")
    m["From"] = sender
    m["To"] = "ap@example.com"
    m["Subject"] = subject
    m["Message-ID"] = f"<{abs(hash((sender, subject, body)))}@x>"
    m.set_content(body)
    if html:
        m.add_alternative(html, subtype="html")
    return m.as_bytes()


def _notice(i: int, sender: str = "Acme Payroll <billing@acmepayroll.com>",
            auth: str | None = "acmepayroll.com", link: str = "https://acmepayroll.com/billing") -> bytes:
    body = NOTICE.format(name=["Dana", "Lee", "Sam", "Alex"][i % 4], inv=f"INV-{1000 + i}",
                         amount=f"${120 + 37 * i}.00", days=15 + i) + f"\nPay online: {link}\n"
    return _raw(sender, f"Invoice INV-{1000 + i} is past due", body, auth)


def _marks(raw: bytes) -> dict:
    msg = parse_message(raw)
    return indicators_of(msg) | fingerprint(msg, CTX)


def _index(kind: str, raws: list[bytes]) -> SignatureIndex:
    n = len(raws)
    return SignatureIndex([f"sig-{i}" for i in range(n)], list(range(n)), [kind] * n,
                          np.zeros((n, 384), dtype=np.float32), [_marks(r) for r in raws])


def _match(index: SignatureIndex, raw: bytes):
    return index.match(None, [_marks(raw)])[0]


# -- false alarms: scoped by who provably sent them --------------------------------------------

def test_allow_clears_the_rest_of_the_senders_family():
    index = _index("allow", [_notice(0), _notice(1)])
    for i in range(2, 6):
        m = _match(index, _notice(i))
        assert m is not None and m.kind == "allow", i
        assert "same sender acmepayroll.com" in m.reason()


def test_allow_does_not_clear_the_same_template_from_another_sender():
    index = _index("allow", [_notice(0), _notice(1)])
    other = _notice(2, "Globex Billing <billing@globex.com>", "globex.com", "https://globex.com/pay")
    assert _match(index, other) is None
    freemail = _notice(3, "Acme Payroll <acmepayroll.billing@gmail.com>", "gmail.com")
    assert _match(index, freemail) is None


def test_allow_is_not_inherited_by_a_lookalike_or_a_foreign_payment_link():
    index = _index("allow", [_notice(0), _notice(1)])
    lookalike = _notice(2, "Acme Payroll <billing@acmepayrol1.com>", "acmepayrol1.com",
                        "https://acmepayrol1.com/billing")
    assert _match(index, lookalike) is None
    # The reported sender's own domain (say, a compromised account) linking its payment page to
    # an unrelated host: the identity is broken, the allow does not apply.
    foreign = _notice(3, link="https://pay-portal.example-invoices.top/login")
    fp = _marks(foreign)
    assert fp["identity_broken"], fp
    assert _match(index, foreign) is None


def test_without_trusted_authentication_the_key_is_the_exact_address():
    index = _index("allow", [_notice(0, auth=None), _notice(1, auth=None)])
    assert _marks(_notice(0, auth=None))["sender_key"] == "from:billing@acmepayroll.com"
    assert _match(index, _notice(2, auth=None)) is not None
    other_box = _notice(3, "Acme Payroll <accounts@acmepayroll.com>", None)
    assert _match(index, other_box) is None


# -- missed campaigns: fingerprints that survive rewording -------------------------------------

LURE = """Hello,

Your mailbox storage is almost full and incoming messages are being held on the server. To keep
receiving mail you must confirm your account details within 24 hours, otherwise the held messages
will be deleted and your address will be suspended from the mail service permanently.

Review the held messages and confirm your account here: {link}

This is an automated message from the mail administration team. Do not reply to this message,
replies are not monitored. We apologise for any inconvenience this may cause.
"""


def _lure(opening: str = "", subject: str = "Action required: mailbox full", pad: str = "",
          sender: str = "Mail Admin <admin@mailbox-quota.top>") -> bytes:
    body = pad + opening + LURE.format(link="https://mailbox-quota.top/verify/8f3a9c2e")
    return _raw(sender, subject, body)


def test_block_catches_a_rewritten_campaign():
    index = _index("block", [_lure(), _lure(subject="Mailbox full")])
    rewritten = _lure(opening="Dear user, this is an important notice about your account "
                              "from the IT service desk, please read it carefully today.\n\n",
                      subject="Important: your messages are on hold",
                      pad="\u200b" * 40 + "\u2060" * 40)
    m = _match(index, rewritten)
    assert m is not None and m.kind == "block"
    assert "text fingerprint" in m.reason() or "kit" in m.reason()


def test_block_catches_a_kit_whose_wording_changed():
    page = ("<html><body><table><tr><td><img src='logo.png'></td></tr><tr><td><h2>{t}</h2>"
            "<p>{p}</p><form action='https://collector.badhost.top/gate/77/post.php' method='post'>"
            "<input name='u'><input name='p' type='password'><button>{b}</button></form>"
            "</td></tr></table></body></html>")
    first = _raw("IT <it@quota-alerts.top>", "Verify", "verify", html=page.format(
        t="Verify your account", p="Sign in to keep your mailbox", b="Sign in"))
    again = _raw("Support <help@secure-notices.top>", "Docs", "docs", html=page.format(
        t="Shared document", p="Enter your password to view the file", b="Open"))
    m = _match(_index("block", [first]), again)
    assert m is not None and m.kind == "block" and "kit: " in m.reason()
    assert "collector.badhost.top/gate/{n}/post.php" in m.reason()


def test_wording_alone_never_blocks_a_proven_coherent_sender():
    """A phishing kit copies a real template: blocking its wording must not block the real
    service's own mail, authenticated and coherent."""
    phish = _notice(0, "Acme Payroll <billing@acme-payroll-billing.top>", None,
                    "https://acme-payroll-billing.top/pay")
    index = _index("block", [phish])
    real = _notice(1)
    assert _marks(real)["sender_key"] == "org:acmepayroll.com" and not _marks(real)["identity_broken"]
    assert _match(index, real) is None
    # The same wording from an unproven sender is still caught.
    again = _notice(2, "Acme Payroll <billing@acme-payroll-billing.top>", None,
                    "https://acme-payroll-billing.top/pay")
    assert _match(index, again) is not None


def test_block_wins_over_an_allow_from_a_lookalike():
    allow = _index("allow", [_notice(0)])
    block = _index("block", [_notice(1, "Acme Payroll <billing@acmepayrol1.com>", "acmepayrol1.com",
                                     "https://acmepayrol1.com/billing")])
    both = SignatureIndex(allow.ids + ["sig-b"], [0, 1], ["allow", "block"],
                          np.zeros((2, 384), dtype=np.float32),
                          allow.indicators + block.indicators)
    m = _match(both, _notice(2, "Acme Payroll <billing@acmepayrol1.com>", "acmepayrol1.com",
                             "https://acmepayrol1.com/billing"))
    assert m is not None and m.kind == "block"


@pytest.mark.parametrize("n", [0, 1])
def test_empty_and_tiny_texts_have_no_text_fingerprint(n):
    raw = _raw("a@b.com", "hi", "hello" * n)
    assert _marks(raw)["minhash"] is None


def test_an_unauthenticated_allow_does_not_cover_new_link_hosts():
    """Without trusted authentication anyone can write the reported From address: a copy that
    links somewhere the reported notices did not inherits nothing."""
    index = _index("allow", [_notice(0, auth=None), _notice(1, auth=None)])
    assert _match(index, _notice(2, auth=None)) is not None
    spoof = _notice(3, auth=None, link="https://account-review-center.net/billing/statement")
    assert _match(index, spoof) is None


@pytest.mark.parametrize("filename, ctype, payload", [
    ("statement.exe", "application/octet-stream", b"MZ\x90\x00" + b"\x00" * 60),
    ("statement.docm", "application/vnd.ms-word.document.macroEnabled.12", b"PK\x03\x04macro"),
    ("statement.html", "text/html", b"<form action='https://x.example.net/p'><input "
                                    b"type=password name=p></form>"),
])
def test_an_unauthenticated_allow_does_not_cover_a_new_attachment(filename, ctype, payload):
    """The reported notice's text, spoofed from its unauthenticated address, with an attachment
    the reports did not carry (found by bench/flywheel.py's abuse run: it used to clear)."""
    index = _index("allow", [_notice(0, auth=None), _notice(1, auth=None)])
    m = EmailMessage()
    m.set_content(NOTICE.format(name="Dana", inv="INV-1002", amount="$194.00", days=17)
                  + "\nPay online: https://acmepayroll.com/billing\n")
    m["From"], m["To"], m["Subject"] = ("Acme Payroll <billing@acmepayroll.com>",
                                        "ap@example.com", "Invoice INV-1002 is past due")
    assert _match(index, m.as_bytes()) is not None              # the same notice: cleared
    maintype, _, subtype = ctype.partition("/")
    m.add_attachment(payload, maintype=maintype, subtype=subtype, filename=filename)
    assert _match(index, m.as_bytes()) is None


def test_an_unauthenticated_allow_does_not_cover_a_new_ask():
    """The reported notice spoofed from its unauthenticated address with no link or file to
    change, only a new concrete ask appended (a changed bank account, gift cards): nothing
    inherited. The same notice without the ask still clears, and an ask the reports themselves
    made does not block their family."""
    index = _index("allow", [_notice(0, auth=None), _notice(1, auth=None)])
    assert _match(index, _notice(2, auth=None)) is not None
    for ask in ("Please note our bank details have changed: remit to the new account below.",
                "Also, buy four gift cards for the team and send me the codes today."):
        spoof = _raw("Acme Payroll <billing@acmepayroll.com>", "Invoice INV-1003 is past due",
                     NOTICE.format(name="Sam", inv="INV-1003", amount="$231.00", days=18)
                     + f"\n{ask}\nPay online: https://acmepayroll.com/billing\n")
        assert _marks(spoof)["asks"], ask
        assert _match(index, spoof) is None, ask
    changed = "\nPlease use our new bank account for this and later invoices.\n"
    asking = _index("allow", [_notice(0, auth=None) + changed.encode(),
                              _notice(1, auth=None) + changed.encode()])
    assert _match(asking, _notice(2, auth=None) + changed.encode()) is not None


def test_kit_marks_survive_a_new_host_per_wave():
    a = _lure(sender="Mail <admin@q1.top>").replace(b"mailbox-quota.top/verify", b"wave1-host.top/verify")
    b = _lure(sender="Mail <admin@q2.top>").replace(b"mailbox-quota.top/verify", b"wave2-host.top/verify")
    assert "path /verify/{n}" not in _marks(a)["kit"]          # too short to be specific
    ip = _raw("x <a@b.top>", "s", "see http://10.1.2.3:1639/secure/ebay/index.htm now " * 3)
    assert any(m.startswith("link {ip}") for m in _marks(ip)["kit"])
    assert "path /secure/ebay/index.htm" in _marks(ip)["kit"]
    assert _match(_index("block", [a]), b) is not None         # text and path shape


def test_an_unauthenticated_allow_covers_the_next_file_of_the_same_kind():
    """A vendor known only by its From address sends a new PDF with every invoice: the next one
    clears; the same notice with a zipped executable instead does not."""
    def with_file(i: int, filename: str, payload: bytes, subtype: str) -> bytes:
        m = EmailMessage()
        m.set_content(NOTICE.format(name="Dana", inv=f"INV-{1000 + i}", amount="$194.00", days=17)
                      + "\nPay online: https://acmepayroll.com/billing\n")
        m["From"], m["To"], m["Subject"] = ("Acme Payroll <billing@acmepayroll.com>",
                                            "ap@example.com", f"Invoice INV-{1000 + i} is past due")
        m.add_attachment(payload, maintype="application", subtype=subtype, filename=filename)
        return m.as_bytes()
    index = _index("allow", [with_file(i, f"INV-{1000 + i}.pdf", b"%PDF-1.4 " + bytes([i]) * 40,
                                       "pdf") for i in (0, 1)])
    assert _match(index, with_file(2, "INV-1002.pdf", b"%PDF-1.4 other bytes", "pdf")) is not None
    import io
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("INV-1002.pdf.exe", b"MZ" + b"\x00" * 60)
    assert _match(index, with_file(2, "INV-1002.zip", buf.getvalue(), "zip")) is None
