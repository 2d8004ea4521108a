"""Labelling functions: weak labellers for the cold start (an organisation with no labelled mail).

A labelling function (LF) is a small named heuristic ``lf(msg, evidence, ctx) -> int`` that votes
ATTACK (1), BENIGN (0) or ABSTAIN (-1), in the manner of Snorkel. LFs are *not* model features (those
are the signals of features/signals.py): they write noisy training labels for mail nobody has
labelled yet, and they are judged as a set by their coverage, overlaps, conflicts and, where some
gold labels exist, their empirical accuracy (``analyze``).

Every LF belongs to a concept (impersonation, trust, payload, goal), or to ``"message"`` when it votes
on the whole message. An ATTACK vote from a concept LF says "this concept shows an attack" and,
message-wise, "this is an attack"; a BENIGN vote says "this concept looks like ordinary mail", which
is weaker message-wise evidence (a BEC with no link is still an attack). ``weak_labels`` combines
the votes with a plain majority vote, the simplest label model.

LFs read the parsed message and the signal evidence (``features.catalogue.evaluate``) and reuse the
signals' detection wherever one exists. They never read what follows the collector rather than the
attack: dates, List-*/X-* headers, Received, Return-Path or the recipients (see
../shared/corpora/README.md); ``ParsedMessage.headers`` is not read at all. Authentication results
(DMARC) are read by three LFs (dmarc_fail, org_domain_authenticated, authenticated_brand_sender) and
thread headers by fake_reply/genuine_reply: production mail always carries them, but in the shared
corpora only phishing_pot has Authentication-Results and Enron has no In-Reply-To, so their corpus
figures say little. LFs on the organisation's VIPs, vendors and domains, and those needing a
communication profile (``Context.profile``), abstain on mail that does not concern them.

CLI: ``sedetect heuristics [LABEL:PATH ...] [--corpora DIR] [--limit N] [--json]`` prints the
analysis table of every LF on labelled archives.
"""
from __future__ import annotations

import itertools
import logging
import re
from dataclasses import dataclass
from typing import Callable, Iterable, Optional, Sequence

import numpy as np

from features.context import Context
from features.domains import registrable_domain, to_unicode
from features.impersonation import brands_named, domain_in
from features.lexicon import match_text
from features.message import ParsedMessage
from features.payload import extension, is_archive
from features.signals import CONCEPTS
from features.trust import has_reply_prefix, signal_text, word_count

_log = logging.getLogger(__name__)

ATTACK = 1
BENIGN = 0
ABSTAIN = -1
LABELS = (ABSTAIN, BENIGN, ATTACK)

LF_CONCEPTS: tuple[str, ...] = (*CONCEPTS, "message")

EvidenceMap = dict   # {concept: {signal_name: features.signals.Evidence | None}}
LFn = Callable[[ParsedMessage, EvidenceMap, Context], int]


@dataclass(frozen=True)
class LF:
    name: str          # unique, "<concept>.<short_name>"
    concept: str       # impersonation, trust, payload, goal or message
    description: str   # one line: what it votes and why
    fn: LFn

    def __call__(self, msg: ParsedMessage, evidence: EvidenceMap, ctx: Context) -> int:
        return self.fn(msg, evidence, ctx)


_REGISTRY: dict[str, LF] = {}


def labeling_function(concept: str, name: str, description: str) -> Callable[[LFn], LFn]:
    """Register ``fn`` as the labelling function ``<concept>.<name>``; ``fn`` is returned unchanged.

    ``fn(msg, evidence, ctx)`` returns ATTACK, BENIGN or ABSTAIN."""
    if concept not in LF_CONCEPTS:
        raise ValueError(f"unknown concept {concept!r} (one of {LF_CONCEPTS})")
    if not name or not description:
        raise ValueError("a labelling function needs a name and a description")

    def register(fn: LFn) -> LFn:
        full = f"{concept}.{name}"
        if full in _REGISTRY and _REGISTRY[full].fn.__qualname__ != fn.__qualname__:
            raise ValueError(f"labelling function {full} registered twice")
        _REGISTRY[full] = LF(full, concept, description, fn)
        return fn
    return register


def labeling_functions(concept: Optional[str] = None) -> list[LF]:
    """Every registered LF (of one concept), in a stable order: concept order, then definition order.
    The columns of the label matrix follow this order."""
    order = {c: i for i, c in enumerate(LF_CONCEPTS)}
    lfs = [lf for lf in _REGISTRY.values() if concept is None or lf.concept == concept]
    return sorted(lfs, key=lambda lf: order[lf.concept])   # stable: definition order kept


# ------------------------------------------------------------------------------------------
# helpers over the evidence and the message
def ev(evidence: EvidenceMap, name: str) -> Optional[float]:
    """The value of signal ``name`` ("goal.gift_cards") in ``evidence``, None when it abstained or
    was not evaluated."""
    e = (evidence.get(name.partition(".")[0]) or {}).get(name)
    return None if e is None else float(e.value)


def fires(evidence: EvidenceMap, *names: str) -> bool:
    """True when any of the named signals found something (value > 0)."""
    return any((ev(evidence, n) or 0.0) > 0 for n in names)


def _words(msg: ParsedMessage, limit: int = 10_000) -> int:
    return word_count(msg.current_text or "", limit)


def _from_reg(msg: ParsedMessage) -> str:
    f = msg.from_
    return registrable_domain(to_unicode(f.domain)) if f and f.domain else ""


