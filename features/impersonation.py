"""Impersonation: who is the sender pretending to be?

Display names of VIPs and brands on outside domains, lookalikes of protected, vendor and brand
domains, Reply-To / Return-Path divergence, authentication failures, homoglyph names and, with a
communication profile, first contact and familiar names on new addresses.

Return-Path and Authentication-Results follow the collector, not the attack, and the corpora carry no
profiles: those signals are ``learned=False`` (fixed logit offsets, never model features).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Optional

from features.context import Context, OrgConfig
from features.domains import (INVISIBLE_RE, capital_i_as_l, host_matches, lookalike_of, registrable_domain,
                              skeleton, strip_invisible, to_unicode)
from features.message import Address, ParsedMessage
from features.profile import CommunicationProfile, normalize_name
from features.signals import Evidence, signal

_EMAIL_RE = re.compile(r"[\w.+'-]+@(?:[\w-]+\.)+[\w-]{2,}", re.UNICODE)
_WORD_SPLIT_RE = re.compile(r"[\s._+\-|/\\,;:()<>\[\]\"']+")
_BIDI_ZW_RE = INVISIBLE_RE
_FAIL = frozenset({"fail", "softfail", "permerror"})
_MAX_REPLY_TO = 10
_MAX_NAME = 300        # characters of a display name examined (attacker-controlled length)


# --------------------------------------------------------------------------------------------
# per-organisation indexes, built once per OrgConfig object
@dataclass(frozen=True)
class _OrgIndex:
    vip_keys: tuple[tuple[str, str, str, str], ...]   # (vip, normalised skeleton, first, last)
    brand_re: Optional[re.Pattern[str]]               # brand names on word boundaries (skeleton)
    brand_by_key: dict[str, str]                      # skeleton brand name -> brand
    brand_domains: frozenset[str]                     # every legit brand domain
    brand_tokens: tuple[tuple[str, tuple[str, ...]], ...]  # (brand, hyphen-token forms)
    brand_by_form: dict[str, tuple[int, str]]         # form -> (its brand's place above, brand)
    org_word_re: Optional[re.Pattern[str]]            # protected/vendor labels as words
    protected_and_vendors: frozenset[str]


_ORG_CACHE: dict[int, tuple[OrgConfig, _OrgIndex]] = {}


def _forms_index(brand_tokens: list) -> dict[str, tuple[int, str]]:
    out: dict[str, tuple[int, str]] = {}
    for i, (brand, forms) in enumerate(brand_tokens):
        for form in forms:
            out.setdefault(form, (i, brand))
    return out


def _words_re(words: list[str]) -> Optional[re.Pattern[str]]:
    words = sorted({w for w in words if w}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(re.escape(w) for w in words) + r")(?![a-z0-9])")


def _build_index(org: OrgConfig) -> _OrgIndex:
    vips = []
    for vip in org.vip_names:
        key = skeleton(normalize_name(vip))
        toks = key.split()
        if toks:
            vips.append((vip, key, toks[0], toks[-1]))
    brand_by_key: dict[str, str] = {}
    brand_tokens = []
    for brand in org.brands:
        key = " ".join(skeleton(brand).split())
        if key:
            brand_by_key[key] = brand
        words = key.split()
        forms = {"".join(words), "-".join(words)} if words else set()
        brand_tokens.append((brand, tuple(sorted(f for f in forms if len(f) >= 3))))
    org_words: list[str] = []
    for dom in (*org.protected_domains, *org.known_vendors):
        label = registrable_domain(dom).partition(".")[0]
        parts = [p for p in label.split("-") if p]
        if len(label) >= 4:
            org_words.append(skeleton(" ".join(parts)))
            org_words.append(skeleton(label.replace("-", "")))
        if len(parts) > 1 and len(parts[0]) >= 4:
            org_words.append(skeleton(parts[0]))
    return _OrgIndex(
        vip_keys=tuple(vips),
        brand_re=_words_re(list(brand_by_key)),
        brand_by_key=brand_by_key,
        brand_domains=frozenset(d for ds in org.brands.values() for d in ds),
        brand_tokens=tuple(brand_tokens),
        brand_by_form=_forms_index(brand_tokens),
        org_word_re=_words_re(org_words),
        protected_and_vendors=org.protected_domains | org.known_vendors,
    )


def org_index(org: OrgConfig) -> _OrgIndex:
    """The organisation's names and domains prepared for matching, built once per config object."""
    hit = _ORG_CACHE.get(id(org))
    if hit is not None and hit[0] is org:
        return hit[1]
    idx = _build_index(org)
    if len(_ORG_CACHE) > 16:
        _ORG_CACHE.clear()
    _ORG_CACHE[id(org)] = (org, idx)
    return idx


