"""Seeded generator of realistic attacks and hard benign look-alikes, with concept ground truth.

The public corpora hold no real BEC, vendor fraud, payroll diversion, gift-card or callback attacks;
this writes them (and the benign mail they imitate: real invoices, password resets, urgent internal
requests) with full headers, so those legs can be trained, tested and demonstrated. The organisation
is the one in configs/default.yaml (example.com; VIPs Jane Doe and John Smith; vendors
acme-supplies.com and globex.com). Synthetic mail never counts towards a headline figure on real mail.
"""
from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from datetime import datetime, timedelta, timezone
from typing import Callable, Iterator

ORG = "example.com"
VIPS = [("Jane Doe", "jane.doe", "Chief Executive Officer"), ("John Smith", "john.smith", "CFO")]
STAFF = ["alice.martin", "bob.nguyen", "carla.diaz", "dmitri.ivanov", "erin.walsh", "farid.khan"]
VENDORS = [("Acme Supplies", "acme-supplies.com"), ("Globex", "globex.com")]
FIRST = ["Alice", "Bob", "Carla", "Dmitri", "Erin", "Farid", "Grace", "Hiro", "Ines", "Jonas"]


@dataclass(frozen=True)
class SyntheticMessage:
    raw: bytes
    label: str                 # malicious | benign
    kind: str                  # attack type or benign look-alike type
    concepts: dict = field(default_factory=dict)   # concept -> True when that leg is present


def _pick(rng: random.Random, xs):
    return xs[rng.randrange(len(xs))]