def _brand_family(domain: str, ctx: Context) -> frozenset[str]:
    """Every legit domain of the brands ``domain`` belongs to (empty when it is no brand's)."""
    out: set[str] = set()
    for domains in ctx.org.brands.values():
        if domain_in(domain, domains):
            out |= domains
    return frozenset(out)


def foreign_links(msg: ParsedMessage, ctx: Context) -> list[str]:
    """Hosts of links that leave the sender: neither on the From domain nor on a domain of a brand
    the From domain belongs to. Every link is foreign when there is no From domain."""
    reg = _from_reg(msg)
    family = _brand_family(reg, ctx) if reg else frozenset()
    out = []
    for lk in msg.links[:200]:
        if not lk.host:
            continue
        host_reg = registrable_domain(to_unicode(lk.host))
        if not reg or (host_reg != reg and not domain_in(host_reg, family)):
            out.append(host_reg)
    return out


def _rx(*patterns: str) -> re.Pattern[str]:
    """A phrase regex for ``lexicon.match_text`` output (lower-case, accents stripped, a space
    before every word)."""
    return re.compile(r" (?:" + "|".join(patterns) + r")(?!\w)")


def _has(msg_text: str, rx: re.Pattern[str]) -> bool:
    return bool(msg_text) and rx.search(match_text(msg_text)) is not None


_PAYMENT_GOALS = ("goal.wire_transfer", "goal.payment_change", "goal.gift_cards", "goal.bank_details",
                  "goal.payroll")

_ATTACK_SIGNALS = {
    "impersonation": ("impersonation.vip_display_name", "impersonation.protected_domain_lookalike",
                      "impersonation.vendor_lookalike", "impersonation.brand_in_display_name",
                      "impersonation.brand_domain_lookalike", "impersonation.freemail_with_org_name",
                      "impersonation.display_name_has_address", "impersonation.reply_to_freemail",
                      "impersonation.homoglyph_display_name", "impersonation.punycode_sender_domain",
                      "impersonation.familiar_name_new_address",
                      "impersonation.familiar_domain_lookalike"),
    "payload": ("payload.anchor_host_mismatch", "payload.ip_host_link", "payload.punycode_link",
                "payload.shortener_link", "payload.free_hosting_link", "payload.html_attachment",
                "payload.macro_document", "payload.executable_attachment", "payload.double_extension",
                "payload.password_protected_archive", "payload.qr_code_hint", "payload.callback_number"),
    "goal": ("goal.credentials", "goal.payment_change", "goal.wire_transfer", "goal.gift_cards",
             "goal.payroll", "goal.tax_data", "goal.crypto", "goal.advance_fee", "goal.extortion",
             "goal.malware_exec", "goal.bank_details"),
    "trust": ("trust.urgency", "trust.authority", "trust.secrecy", "trust.availability_opener",
              "trust.out_of_office", "trust.generic_greeting"),
}


# ==========================================================================================
# impersonation
@labeling_function("impersonation", "vip_name_outside_org",
                   "ATTACK: the display name is a configured VIP but the address is outside the "
                   "organisation's domains (CEO fraud)")
def lf_vip_name_outside_org(msg, evidence, ctx):
    return ATTACK if fires(evidence, "impersonation.vip_display_name") else ABSTAIN


@labeling_function("impersonation", "org_name_on_freemail",
                   "ATTACK: a free webmail address carries the name of a VIP, a brand or the "
                   "organisation/vendor")
def lf_org_name_on_freemail(msg, evidence, ctx):
    return ATTACK if fires(evidence, "impersonation.freemail_with_org_name") else ABSTAIN


@labeling_function("impersonation", "org_or_vendor_lookalike",
                   "ATTACK: the sender domain is a lookalike of a protected or vendor domain")
def lf_org_or_vendor_lookalike(msg, evidence, ctx):
    return ATTACK if fires(evidence, "impersonation.protected_domain_lookalike",
                           "impersonation.vendor_lookalike") else ABSTAIN


@labeling_function("impersonation", "brand_domain_lookalike",
                   "ATTACK: the sender domain imitates a brand's domain or embeds a brand name")
def lf_brand_domain_lookalike(msg, evidence, ctx):
    return ATTACK if fires(evidence, "impersonation.brand_domain_lookalike") else ABSTAIN


@labeling_function("impersonation", "brand_name_foreign_domain",
                   "ATTACK: the display name (or local part) names a brand the sender domain does "
                   "not belong to")
def lf_brand_name_foreign_domain(msg, evidence, ctx):
    return ATTACK if fires(evidence, "impersonation.brand_in_display_name") else ABSTAIN


@labeling_function("impersonation", "forged_display_address",
                   "ATTACK: the display name shows an e-mail address other than the real sender")
def lf_forged_display_address(msg, evidence, ctx):
    return ATTACK if fires(evidence, "impersonation.display_name_has_address") else ABSTAIN


@labeling_function("impersonation", "lookalike_characters",
                   "ATTACK: the display name uses look-alike/hidden characters or the sender domain "
                   "is an IDN")
def lf_lookalike_characters(msg, evidence, ctx):
    return ATTACK if fires(evidence, "impersonation.homoglyph_display_name",
                           "impersonation.punycode_sender_domain") else ABSTAIN