# --------------------------------------------------------------------------------------------
# helpers
def domain_in(domain: str, domains: frozenset[str]) -> bool:
    """True when ``domain`` is one of ``domains`` or under one (mail.example.com under example.com)."""
    d = to_unicode(domain)
    if not d:
        return False
    return registrable_domain(d) in domains or host_matches(d, domains) is not None


def vip_match(display_name: str, org: OrgConfig) -> Optional[str]:
    """The configured VIP a display name claims to be (exact normalised name, or first+last tokens)."""
    key = skeleton(normalize_name(strip_invisible((display_name or "")[:_MAX_NAME])))
    if not key:
        return None
    toks = set(key.split())
    for vip, vkey, first, last in org_index(org).vip_keys:
        if key == vkey or (first != last and first in toks and last in toks):
            return vip
    return None


def brands_named(text: str, org: OrgConfig) -> list[str]:
    """Brands (config keys) named as whole words in ``text``, compared on confusable skeletons."""
    idx = org_index(org)
    if not text or idx.brand_re is None:
        return []
    words = " ".join(_WORD_SPLIT_RE.split(text))
    out: list[str] = []
    for variant in dict.fromkeys((words, capital_i_as_l(words))):
        for m in idx.brand_re.finditer(skeleton(variant)):
            brand = idx.brand_by_key.get(" ".join(m.group(0).split()))
            if brand and brand not in out:
                out.append(brand)
    return out


def _from(msg: ParsedMessage) -> Optional[Address]:
    return msg.from_ if msg.from_ is not None and (msg.from_.address or msg.from_.display_name) else None


def _from_reg(msg: ParsedMessage) -> str:
    return registrable_domain(to_unicode(msg.from_.domain)) if msg.from_ and msg.from_.domain else ""


def _addr_domain(address: str) -> str:
    return address.rpartition("@")[2].strip().lower() if "@" in address else ""


# --------------------------------------------------------------------------------------------
# signals
@signal("impersonation", "vip_display_name",
        "The display name claims to be {detail}, but the mail comes from outside the organisation")
