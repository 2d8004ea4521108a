"""Seeded generator of realistic attacks and hard benign look-alikes, with concept ground truth.

The public corpora hold no real BEC, vendor fraud, payroll diversion, gift-card, callback or
malware-attachment mail; this writes them, and the benign mail they imitate, with full headers
(Received chain, Authentication-Results, DKIM-Signature, client and platform headers), so the BEC-type
legs can be trained and generalisation can be tested one attack type at a time. The organisation is
the one in configs/default.yaml (example.com / example.org; VIPs Jane Doe and John Smith; vendors
acme-supplies.com and globex.com). Synthetic mail never counts towards a headline figure on real mail.

Design rules:

* Every kind is one generator function ``f(rng, when) -> (EmailMessage, kind, concepts)`` listed in
  ``ATTACKS`` or ``BENIGN``; ``KINDS`` maps kind -> label.
* Wording is composed from interchangeable pools (openers, pretexts, asks, pressure lines, closings,
  signatures) in English, German, French, Portuguese and Dutch (about ``FOREIGN_SHARE`` of messages
  are not English), with random people, amounts, invoice numbers and occasional typos.
* Header shapes come from the sending platform and client (Gmail, Microsoft 365, Yahoo, cPanel/Exim,
  PHPMailer, bulk ESPs, on-premises Exchange, ...) and the receiving gateway, never from the kind, so
  header names alone do not say "attack". Attacks pass SPF/DKIM as often as real attackers do
  (freemail and attacker-owned domains authenticate); direct spoofs of the protected domain fail.
* ``concepts`` says which legs an attack really uses in *that* message: ``impersonation`` (it pretends
  to be a VIP, colleague, known vendor, brand or institution), ``trust`` (urgency, secrecy, authority,
  flattery, availability opener, threat, fake thread), ``payload`` (a link, attachment, phone number,
  bank or wallet details, or a Reply-To that diverts the answer; a bare conversation opener has no
  payload) and ``goal`` (the message states what it is after). Attacks have at least two legs;
  benign mail has none.
* Reproducible: one ``random.Random`` per run; no global ``random``, no clock, no hostname; MIME
  boundaries and Message-IDs are drawn from the seeded generator.

Attack kinds (label malicious): wire_transfer (CEO/CFO fraud, incl. "are you available?" first-stage
lures and a lawyer persona), gift_cards, payment_change (vendor bank-detail change from a lookalike or a
compromised real vendor mailbox), invoice_fraud (fake overdue invoice, link or PDF), payroll (direct
deposit change), tax_data (W-2 / payroll data), credentials (brand, mailbox-quota, shared-document,
voicemail and billing phishing; lookalike, punycode, free-hosting, compromised-site, shortener, IP and
open-redirect links, deceptive anchors, HTML/SVG attachments), crypto, advance_fee, extortion
(sextortion with a BTC address, sometimes "from" the victim's own address), malware_exec (macro
documents, archives, password-protected archives with the password in the body, ISO/IMG, HTML
smuggling, double extensions, download links), callback (renewal notice with a phone number, no links)
and thread_hijack (a RE: with fabricated quoted history that changes the bank details).

Benign look-alikes (label benign, no legs): benign_invoice, benign_password_reset,
benign_urgent_internal, benign_vendor_notice, benign_payroll_notice, benign_shipping,
benign_newsletter, benign_thread_reply (real In-Reply-To/References and quoted history),
benign_calendar and benign_it_notice (internal IT linking to internal hosts).

Layout: this module is the entry point (the public API below, and every name the generator ever
defined, re-exported for callers such as labeling/lookalikes.py). The machinery lives beside it:
synthetic_values (random people, domains, money, dates, bank details), synthetic_transport (platforms,
authentication, trace headers, header order), synthetic_mime (message builder, text/HTML rendering,
attachments, MIME), synthetic_parties (impostors, vendors, brands, malicious links), synthetic_attacks
and synthetic_benign (the kinds), and synthetic_data, which reads the phrase banks and tables from
labeling/data/synthetic/ (one YAML file per theme; kinds/<kind>.yaml holds each kind's wording).

API: ``generate(n, seed, attack_share)``, ``generate_kind(kind, n, seed)``, ``write_mbox``,
``write_manifest`` and ``run(argv)`` for ``sedetect synth -n N -o OUT.mbox [--seed S]
[--manifest OUT.csv] [--kinds a,b]`` (manifest columns: message_id, label, kind, impersonation, trust,
payload, goal as 0/1, lang). Generated attachments are inert stand-ins (right names, types and magic
bytes; no macros, scripts or executables that do anything).
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable, Iterable, Iterator, Optional

from features.signals import CONCEPTS
from labeling import synthetic_mime as _mime
from labeling.synthetic_attacks import (  # noqa: F401  (some re-exported: lookalikes.py, tests)
    advance_fee, callback, credentials, crypto, extortion, gift_cards, invoice_fraud,
    malware_exec, payment_change, payroll, tax_data, thread_hijack, wire_transfer)
from labeling.synthetic_benign import (  # noqa: F401  (some re-exported: lookalikes.py, tests)
    benign_calendar, benign_invoice, benign_it_notice, benign_newsletter, benign_password_reset,
    benign_payroll_notice, benign_shipping, benign_thread_reply, benign_urgent_internal,
    benign_vendor_notice)
from labeling.synthetic_mime import (  # noqa: F401  (some re-exported: lookalikes.py, tests)
    _boundary, _link, _LINK_RE, _POLICY, _set_text)
from labeling.synthetic_transport import (  # noqa: F401  (some re-exported: lookalikes.py, tests)
    _assemble_headers, _dkim_signature, _ESPS, _hdate, _sender)
from labeling.synthetic_values import (  # noqa: F401  (some re-exported: lookalikes.py, tests)
    _addr_style, _ALNUM, _alnum, _ascii, _biz_domain, _BIZ_WORDS, _chance, _digits, _hex,
    _HOSTING_COS, _ip, _local, _lookalike, _name, _NAMES, _phone, _pick, _private_ip,
    _scam_domain, _staff, _uuid, _weighted, LANGS, ORG, ORG_DOMAINS)

GENERATOR_VERSION = 2      # bump when the output for a given seed changes (cached synthetic sources key on it)
FOREIGN_SHARE = _mime.FOREIGN_SHARE    # share of messages not in English (tests raise it to see every language)


@dataclass(frozen=True)
class SyntheticMessage:
    raw: bytes
    label: str                 # malicious | benign
    kind: str                  # attack type or benign look-alike type
    concepts: dict = field(default_factory=dict)   # concept -> True when that leg is present
    lang: str = "en"           # en | de | fr | pt | nl


# ================================================================================ public API

ATTACKS: list[Callable] = [wire_transfer, gift_cards, payment_change, invoice_fraud, payroll, tax_data, credentials,
                           crypto,
                           advance_fee, extortion, malware_exec, callback, thread_hijack]
BENIGN: list[Callable] = [benign_invoice, benign_password_reset, benign_urgent_internal, benign_vendor_notice,
                          benign_payroll_notice, benign_shipping, benign_newsletter, benign_thread_reply,
                          benign_calendar,
                          benign_it_notice]
KINDS: dict[str, str] = {**{f.__name__: "malicious" for f in ATTACKS}, **{f.__name__: "benign" for f in BENIGN}}
_BY_KIND: dict[str, Callable] = {f.__name__: f for f in ATTACKS + BENIGN}

# earlier names of some generators
ceo_wire, vendor_bank_change, w2 = wire_transfer, payment_change, tax_data
credential_phish, malware = credentials, malware_exec
real_invoice, password_reset, urgent_internal, vendor_notice = (benign_invoice, benign_password_reset,
                                                                benign_urgent_internal,
                                                                benign_vendor_notice)

_START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
MANIFEST_COLUMNS = ["message_id", "label", "kind", *CONCEPTS, "lang"]


def _when(rng: random.Random) -> datetime:
    """A send time in the 300 days after _START, mostly working hours (the same for every kind)."""
    hour = rng.randint(7, 19) if _chance(rng, 0.8) else rng.randint(0, 23)
    return _START + timedelta(days=rng.randint(0, 299), hours=hour - 9, minutes=rng.randint(0, 59),
                              seconds=rng.randint(0, 59))


def _make(rng: random.Random, fn: Callable, when: datetime) -> SyntheticMessage:
    _mime.FOREIGN_SHARE = FOREIGN_SHARE      # the public knob is this module's; the message builder reads its copy
    msg, kind, concepts = fn(rng, when)
    legs = {c: bool(concepts.get(c, False)) for c in CONCEPTS}
    return SyntheticMessage(bytes(msg), KINDS[kind], kind, legs, getattr(msg, "sedetect_lang", "en"))


def _check_kinds(kinds: Optional[Iterable[str]]) -> Optional[list[str]]:
    if kinds is None:
        return None
    kinds = [k.strip() for k in kinds if k and k.strip()]
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise ValueError(f"unknown kind(s): {', '.join(unknown)}; known kinds: {', '.join(KINDS)}")
    if not kinds:
        raise ValueError("no kinds given")
    return kinds


def generate(n: int, seed: int = 0, attack_share: float = 0.5,
             kinds: Optional[Iterable[str]] = None) -> Iterator[SyntheticMessage]:
    """``n`` messages, byte-identical for the same seed: attacks with probability ``attack_share``, kinds
    uniform within each label (optionally only ``kinds``)."""
    chosen = _check_kinds(kinds)
    attacks = [f for f in ATTACKS if chosen is None or f.__name__ in chosen]
    benign = [f for f in BENIGN if chosen is None or f.__name__ in chosen]
    rng = random.Random(seed)
    for _ in range(n):
        mrng = random.Random(rng.getrandbits(64))     # one stream per message: kinds do not shift each other
        when = _when(mrng)
        if attacks and (not benign or rng.random() < attack_share):
            fn = _pick(rng, attacks)
        else:
            fn = _pick(rng, benign)
        yield _make(mrng, fn, when)


def generate_kind(kind: str, n: int, seed: int = 0) -> list[SyntheticMessage]:
    """``n`` messages of one kind, reproducible for a given (kind, seed)."""
    _check_kinds([kind])
    rng = random.Random(f"{kind}:{seed}")
    out = []
    for _ in range(n):
        mrng = random.Random(rng.getrandbits(64))
        out.append(_make(mrng, _BY_KIND[kind], _when(mrng)))
    return out


def write_mbox(messages: list[SyntheticMessage], path: str) -> None:
    """An mbox of the messages (mboxo escaping of body lines that start with 'From ')."""
    with open(path, "wb") as fh:
        for m in messages:
            digest = hashlib.sha1(m.raw).hexdigest()[:8]
            fh.write(f"From synthetic-{digest} Mon Jan  5 09:00:00 2026\n".encode())
            for line in m.raw.replace(b"\r\n", b"\n").split(b"\n"):
                fh.write((b">" + line if line.startswith(b"From ") else line) + b"\n")
            fh.write(b"\n")


def message_id(raw: bytes) -> str:
    """The Message-ID header of a raw message (headers only are parsed)."""
    from email.parser import BytesHeaderParser
    return (BytesHeaderParser().parsebytes(raw).get("Message-ID") or "").strip()


def write_manifest(messages: list[SyntheticMessage], path: str) -> None:
    """CSV ground truth: message_id, label, kind, the four concept legs as 0/1, and the language."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(MANIFEST_COLUMNS)
        for m in messages:
            w.writerow([message_id(m.raw), m.label, m.kind, *[int(bool(m.concepts.get(c))) for c in CONCEPTS], m.lang])