@labeling_function("impersonation", "reply_to_freemail",
                   "ATTACK: replies go to a free webmail address while the sender is not on webmail")
def lf_reply_to_freemail(msg, evidence, ctx):
    return ATTACK if fires(evidence, "impersonation.reply_to_freemail") else ABSTAIN


@labeling_function("impersonation", "freemail_money_request",
                   "ATTACK: a free webmail sender asks for gift cards, a transfer, a payment change "
                   "or bank details")
def lf_freemail_money_request(msg, evidence, ctx):
    f = msg.from_
    if f is None or not f.domain or not domain_in(f.domain, ctx.org.freemail_domains):
        return ABSTAIN
    return ATTACK if fires(evidence, *_PAYMENT_GOALS) else ABSTAIN


@labeling_function("impersonation", "dmarc_fail",
                   "ATTACK: the sender domain's DMARC policy fails (needs Authentication-Results)")
def lf_dmarc_fail(msg, evidence, ctx):
    return ATTACK if fires(evidence, "impersonation.dmarc_fail") else ABSTAIN


def _dmarc_pass(msg: ParsedMessage) -> bool:
    return (msg.auth.dmarc or "").strip().lower() == "pass" if msg.auth else False


@labeling_function("impersonation", "org_domain_authenticated",
                   "BENIGN: the From domain is one of the organisation's or a known vendor's and "
                   "DMARC passes")
def lf_org_domain_authenticated(msg, evidence, ctx):
    f = msg.from_
    if f is None or not f.domain or not _dmarc_pass(msg):
        return ABSTAIN
    return BENIGN if domain_in(f.domain, ctx.org.protected_domains | ctx.org.known_vendors) else ABSTAIN


@labeling_function("impersonation", "authenticated_brand_sender",
                   "BENIGN: the mail comes from a brand's own (non-webmail) domain, DMARC passes and "
                   "every link stays on that brand's domains")
def lf_authenticated_brand_sender(msg, evidence, ctx):
    f = msg.from_
    if f is None or not f.domain or not _dmarc_pass(msg) or domain_in(f.domain, ctx.org.freemail_domains):
        return ABSTAIN
    family = _brand_family(f.domain, ctx)
    if not family:
        return ABSTAIN
    hosts = [lk.host for lk in msg.links[:200] if lk.host]
    return BENIGN if all(domain_in(h, family) for h in hosts) else ABSTAIN


@labeling_function("impersonation", "familiar_name_new_address",
                   "ATTACK: a name the organisation knows writes from an address never seen with it "
                   "(needs a communication profile)")
def lf_familiar_name_new_address(msg, evidence, ctx):
    return ATTACK if fires(evidence, "impersonation.familiar_name_new_address",
                           "impersonation.familiar_domain_lookalike") else ABSTAIN


@labeling_function("impersonation", "known_sender",
                   "BENIGN: the sender address has written to the organisation before and no "
                   "impersonation signal fires (needs a communication profile)")
def lf_known_sender(msg, evidence, ctx):
    first = ev(evidence, "impersonation.first_contact")
    if first is None or first > 0 or fires(evidence, *_ATTACK_SIGNALS["impersonation"]):
        return ABSTAIN
    return BENIGN


_ROLE_WORDS = frozenset({
    "service", "services", "support", "team", "security", "account", "accounts", "billing", "department",
    "bank", "banking", "online", "member", "members", "update", "updates", "notification", "notifications",
    "admin", "administrator", "info", "noreply", "reply", "customer", "customers", "help", "helpdesk",
    "center", "centre", "mail", "email", "webmail", "alert", "alerts", "verification", "secure", "desk",
    "office", "official", "staff", "sales", "marketing", "news", "newsletter", "system", "systems",
    "manager", "management", "payment", "payments", "invoice", "delivery", "shipping", "refund", "prize",
    "claims", "department", "dept", "the", "your", "from", "via", "and"})


@labeling_function("impersonation", "person_matches_address",
                   "BENIGN: a personal display name (two to four name words, no role word, no brand) "
                   "matches the address's local part on a non-webmail domain, with no reply-to "
                   "elsewhere and no impersonation signal")
def lf_person_matches_address(msg, evidence, ctx):
    f = msg.from_
    if f is None or not f.address or not f.display_name or not f.domain or "@" in f.display_name:
        return ABSTAIN
    if domain_in(f.domain, ctx.org.freemail_domains) or fires(
            evidence, *_ATTACK_SIGNALS["impersonation"], "impersonation.reply_to_mismatch"):
        return ABSTAIN
    words = re.split(r"[\s,.'\"()]+", f.display_name.strip().lower())
    words = [w for w in words if w]
    if not 2 <= len(words) <= 4 or not all(w.isalpha() for w in words) or _ROLE_WORDS & set(words):
        return ABSTAIN
    if brands_named(f.display_name, ctx.org):
        return ABSTAIN
    local = f.address.partition("@")[0].lower()
    return BENIGN if len(local) >= 4 and any(len(w) >= 3 and w in local for w in words) else ABSTAIN


# ==========================================================================================
# trust
_FAVOR_RX = _rx(r"(?:quick |small |little )?(?:favou?r|task|errand)s?", r"quick(?:ly)?", r"discreet\w*",
                 r"gift ?cards?", r"purchase", r"payment", r"transfer")


@labeling_function("trust", "availability_short_request",
                   "ATTACK: a short request that opens by checking the reader is available "
                   "('are you at your desk? I need a quick favour')")