def vip_display_name(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    f = _from(msg)
    if f is None:
        return None
    vip = vip_match(f.display_name, ctx.org)
    if vip is None or domain_in(f.domain, ctx.org.protected_domains):
        return Evidence(0.0)
    return Evidence(1.0, vip)


def _lookalike_evidence(msg: ParsedMessage, candidates: frozenset[str]) -> Optional[Evidence]:
    f = _from(msg)
    if f is None or not f.domain:
        return None
    target = lookalike_of(f.domain, candidates) if candidates else None
    if target is None:
        return Evidence(0.0)
    return Evidence(1.0, f"{f.domain} looks like {target}")


@signal("impersonation", "protected_domain_lookalike",
        "The sender domain imitates one of the organisation's own or vendor domains ({detail})")
def protected_domain_lookalike(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    return _lookalike_evidence(msg, org_index(ctx.org).protected_and_vendors)


@signal("impersonation", "vendor_lookalike",
        "The sender domain imitates a known supplier's domain ({detail}): possible vendor fraud")
def vendor_lookalike(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    return _lookalike_evidence(msg, ctx.org.known_vendors)


@signal("impersonation", "brand_in_display_name",
        "The sender name invokes {detail} but the mail does not come from that brand's domains")
def brand_in_display_name(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    f = _from(msg)
    if f is None:
        return None
    local = f.address.partition("@")[0] if f.address else ""
    named = brands_named(f"{f.display_name[:_MAX_NAME]} {local[:64]}", ctx.org)
    reg = _from_reg(msg)
    foreign = [b for b in named if not (reg and domain_in(reg, ctx.org.brands.get(b, frozenset())))]
    if not foreign:
        return Evidence(0.0)
    return Evidence(float(len(foreign)), ", ".join(foreign))


@signal("impersonation", "brand_domain_lookalike",
        "The sender domain imitates a brand's domain ({detail})")
def brand_domain_lookalike(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    f = _from(msg)
    if f is None or not f.domain:
        return None
    idx = org_index(ctx.org)
    host = to_unicode(f.domain)
    # A brand's own domain, or a real webmail provider (mail.com is not a gmail.com lookalike).
    if domain_in(host, idx.brand_domains) or domain_in(host, ctx.org.freemail_domains):
        return Evidence(0.0)
    target = lookalike_of(host, idx.brand_domains)
    if target is not None:
        return Evidence(1.0, f"{host} looks like {target}")
    brand = brand_in_label(skeleton(registrable_domain(host).partition(".")[0]), idx)
    if brand:
        return Evidence(1.0, f"{host} uses the name {brand}")
    return Evidence(0.0)


def brand_in_label(label: str, idx: "_OrgIndex") -> Optional[str]:
    """A brand whose name is whole hyphen-separated words of a domain label ("paypal-billing"),
    not the whole label: every run of the label's words, looked up; the first brand in list
    order wins."""
    parts = label.split("-")
    found = [idx.brand_by_form[run] for i in range(len(parts)) for j in range(i + 1, len(parts) + 1)
             if (run := "-".join(parts[i:j])) in idx.brand_by_form and run != label]
    return min(found)[1] if found else None


@signal("impersonation", "freemail_with_org_name",
        "A free webmail address uses the name of {detail}")
def freemail_with_org_name(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    f = _from(msg)
    if f is None:
        return None
    if not f.domain or not domain_in(f.domain, ctx.org.freemail_domains):
        return Evidence(0.0)
    vip = vip_match(f.display_name, ctx.org)
    if vip:
        return Evidence(1.0, vip)
    reg = _from_reg(msg)
    brands = [b for b in brands_named(f.display_name[:_MAX_NAME], ctx.org)
              if not domain_in(reg, ctx.org.brands.get(b, frozenset()))]
    if brands:
        return Evidence(1.0, brands[0])
    idx = org_index(ctx.org)
    if idx.org_word_re is not None and f.display_name:
        m = idx.org_word_re.search(skeleton(" ".join(_WORD_SPLIT_RE.split(f.display_name[:_MAX_NAME]))))
        if m:
            return Evidence(1.0, m.group(0))
    return Evidence(0.0)


@signal("impersonation", "display_name_has_address",
        "The display name shows the address {detail}, which is not the real sender address")
def display_name_has_address(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    f = _from(msg)
    if f is None:
        return None
    name = f.display_name[:_MAX_NAME]
    if "@" not in name:
        return Evidence(0.0)
    real = f.address.lower()
    for m in _EMAIL_RE.finditer(name):
        shown = m.group(0).strip(".'").lower()
        if shown != real:
            return Evidence(1.0, shown)
    return Evidence(0.0)


@signal("impersonation", "reply_to_mismatch",
        "Replies go to another domain ({detail}) than the one the mail claims to come from")
def reply_to_mismatch(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    f = _from(msg)
    if not msg.reply_to or f is None or not f.domain:
        return None
    from_reg = _from_reg(msg)
    bad = [registrable_domain(to_unicode(r.domain)) for r in msg.reply_to[:_MAX_REPLY_TO] if r.domain]
    if not bad:
        return None
    bad = [d for d in bad if d != from_reg]
    if not bad:
        return Evidence(0.0)
    return Evidence(float(len(bad)), bad[0])


@signal("impersonation", "reply_to_freemail",
        "Replies go to a free webmail address ({detail}) while the sender is not on webmail")
def reply_to_freemail(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    f = _from(msg)
    if not msg.reply_to or f is None:
        return None
    if f.domain and domain_in(f.domain, ctx.org.freemail_domains):
        return Evidence(0.0)
    for r in msg.reply_to[:_MAX_REPLY_TO]:
        if r.domain and domain_in(r.domain, ctx.org.freemail_domains):
            return Evidence(1.0, r.address or r.domain)
    return Evidence(0.0)


@signal("impersonation", "return_path_mismatch",
        "The bounce address (Return-Path) is on another domain ({detail})", learned=False,
        weight=0.1)
def return_path_mismatch(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    f = _from(msg)
    rp_dom = _addr_domain(msg.return_path or "")
    if not rp_dom or f is None or not f.domain:
        return None
    rp_reg = registrable_domain(to_unicode(rp_dom))
    if rp_reg == _from_reg(msg):
        return Evidence(0.0)
    return Evidence(1.0, rp_reg)


def _auth(result: Optional[str], method: str) -> Optional[Evidence]:
    if result is None:
        return None
    r = result.strip().lower()
    if r in _FAIL:
        return Evidence(1.0, f"{method}={r}")
    return Evidence(0.0)


@signal("impersonation", "spf_fail",
        "The sending server is not authorised for the sender domain ({detail})", learned=False,
        weight=0.6)
def spf_fail(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    return _auth(msg.auth.spf if msg.auth else None, "spf")


@signal("impersonation", "dkim_fail",
        "The message signature does not verify ({detail})", learned=False, weight=0.6)
def dkim_fail(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    return _auth(msg.auth.dkim if msg.auth else None, "dkim")


@signal("impersonation", "dmarc_fail",
        "The sender domain's own policy rejects this message ({detail})", learned=False, weight=1.2)
def dmarc_fail(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    return _auth(msg.auth.dmarc if msg.auth else None, "dmarc")


_SCRIPT_CACHE: dict[str, str] = {}


def _script(ch: str) -> str:
    s = _SCRIPT_CACHE.get(ch)
    if s is None:
        name = unicodedata.name(ch, "")
        s = name.split(" ", 1)[0] if name else ""
        if len(_SCRIPT_CACHE) < 4096:
            _SCRIPT_CACHE[ch] = s
    return s


def mixed_script_detail(name: str) -> Optional[str]:
    """Why a display name looks forged: invisible/bidi characters, or Latin mixed with Cyrillic or
    Greek look-alikes (a word mixing scripts, or a foreign-script word that reads as Latin)."""
    if not name or name.isascii():
        return None
    if _BIDI_ZW_RE.search(name):
        return "invisible or direction-override characters"
    has_latin_word = False
    suspicious = None
    for word in name.split():
        scripts = {_script(ch) for ch in word if ch.isalpha()}
        scripts.discard("")
        if "LATIN" in scripts and scripts & {"CYRILLIC", "GREEK"}:
            return f"mixed scripts in '{word}'"
        if "LATIN" in scripts:
            has_latin_word = True
        elif scripts & {"CYRILLIC", "GREEK"} and skeleton(word).isascii() and len(word) >= 2:
            suspicious = word
    if suspicious and has_latin_word:
        return f"'{suspicious}' is written in look-alike letters"
    return None


@signal("impersonation", "homoglyph_display_name",
        "The display name uses look-alike or hidden characters ({detail})")
def homoglyph_display_name(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    f = _from(msg)
    if f is None:
        return None
    detail = mixed_script_detail(f.display_name[:_MAX_NAME])
    return Evidence(1.0, detail) if detail else Evidence(0.0)


@signal("impersonation", "punycode_sender_domain",
        "The sender domain is an internationalised (IDN) name ({detail})")
def punycode_sender_domain(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    f = _from(msg)
    if f is None or not f.domain:
        return None
    d = f.domain.lower()
    if not d.isascii() or d.startswith("xn--") or ".xn--" in d:
        return Evidence(1.0, to_unicode(d))
    return Evidence(0.0)


def _profile(ctx: Context) -> Optional[CommunicationProfile]:
    return getattr(ctx, "profile", None)


@signal("impersonation", "first_contact",
        "First message ever from this sender address ({detail})", learned=False, weight=0.4)
def first_contact(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    prof = _profile(ctx)
    f = _from(msg)
    if prof is None or f is None or not f.address:
        return None
    if prof.is_known_sender(f.address):
        return Evidence(0.0)
    return Evidence(1.0, f.address)


@signal("impersonation", "familiar_name_new_address",
        "The name {detail} is known, but from other addresses, never this one", learned=False,
        weight=1.5)
def familiar_name_new_address(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    prof = _profile(ctx)
    f = _from(msg)
    if prof is None or f is None or not f.address:
        return None
    if not normalize_name(f.display_name):
        return Evidence(0.0)
    known = prof.addresses_for_name(f.display_name)
    if not known or f.address.lower() in known:
        return Evidence(0.0)
    return Evidence(1.0, f.display_name.strip())


_FAMILIAR_CACHE: dict[int, tuple[CommunicationProfile, int, int, frozenset[str]]] = {}


def _familiar(prof: CommunicationProfile) -> frozenset[str]:
    key = id(prof)
    hit = _FAMILIAR_CACHE.get(key)
    if hit is not None and hit[0] is prof and hit[1] == prof.messages and hit[2] == len(prof.domains):
        return hit[3]
    fam = frozenset(prof.familiar_domains())
    if len(_FAMILIAR_CACHE) > 8:
        _FAMILIAR_CACHE.clear()
    _FAMILIAR_CACHE[key] = (prof, prof.messages, len(prof.domains), fam)
    return fam


@signal("impersonation", "familiar_domain_lookalike",
        "The sender domain imitates a domain this organisation often corresponds with ({detail})",
        learned=False, weight=1.5)
def familiar_domain_lookalike(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    prof = _profile(ctx)
    f = _from(msg)
    if prof is None or f is None or not f.domain:
        return None
    if prof.is_familiar_domain(f.domain) or prof.is_familiar_domain(_from_reg(msg)):
        return Evidence(0.0)
    target = lookalike_of(f.domain, _familiar(prof))
    if target is None:
        return Evidence(0.0)
    return Evidence(1.0, f"{f.domain} looks like {target}")