def _lookalike(rng: random.Random, domain: str) -> str:
    label, _, tld = domain.partition(".")
    tricks = [lambda s: s.replace("l", "1", 1) if "l" in s else s + "s",
              lambda s: s.replace("m", "rn", 1) if "m" in s else s[:-1] + s[-1] * 2,
              lambda s: s + "-payments", lambda s: s.replace("e", "a", 1) if "e" in s else s + "x",
              lambda s: s[: len(s) // 2] + s[len(s) // 2 + 1:]]
    out = _pick(rng, tricks)(label)
    return f"{out}.{tld if rng.random() < 0.7 else _pick(rng, ['co', 'net', 'org'])}"


def _headers(rng: random.Random, msg: EmailMessage, from_: str, to: str, subject: str,
             when: datetime, auth_ok: bool, reply_to: str | None = None) -> None:
    sender_domain = from_.rsplit("@", 1)[-1].rstrip(">")
    ip = f"{rng.randint(11, 220)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    msg["Received"] = (f"from mail.{sender_domain} (mail.{sender_domain} [{ip}]) by mx.{ORG} "
                       f"with ESMTPS id {rng.getrandbits(40):x}; {format_datetime(when)}")
    res = "pass" if auth_ok else _pick(rng, ["fail", "softfail", "none"])
    dkim = "pass" if auth_ok else _pick(rng, ["none", "fail"])
    dmarc = "pass" if auth_ok else _pick(rng, ["fail", "none"])
    msg["Authentication-Results"] = (f"mx.{ORG}; spf={res} smtp.mailfrom={sender_domain}; "
                                     f"dkim={dkim} header.d={sender_domain}; dmarc={dmarc} "
                                     f"header.from={sender_domain}")
    msg["From"] = from_
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = make_msgid(domain=sender_domain)
    if reply_to:
        msg["Reply-To"] = reply_to


def _staff(rng: random.Random) -> tuple[str, str]:
    local = _pick(rng, STAFF)
    return local.split(".")[0].title(), f"{local}@{ORG}"


def _amount(rng: random.Random) -> str:
    return f"${rng.randint(8, 95) * 1000 + rng.randint(0, 99) * 10:,}.{rng.randint(0, 99):02d}"


# -- attacks ------------------------------------------------------------------------------------
def ceo_wire(rng, when):
    name, local, title = _pick(rng, VIPS)
    first, to = _staff(rng)
    domain = _pick(rng, ["gmail.com", "outlook.com", _lookalike(rng, ORG)])
    body = _pick(rng, [
        f"Hi {first},\n\nAre you at your desk? I need you to process an urgent wire transfer of "
        f"{_amount(rng)} to a new supplier today. I'm in a meeting and can't talk, so please handle "
        f"this quickly and keep it confidential until the deal is announced.\n\nSend me the "
        f"confirmation once it's done.\n\n{name}\n{title}",
        f"{first},\n\nI need a favor. We have to settle an outstanding payment with a partner before "
        f"end of day. Can you initiate a wire of {_amount(rng)}? I'll send the bank details. "
        f"This is time sensitive and strictly confidential.\n\nThanks,\n{name.split()[0]}\n"
        f"Sent from my iPhone"])
    m = EmailMessage()
    _headers(rng, m, f"{name} <{local}.office@{domain}>", to,
             _pick(rng, ["Urgent request", "Quick favor", "RE: Payment today", "Confidential"]),
             when, auth_ok=domain in ("gmail.com", "outlook.com"))
    m.set_content(body)
    return m, "wire_transfer", {"impersonation": True, "trust": True, "payload": True, "goal": True}


def gift_cards(rng, when):
    name, local, _ = _pick(rng, VIPS)
    first, to = _staff(rng)
    brand = _pick(rng, ["Apple", "Google Play", "Amazon", "Steam"])
    m = EmailMessage()
    _headers(rng, m, f"{name} <{name.split()[0].lower()}{rng.randint(1, 99)}@gmail.com>", to,
             _pick(rng, ["Are you available?", "Quick task", "Need your help"]), when, True)
    m.set_content(f"Hi {first},\n\nAre you available? I need you to get {rng.randint(4, 10)} "
                  f"{brand} gift cards of $100 each for a client appreciation. Scratch the back, "
                  f"take a picture of the codes and send them to me ASAP. I'll reimburse you "
                  f"today.\n\n{name}")
    return m, "gift_cards", {"impersonation": True, "trust": True, "payload": True, "goal": True}


def vendor_bank_change(rng, when):
    vname, vdomain = _pick(rng, VENDORS)
    first, to = _staff(rng)
    fake = _lookalike(rng, vdomain)
    iban = f"GB{rng.randint(10, 99)}BARC{rng.randint(10**13, 10**14 - 1)}"
    m = EmailMessage()
    _headers(rng, m, f"{vname} Accounts <accounts@{fake}>", to,
             _pick(rng, ["Updated banking details", "Change of bank account - invoice "
                         f"{rng.randint(10000, 99999)}", "Remittance details update"]), when, False)
    m.set_content(f"Dear {first},\n\nPlease note that our bank details have changed due to an "
                  f"audit. Kindly update your records and remit the outstanding invoice of "
                  f"{_amount(rng)} to our new account:\n\nIBAN: {iban}\nSWIFT: BARCGB22\n\n"
                  f"Please process the payment urgently to avoid late fees.\n\nRegards,\n"
                  f"{_pick(rng, FIRST)}\nAccounts Receivable, {vname}")
    return m, "payment_change", {"impersonation": True, "trust": True, "payload": True, "goal": True}


def payroll(rng, when):
    first, to = _staff(rng)
    m = EmailMessage()
    who = _pick(rng, FIRST)
    _headers(rng, m, f"{who} <{who.lower()}.{rng.randint(10, 99)}@outlook.com>", f"payroll@{ORG}",
             "Direct deposit change", when, True)
    m.set_content(f"Hello,\n\nI changed banks and need to update my direct deposit information "
                  f"before the next payroll. Can you let me know what you need? I'd like the change "
                  f"to take effect for this paycheck.\n\nThanks,\n{who}")
    return m, "payroll", {"impersonation": False, "trust": True, "payload": True, "goal": True}


def w2(rng, when):
    name, local, _ = _pick(rng, VIPS)
    m = EmailMessage()
    _headers(rng, m, f"{name} <{local}@{_lookalike(rng, ORG)}>", f"hr@{ORG}",
             "W-2 request", when, False)
    m.set_content("Hi,\n\nI need copies of all employees' W-2 forms for 2025 for a review with our "
                  "accountants. Please send them as PDF attachments today. Keep this between us "
                  f"for now.\n\n{name}")
    return m, "tax_data", {"impersonation": True, "trust": True, "payload": True, "goal": True}


def credential_phish(rng, when):
    brand, domain = _pick(rng, [("Microsoft 365", "microsoft.com"), ("PayPal", "paypal.com"),
                                ("DocuSign", "docusign.com"), ("Netflix", "netflix.com")])
    first, to = _staff(rng)
    host = _pick(rng, [f"{_lookalike(rng, domain)}", "secure-login.web.app",
                       "account-verify.000webhostapp.com", f"{domain.split('.')[0]}-support.com"])
    url = f"https://{host}/login?session={rng.getrandbits(32):x}&redirect=https%3A%2F%2F{domain}"
    m = EmailMessage()
    _headers(rng, m, f"{brand} <no-reply@{_lookalike(rng, domain)}>", to,
             _pick(rng, ["Action required: verify your account", "Your password expires today",
                         "Unusual sign-in activity", "Account suspended"]), when, False)
    text = (f"Dear Customer,\n\nWe detected unusual sign-in activity on your {brand} account. "
            f"To avoid suspension, verify your account within 24 hours:\n\n{url}\n\n{brand} Team")
    m.set_content(text)
    m.add_alternative(f"<p>Dear Customer,</p><p>We detected unusual sign-in activity on your "
                      f"{brand} account. To avoid suspension, verify your account within 24 hours."
                      f"</p><p><a href=\"{url}\">https://www.{domain}/security</a></p>",
                      subtype="html")
    return m, "credentials", {"impersonation": True, "trust": True, "payload": True, "goal": True}


def callback(rng, when):
    brand = _pick(rng, ["Norton", "McAfee", "PayPal", "Geek Squad"])
    first, to = _staff(rng)
    phone = f"+1 ({rng.randint(200, 989)}) {rng.randint(200, 999)}-{rng.randint(1000, 9999)}"
    m = EmailMessage()
    _headers(rng, m, f"{brand} Billing <billing{rng.randint(10, 99)}@gmail.com>", to,
             f"Your {brand} subscription has been renewed", when, True)
    m.set_content(f"Dear Customer,\n\nYour annual {brand} subscription has been renewed and you "
                  f"have been charged $399.99. If you did not authorize this renewal, call our "
                  f"support team at {phone} within 24 hours to cancel and get a refund.\n\n"
                  f"Invoice #{rng.randint(100000, 999999)}")
    return m, "callback", {"impersonation": True, "trust": True, "payload": True, "goal": True}


def malware(rng, when):
    vname, vdomain = _pick(rng, VENDORS)
    first, to = _staff(rng)
    m = EmailMessage()
    _headers(rng, m, f"{vname} <billing@{_lookalike(rng, vdomain)}>", to,
             f"Invoice {rng.randint(1000, 9999)} overdue", when, False)
    m.set_content(f"Hello {first},\n\nPlease find the overdue invoice attached. Open the attachment "
                  f"and enable content to view it. Payment is required today.\n\nRegards,\n{vname}")
    kind = _pick(rng, ["docm", "zip", "html"])
    name = f"Invoice_{rng.randint(1000, 9999)}"
    if kind == "docm":
        m.add_attachment(b"PK\x03\x04 macro", maintype="application",
                         subtype="vnd.ms-word.document.macroEnabled.12", filename=name + ".docm")
    elif kind == "zip":
        m.add_attachment(b"PK\x03\x04 archive", maintype="application", subtype="zip",
                         filename=name + ".zip")
    else:
        m.add_attachment(b"<html><script>location='https://x.example'</script></html>",
                         maintype="text", subtype="html", filename=name + ".html")
    return m, "malware_exec", {"impersonation": True, "trust": True, "payload": True, "goal": True}


# -- hard benign look-alikes ----------------------------------------------------------------------
def real_invoice(rng, when):
    vname, vdomain = _pick(rng, VENDORS)
    first, to = _staff(rng)
    m = EmailMessage()
    _headers(rng, m, f"{vname} Billing <billing@{vdomain}>", to,
             f"Invoice {rng.randint(1000, 9999)} from {vname}", when, True)
    m.set_content(f"Hello {first},\n\nAttached is invoice {rng.randint(1000, 9999)} for "
                  f"{_amount(rng)}, payable within 30 days to the account on file. Contact us if "
                  f"you have questions.\n\nThank you for your business,\n{vname} Billing")
    m.add_attachment(b"%PDF-1.4 invoice", maintype="application", subtype="pdf",
                     filename="invoice.pdf")
    return m, "benign_invoice", {}


def password_reset(rng, when):
    first, to = _staff(rng)
    m = EmailMessage()
    _headers(rng, m, "Microsoft account team <account-security-noreply@accountprotection.microsoft.com>",
             to, "Microsoft account password reset", when, True)
    m.set_content(f"Hi {first},\n\nWe received a request to reset the password for your Microsoft "
                  f"account. If this was you, use this link: https://account.live.com/password/reset"
                  f"\n\nIf you didn't request it, you can ignore this email.\n\nThanks,\n"
                  f"The Microsoft account team")
    return m, "benign_password_reset", {}


def urgent_internal(rng, when):
    name, local, _ = _pick(rng, VIPS)
    first, to = _staff(rng)
    m = EmailMessage()
    _headers(rng, m, f"{name} <{local}@{ORG}>", to,
             _pick(rng, ["Board deck - need by 3pm", "Urgent: numbers for Q3 review"]), when, True)
    m.set_content(f"{first},\n\nCan you send me the updated Q3 figures before the board call at 3pm "
                  f"today? It's urgent - the slides go out right after.\n\nThanks,\n"
                  f"{name.split()[0]}")
    return m, "benign_urgent_internal", {}


def vendor_notice(rng, when):
    vname, vdomain = _pick(rng, VENDORS)
    first, to = _staff(rng)
    m = EmailMessage()
    _headers(rng, m, f"{vname} <notifications@{vdomain}>", to,
             f"Payment received - thank you", when, True)
    m.set_content(f"Dear {first},\n\nWe have received your payment of {_amount(rng)} for order "
                  f"{rng.randint(10000, 99999)}. No further action is needed.\n\n{vname}")
    return m, "benign_vendor_notice", {}


ATTACKS: list[Callable] = [ceo_wire, gift_cards, vendor_bank_change, payroll, w2, credential_phish,
                           callback, malware]
BENIGN: list[Callable] = [real_invoice, password_reset, urgent_internal, vendor_notice]


def generate(n: int, seed: int = 0, attack_share: float = 0.5) -> Iterator[SyntheticMessage]:
    """``n`` messages, reproducible for a given seed."""
    rng = random.Random(seed)
    start = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
    for i in range(n):
        when = start + timedelta(minutes=rng.randint(0, 60 * 24 * 300))
        make = _pick(rng, ATTACKS) if rng.random() < attack_share else _pick(rng, BENIGN)
        msg, kind, concepts = make(rng, when)
        label = "malicious" if make in ATTACKS else "benign"
        yield SyntheticMessage(bytes(msg), label, kind, concepts)


def write_mbox(messages: list[SyntheticMessage], path: str) -> None:
    """An mbox of the messages (mboxo escaping of body lines that start with 'From ')."""
    with open(path, "wb") as fh:
        for m in messages:
            digest = hashlib.sha1(m.raw).hexdigest()[:8]
            fh.write(f"From synthetic-{digest} Mon Jan  5 09:00:00 2026\n".encode())
            for line in m.raw.replace(b"\r\n", b"\n").split(b"\n"):
                fh.write((b">" + line if line.startswith(b"From ") else line) + b"\n")
            fh.write(b"\n")