def lf_availability_short_request(msg, evidence, ctx):
    if not fires(evidence, "trust.availability_opener") or msg.links or msg.attachments:
        return ABSTAIN
    if not fires(evidence, "trust.short_request", "payload.reply_only", "trust.out_of_office"):
        return ABSTAIN
    return ATTACK if fires(evidence, "trust.urgency", "trust.secrecy", "trust.out_of_office", "goal.invoice",
                           *_PAYMENT_GOALS) or _has(signal_text(msg), _FAVOR_RX) else ABSTAIN


_PAYMENT = ("goal.invoice", *_PAYMENT_GOALS)


@labeling_function("trust", "secrecy_payment",
                   "ATTACK: asks for discretion and talks about a payment or bank details")
def lf_secrecy_payment(msg, evidence, ctx):
    return ATTACK if fires(evidence, "trust.secrecy") and fires(evidence, *_PAYMENT) else ABSTAIN


@labeling_function("trust", "urgency_payment",
                   "ATTACK: presses for speed about a transfer, gift cards or changed bank details")
def lf_urgency_payment(msg, evidence, ctx):
    return ATTACK if fires(evidence, "trust.urgency") and fires(
        evidence, "goal.wire_transfer", "goal.payment_change", "goal.gift_cards") else ABSTAIN


@labeling_function("trust", "unreachable_pretext",
                   "ATTACK: the sender claims they cannot be reached another way and asks for "
                   "something short")
def lf_unreachable_pretext(msg, evidence, ctx):
    return ATTACK if fires(evidence, "trust.out_of_office") and \
        fires(evidence, "trust.short_request", *_PAYMENT) else ABSTAIN


@labeling_function("trust", "generic_greeting_urgency",
                   "ATTACK: a generic greeting ('Dear customer') combined with urgency or authority")
def lf_generic_greeting_urgency(msg, evidence, ctx):
    return ATTACK if fires(evidence, "trust.generic_greeting") and \
        fires(evidence, "trust.urgency", "trust.authority") else ABSTAIN


@labeling_function("trust", "fake_reply",
                   "ATTACK: the subject claims a reply (RE:/FW:) but there is no thread header and "
                   "no quoted text")
def lf_fake_reply(msg, evidence, ctx):
    return ATTACK if fires(evidence, "trust.fake_thread") and \
        fires(evidence, "trust.reply_prefix_no_quote") else ABSTAIN


@labeling_function("trust", "genuine_reply",
                   "BENIGN: a real reply: In-Reply-To or References present and quoted history "
                   "present")
def lf_genuine_reply(msg, evidence, ctx):
    threaded = bool((msg.in_reply_to or "").strip()) or any(r.strip() for r in msg.references)
    return BENIGN if threaded and (msg.quoted_text or "").strip() else ABSTAIN


@labeling_function("trust", "quoted_discussion",
                   "BENIGN: a reply that quotes earlier mail and adds text with no pressure cue "
                   "(urgency, authority, secrecy, availability, greeting)")
def lf_quoted_discussion(msg, evidence, ctx):
    if not has_reply_prefix(msg.subject) or len((msg.quoted_text or "").strip()) < 40:
        return ABSTAIN
    if fires(evidence, *_ATTACK_SIGNALS["trust"]):
        return ABSTAIN
    return BENIGN


@labeling_function("trust", "no_pressure",
                   "BENIGN: a message of 40+ words with no urgency, authority, secrecy, flattery, "
                   "availability opener, pretext, generic greeting or exclamation")
def lf_no_pressure(msg, evidence, ctx):
    if _words(msg, 40) < 40:
        return ABSTAIN
    if fires(evidence, *_ATTACK_SIGNALS["trust"], "trust.flattery", "trust.exclamations",
             "trust.all_caps_subject"):
        return ABSTAIN
    return BENIGN


# ==========================================================================================
# payload
@labeling_function("payload", "deceptive_anchor",
                   "ATTACK: a link's visible text names one site but leads to another")
def lf_deceptive_anchor(msg, evidence, ctx):
    return ATTACK if fires(evidence, "payload.anchor_host_mismatch") else ABSTAIN


@labeling_function("payload", "dangerous_attachment",
                   "ATTACK: an executable/script, macro document, HTML/SVG file or double-extension "
                   "file is attached")
def lf_dangerous_attachment(msg, evidence, ctx):
    return ATTACK if fires(evidence, "payload.executable_attachment", "payload.macro_document",
                           "payload.html_attachment", "payload.double_extension") else ABSTAIN


@labeling_function("payload", "password_archive",
                   "ATTACK: an archive is attached and the text gives its password")
def lf_password_archive(msg, evidence, ctx):
    return ATTACK if fires(evidence, "payload.password_protected_archive") else ABSTAIN


_RENEWAL_RX = _rx(r"renew\w*", r"auto[- ]?renewal", r"membership",
                  r"subscription (?:plan|renewal|fee|charge)",
                  r"(?:has|have) been (?:charged|debited|deducted|billed)",
                  r"(?:was|were) (?:charged|debited|deducted|billed)",
                  r"geek squad", r"norton", r"mcafee", r"antivirus", r"anti-virus",
                  r"verlangerung", r"abgebucht", r"renovacao", r"renouvellement", r"verlenging",
                  r"afgeschreven", r"renovacion")