def run(argv: Optional[list[str]] = None) -> dict:
    """``sedetect synth -n N -o OUT.mbox [--seed S] [--manifest OUT.csv] [--kinds a,b]``."""
    parser = argparse.ArgumentParser(
        prog="sedetect synth",
        description="Write a seeded synthetic mbox of attacks (BEC, vendor fraud, payroll, gift cards, phishing, "
                    "malware, callback, ...) and the benign mail they imitate, plus a CSV manifest of each "
                    "message's label, kind and concept legs (impersonation, trust, payload, goal as 0/1).")
    parser.add_argument("-n", "--messages", type=int, default=200, help="number of messages (default 200)")
    parser.add_argument("-o", "--output", help="mbox file to write")
    parser.add_argument("--seed", type=int, default=0,
                        help="random seed: the same seed writes the same bytes (default 0)")
    parser.add_argument("--manifest", help="CSV manifest to write (default: OUTPUT with .csv)")
    parser.add_argument("--kinds", help="comma-separated kinds to generate (default: all); see --list-kinds")
    parser.add_argument("--attack-share", type=float, default=0.5,
                        help="share of attacks when both labels are chosen (default 0.5)")
    parser.add_argument("--list-kinds", action="store_true", help="print the kinds and their labels, and exit")
    args = parser.parse_args(argv)
    if args.list_kinds:
        for k, label in KINDS.items():
            print(f"{k:<24} {label}")
        return {"kinds": dict(KINDS)}
    if not args.output:
        parser.error("-o/--output is required")
    if args.messages < 0:
        raise ValueError("-n must be >= 0")
    if not 0.0 <= args.attack_share <= 1.0:
        raise ValueError("--attack-share must be between 0 and 1")
    kinds = _check_kinds(args.kinds.split(",")) if args.kinds else None
    from pathlib import Path
    out = Path(args.output)
    manifest = Path(args.manifest) if args.manifest else out.with_suffix(".csv")
    for p in (out, manifest):
        p.parent.mkdir(parents=True, exist_ok=True)
    messages = list(generate(args.messages, seed=args.seed, attack_share=args.attack_share, kinds=kinds))
    write_mbox(messages, str(out))
    write_manifest(messages, str(manifest))
    counts: dict[str, int] = {}
    for m in messages:
        counts[m.kind] = counts.get(m.kind, 0) + 1
    n_bad = sum(m.label == "malicious" for m in messages)
    print(f"synthetic archive: {out} ({len(messages)} messages: {n_bad} malicious, {len(messages) - n_bad} benign, "
          f"{len(counts)} kinds); manifest: {manifest}")
    return {"messages": len(messages), "malicious": n_bad, "benign": len(messages) - n_bad, "output": str(out),
            "manifest": str(manifest), "kinds": counts}