@labeling_function("payload", "callback_renewal",
                   "ATTACK: asks to call a phone number about a renewal or a charge of a stated "
                   "amount, from webmail or with at most one link (callback phishing)")
def lf_callback_renewal(msg, evidence, ctx):
    if not fires(evidence, "payload.callback_number") or not fires(evidence, "goal.money_amount") \
            or not _has(signal_text(msg), _RENEWAL_RX):
        return ABSTAIN
    f = msg.from_
    freemail = bool(f and f.domain and domain_in(f.domain, ctx.org.freemail_domains))
    return ATTACK if freemail or len(msg.links) <= 1 else ABSTAIN


@labeling_function("payload", "raw_host_link",
                   "ATTACK: a link points to a bare IP address or an IDN (punycode) host")
def lf_raw_host_link(msg, evidence, ctx):
    return ATTACK if fires(evidence, "payload.ip_host_link", "payload.punycode_link") else ABSTAIN


@labeling_function("payload", "hidden_link_credentials",
                   "ATTACK: a shortened or free-hosting link next to login/account words")
def lf_hidden_link_credentials(msg, evidence, ctx):
    return ATTACK if fires(evidence, "payload.shortener_link", "payload.free_hosting_link") and \
        fires(evidence, "payload.credential_words_near_link") else ABSTAIN


@labeling_function("payload", "image_lure",
                   "ATTACK: the body is essentially a picture with a link, or asks to scan a QR code")
def lf_image_lure(msg, evidence, ctx):
    if fires(evidence, "payload.qr_code_hint"):
        return ATTACK
    return ATTACK if fires(evidence, "payload.image_only_body") and msg.links else ABSTAIN


@labeling_function("payload", "text_only",
                   "BENIGN: no links and no attachments, and 80+ words of text: nothing to click or open")
def lf_text_only(msg, evidence, ctx):
    if msg.links or msg.attachments:
        return ABSTAIN
    return BENIGN if _words(msg, 80) >= 80 else ABSTAIN


@labeling_function("payload", "links_to_sender_domain",
                   "BENIGN: every link stays on the sender's own domain, nothing risky is attached")
def lf_links_to_sender_domain(msg, evidence, ctx):
    reg = _from_reg(msg)
    if not reg or not msg.links or domain_in(reg, ctx.org.freemail_domains):
        return ABSTAIN
    if any(registrable_domain(to_unicode(lk.host)) != reg for lk in msg.links[:200] if lk.host):
        return ABSTAIN
    if fires(evidence, *_ATTACK_SIGNALS["payload"]) or any(is_archive(a) for a in msg.attachments):
        return ABSTAIN
    return BENIGN


_LURE_DOC_EXT = frozenset({".pdf", ".doc", ".docx", ".xls", ".xlsx", ".rtf", ".odt", ".one", ".htm", ".html",
                           ".shtml", ".svg"})


@labeling_function("payload", "document_lure",
                   "ATTACK: a document or archive attached to next to no text (under 25 words), "
                   "outside any thread")
def lf_document_lure(msg, evidence, ctx):
    if not any(extension(a.filename) in _LURE_DOC_EXT or is_archive(a)
               for a in msg.attachments[:50] if not a.is_inline):
        return ABSTAIN
    if (msg.in_reply_to or "").strip() or (msg.quoted_text or "").strip():
        return ABSTAIN
    return ATTACK if _words(msg, 25) < 25 else ABSTAIN


_PATCH_EXT = frozenset({".patch", ".diff", ".asc", ".sig", ".ics", ".vcs", ".vcf"})
_PATCH_TYPES = ("text/x-patch", "text/x-diff", "application/pgp-signature", "text/calendar",
                "application/pkcs7-signature", "application/x-pkcs7-signature", "text/x-vcard",
                "text/vcard")


@labeling_function("payload", "signature_or_patch_only",
                   "BENIGN: the only attachments are patches, PGP/S-MIME signatures, calendar "
                   "invitations or contact cards")
def lf_signature_or_patch_only(msg, evidence, ctx):
    atts = [a for a in msg.attachments[:50]]
    if not atts or fires(evidence, *_ATTACK_SIGNALS["payload"]):
        return ABSTAIN
    return BENIGN if all(extension(a.filename) in _PATCH_EXT or
                         (a.content_type or "").lower().startswith(_PATCH_TYPES) for a in atts) else ABSTAIN


# ==========================================================================================
# goal
@labeling_function("goal", "gift_cards", "ATTACK: asks for gift cards or their codes")
def lf_gift_cards(msg, evidence, ctx):
    return ATTACK if fires(evidence, "goal.gift_cards") else ABSTAIN


@labeling_function("goal", "bank_detail_change",
                   "ATTACK: asks to change where payments go, or to pay new bank details")
def lf_bank_detail_change(msg, evidence, ctx):
    return ATTACK if fires(evidence, "goal.payment_change") else ABSTAIN


@labeling_function("goal", "payroll_diversion",
                   "ATTACK: salary or direct deposit together with new bank or account details")
def lf_payroll_diversion(msg, evidence, ctx):
    return ATTACK if fires(evidence, "goal.payroll") and \
        fires(evidence, "goal.bank_details", "goal.payment_change") else ABSTAIN


@labeling_function("goal", "credentials_link",
                   "ATTACK: asks for login credentials next to a link that leaves the sender's "
                   "own (or its brand's) domains")
def lf_credentials_link(msg, evidence, ctx):
    return ATTACK if fires(evidence, "goal.credentials") and \
        fires(evidence, "payload.credential_words_near_link") and foreign_links(msg, ctx) else ABSTAIN


@labeling_function("goal", "extortion", "ATTACK: threatens or blackmails the reader (sextortion)")
def lf_extortion(msg, evidence, ctx):
    return ATTACK if fires(evidence, "goal.extortion") else ABSTAIN


@labeling_function("goal", "advance_fee",
                   "ATTACK: promises a windfall (inheritance, lottery, prize) with a sum of money")
def lf_advance_fee(msg, evidence, ctx):
    return ATTACK if fires(evidence, "goal.advance_fee") and fires(evidence, "goal.money_amount") \
        else ABSTAIN


@labeling_function("goal", "crypto_money",
                   "ATTACK: cryptocurrency (wallet, bitcoin) together with a sum of money or a link")
def lf_crypto_money(msg, evidence, ctx):
    return ATTACK if fires(evidence, "goal.crypto") and (
        fires(evidence, "goal.money_amount") or msg.links) else ABSTAIN


@labeling_function("goal", "tax_data_request",
                   "ATTACK: asks for tax forms (W-2) or tax identities in a short request")
def lf_tax_data_request(msg, evidence, ctx):
    return ATTACK if fires(evidence, "goal.tax_data") and \
        fires(evidence, "trust.short_request") else ABSTAIN


@labeling_function("goal", "open_attachment",
                   "ATTACK: asks to open, enable or run an attached file")
def lf_open_attachment(msg, evidence, ctx):
    return ATTACK if fires(evidence, "goal.malware_exec") and msg.attachments else ABSTAIN


@labeling_function("goal", "urgent_transfer",
                   "ATTACK: asks for a wire transfer under time pressure or secrecy")
def lf_urgent_transfer(msg, evidence, ctx):
    return ATTACK if fires(evidence, "goal.wire_transfer") and \
        fires(evidence, "trust.urgency", "trust.secrecy") else ABSTAIN


_DIFF_RE = re.compile(r"^(?:>[ \t]?)*(?:diff --git |index [0-9a-f]{7,}\.\.[0-9a-f]{7,}|--- a/|\+\+\+ b/"
                      r"|@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@|Signed-off-by: |Acked-by: |Reviewed-by: )",
                      re.MULTILINE)


@labeling_function("goal", "patch_discussion",
                   "BENIGN: code review mail: diff hunks or Signed-off-by/Acked-by lines in the text")
def lf_patch_discussion(msg, evidence, ctx):
    hits = {m.group(0).lstrip("> \t")[:4] for m in itertools.islice(_DIFF_RE.finditer(msg.text or ""), 50)}
    return BENIGN if len(hits) >= 2 else ABSTAIN


@labeling_function("goal", "no_goal",
                   "BENIGN: 30+ words and nothing asked for: no credentials, payment, transfer, "
                   "gift cards, payroll, tax, crypto, windfall, threat, file to run or money")
def lf_no_goal(msg, evidence, ctx):
    if _words(msg, 30) < 30:
        return ABSTAIN
    if fires(evidence, *_ATTACK_SIGNALS["goal"], "goal.invoice", "goal.money_amount"):
        return ABSTAIN
    return BENIGN


_MEETING_RX = _rx(r"meeting (?:notes|minutes|agenda|on|at|tomorrow|next)", r"agenda", r"minutes",
                  r"conference call", r"lunch", r"draft", r"comments on", r"my comments", r"the attached",
                  r"see attached", r"attached (?:is|are) the", r"revised", r"per our conversation",
                  r"as discussed", r"let'?s discuss", r"fyi")


@labeling_function("goal", "routine_work",
                   "BENIGN: routine work talk (agenda, minutes, drafts, comments, FYI) with no goal "
                   "signal, no pressure cue, no link and no risky attachment")
def lf_routine_work(msg, evidence, ctx):
    if msg.links or fires(evidence, *_ATTACK_SIGNALS["goal"], *_ATTACK_SIGNALS["trust"],
                          *_ATTACK_SIGNALS["payload"], "goal.invoice", "payload.archive_attachment"):
        return ABSTAIN
    return BENIGN if _has(signal_text(msg), _MEETING_RX) else ABSTAIN


# ==========================================================================================
# message
@labeling_function("message", "three_concepts",
                   "ATTACK: impersonation, payload and goal all show an attack signal at once")
def lf_three_concepts(msg, evidence, ctx):
    return ATTACK if all(fires(evidence, *_ATTACK_SIGNALS[c]) for c in ("impersonation", "payload", "goal")) \
        else ABSTAIN


@labeling_function("message", "personal_thread",
                   "BENIGN: a threaded reply with quoted history, no link, no attachment and no "
                   "goal signal")
def lf_personal_thread(msg, evidence, ctx):
    if msg.links or msg.attachments or not (msg.quoted_text or "").strip():
        return ABSTAIN
    if not ((msg.in_reply_to or "").strip() or has_reply_prefix(msg.subject)):
        return ABSTAIN
    return ABSTAIN if fires(evidence, *_ATTACK_SIGNALS["goal"], *_ATTACK_SIGNALS["impersonation"]) \
        else BENIGN


# ------------------------------------------------------------------------------------------
# applying and analysing
def apply(messages: Iterable[tuple[ParsedMessage, Optional[EvidenceMap]]], ctx: Context,
          lfs: Optional[Sequence[LF]] = None) -> np.ndarray:
    """The label matrix L (messages x LFs, int8, values -1/0/1) of ``(message, evidence)`` pairs.

    ``evidence`` is ``features.catalogue.evaluate(msg, ctx)``; pass None to have it computed here.
    An LF that raises abstains on that message (logged: a bug in the LF, not in the message); one
    that returns anything but -1, 0 or 1 is a bug and raises ValueError."""
    lfs = list(labeling_functions() if lfs is None else lfs)
    rows: list[list[int]] = []
    for msg, evidence in messages:
        if evidence is None:
            from features.catalogue import evaluate
            evidence = evaluate(msg, ctx)
        row = []
        for lf in lfs:
            try:
                v = lf.fn(msg, evidence, ctx)
            except Exception as exc:  # noqa: BLE001 - one LF's bug must not lose the message
                _log.warning("labelling function %s raised %s: %s", lf.name, type(exc).__name__, exc)
                v = ABSTAIN
            if v not in LABELS or isinstance(v, bool):
                raise ValueError(f"labelling function {lf.name} returned {v!r}, not -1, 0 or 1")
            row.append(int(v))
        rows.append(row)
    return np.asarray(rows, dtype=np.int8).reshape(len(rows), len(lfs))


def _lfs_for(L: np.ndarray, lfs: Optional[Sequence[LF]]) -> list[LF]:
    if L.ndim != 2:
        raise ValueError(f"L must be a 2-d label matrix, got shape {L.shape}")
    if lfs is None:
        reg = labeling_functions()
        if L.shape[1] == len(reg):
            return reg
        return [LF(f"lf{j}", "", "", lambda m, e, c: ABSTAIN) for j in range(L.shape[1])]
    lfs = list(lfs)
    if len(lfs) != L.shape[1]:
        raise ValueError(f"L has {L.shape[1]} columns but {len(lfs)} labelling functions were given")
    return lfs


def analyze(L: np.ndarray, gold: Optional[np.ndarray] = None,
            lfs: Optional[Sequence[LF]] = None) -> list[dict]:
    """One record per LF (column of L), Snorkel's LF summary:

    - ``polarity``: the labels it emits (sorted list, e.g. [1] or [0, 1]);
    - ``coverage``: fraction of messages it votes on;
    - ``overlaps``: fraction of messages where it and at least one other LF vote;
    - ``conflicts``: fraction of messages where it votes and another LF votes differently;
    - with ``gold`` (1 attack, 0 benign, -1 unknown per message): ``votes``, its votes on messages
      with a known label, and ``accuracy``, the fraction of those equal to the gold label (None when
      it has none). Every vote is read as a message label (see the module doc).

    ``lfs`` names the columns; by default the registry (when L has one column per registered LF).
    """
    L = np.asarray(L)
    lfs = _lfs_for(L, lfs)
    n = L.shape[0]
    voted = L != ABSTAIN
    n_votes = voted.sum(axis=1)
    n_attack = (L == ATTACK).sum(axis=1)
    n_benign = (L == BENIGN).sum(axis=1)
    if gold is not None:
        gold = np.asarray(gold).reshape(-1)
        if gold.shape[0] != n:
            raise ValueError(f"gold has {gold.shape[0]} labels for {n} messages")
    out = []
    for j, lf in enumerate(lfs):
        col = L[:, j]
        mine = voted[:, j]
        others = n_votes - mine
        # another LF disagrees: there is a vote of the opposite label among the other columns
        opposite = np.where(col == ATTACK, n_benign, np.where(col == BENIGN, n_attack, 0))
        rec = {
            "name": lf.name,
            "concept": lf.concept,
            "polarity": sorted(int(x) for x in np.unique(col[mine])),
            "coverage": float(mine.mean()) if n else 0.0,
            "overlaps": float((mine & (others > 0)).mean()) if n else 0.0,
            "conflicts": float((mine & (opposite > 0)).mean()) if n else 0.0,
        }
        if gold is not None:
            known = mine & (gold != ABSTAIN)
            k = int(known.sum())
            rec["votes"] = k
            rec["accuracy"] = float((col[known] == gold[known]).mean()) if k else None
        out.append(rec)
    return out


def summary(L: np.ndarray, lfs: Optional[Sequence[LF]] = None,
            gold: Optional[np.ndarray] = None) -> dict:
    """Coverage of the LF set: ``coverage`` (messages with any vote), ``concept_coverage`` (per
    concept, messages where an LF of that concept votes), the share of messages with an attack
    vote, a benign vote, and both (``conflicting``); with ``gold`` the majority-vote weak labels'
    coverage and accuracy on messages with a known label."""
    L = np.asarray(L)
    lfs = _lfs_for(L, lfs)
    n = L.shape[0]
    voted = L != ABSTAIN
    mean = (lambda a: float(a.mean())) if n else (lambda a: 0.0)
    concepts = {}
    for c in LF_CONCEPTS:
        cols = [j for j, lf in enumerate(lfs) if lf.concept == c]
        concepts[c] = mean(voted[:, cols].any(axis=1)) if cols else 0.0
    attack = (L == ATTACK).any(axis=1)
    benign = (L == BENIGN).any(axis=1)
    out = {"messages": int(n), "lfs": len(lfs), "coverage": mean(voted.any(axis=1)),
           "concept_coverage": concepts, "attack_vote": mean(attack), "benign_vote": mean(benign),
           "conflicting": mean(attack & benign)}
    if gold is not None:
        gold = np.asarray(gold).reshape(-1)
        wl = weak_labels(L, lfs)
        known = gold != ABSTAIN
        lab = known & (wl != ABSTAIN)
        out["gold_messages"] = int(known.sum())
        out["weak_label_coverage"] = float(lab.sum() / known.sum()) if known.any() else 0.0
        out["weak_label_accuracy"] = float((wl[lab] == gold[lab]).mean()) if lab.any() else None
        for value, key in ((ATTACK, "attack"), (BENIGN, "benign")):
            sel = gold == value
            out[f"weak_label_recall_{key}"] = float((wl[sel] == value).mean()) if sel.any() else None
    return out


def weak_labels(L: np.ndarray, lfs: Optional[Sequence[LF]] = None, min_votes: int = 1,
                concept: Optional[str] = None) -> np.ndarray:
    """Message labels by majority vote, the simplest label model (every LF weighs the same, no
    accuracies or correlations are learned): ATTACK when attack votes outnumber benign votes,
    BENIGN when they are fewer, ABSTAIN on a tie or when fewer than ``min_votes`` LFs voted.

    ``concept`` restricts the vote to that concept's LFs (a concept-level weak label)."""
    L = np.asarray(L)
    lfs = _lfs_for(L, lfs)
    if concept is not None:
        if concept not in LF_CONCEPTS:
            raise ValueError(f"unknown concept {concept!r}")
        L = L[:, [j for j, lf in enumerate(lfs) if lf.concept == concept]]
    attack = (L == ATTACK).sum(axis=1)
    benign = (L == BENIGN).sum(axis=1)
    out = np.where(attack > benign, ATTACK, np.where(benign > attack, BENIGN, ABSTAIN))
    out[(attack + benign) < max(int(min_votes), 1)] = ABSTAIN
    return out.astype(np.int8)


# ------------------------------------------------------------------------------------------
# Analysis over a label matrix (pipelines/heuristics_job.py builds it from labelled archives)
GOLD = {"malicious": ATTACK, "benign": BENIGN, "spam": ABSTAIN}   # spam: neither, not scored


@dataclass
class LabelledMatrix:
    """The label matrix of labelled sources, one row per distinct message (exact duplicates, the
    same bytes, kept once: the first occurrence)."""
    L: np.ndarray          # messages x LFs
    gold: np.ndarray       # 1 malicious, 0 benign, -1 spam (no gold label)
    sources: np.ndarray    # source name per row
    unreadable: int = 0    # messages that could not be read or parsed
    duplicates: int = 0    # exact duplicates dropped


def per_source(lm: LabelledMatrix, lfs: Optional[Sequence[LF]] = None) -> dict[str, dict]:
    """Per source: messages, and the share the majority vote labels attack, benign or leaves."""
    wl = weak_labels(lm.L, lfs)
    out = {}
    for name in dict.fromkeys(lm.sources.tolist()):
        sel = lm.sources == name
        out[name] = {"messages": int(sel.sum()), "gold": int(lm.gold[sel][0]),
                     "attack": float((wl[sel] == ATTACK).mean()),
                     "benign": float((wl[sel] == BENIGN).mean()),
                     "unlabelled": float((wl[sel] == ABSTAIN).mean())}
    return out


def _pct(x: Optional[float]) -> str:
    return "-" if x is None else f"{100 * x:.1f}"


def format_table(records: list[dict]) -> str:
    """The analysis as a fixed-width text table, one row per LF."""
    width = max([len(r["name"]) for r in records] + [4])
    head = f"{'name':<{width}}  {'concept':<13} {'polarity':<8} {'cover%':>7} {'overlap%':>8} " \
           f"{'conflict%':>9} {'acc%':>6} {'votes':>6}"
    lines = [head, "-" * len(head)]
    for r in records:
        pol = ",".join({1: "A", 0: "B"}[p] for p in sorted(r["polarity"], reverse=True)) or "-"
        lines.append(f"{r['name']:<{width}}  {r['concept']:<13} {pol:<8} {_pct(r['coverage']):>7} "
                     f"{_pct(r['overlaps']):>8} {_pct(r['conflicts']):>9} {_pct(r.get('accuracy')):>6} "
                     f"{r.get('votes', '-'):>6}")
    return "\n".join(lines)


def format_summary(s: dict) -> str:
    lines = [f"messages {s['messages']}, LFs {s['lfs']}: coverage {_pct(s['coverage'])}%, "
             f"attack vote {_pct(s['attack_vote'])}%, benign vote {_pct(s['benign_vote'])}%, "
             f"both {_pct(s['conflicting'])}%",
             "concept coverage: " + ", ".join(f"{c} {_pct(v)}%" for c, v in s["concept_coverage"].items())]
    if "weak_label_accuracy" in s:
        lines.append(f"majority vote on {s['gold_messages']} gold messages: coverage "
                     f"{_pct(s['weak_label_coverage'])}%, accuracy {_pct(s['weak_label_accuracy'])}%, "
                     f"attack recall {_pct(s['weak_label_recall_attack'])}%, "
                     f"benign recall {_pct(s['weak_label_recall_benign'])}%")
    return "\n".join(lines)
