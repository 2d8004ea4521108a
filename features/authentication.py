"""Which Authentication-Results (RFC 8601) to believe, parsed with ``authres``.

Any header below the receiving MTA's own may have been written by the sender: an attacker who adds
``Authentication-Results: x; dmarc=pass header.from=paypal.com`` to a phish must gain nothing. So:

* with no trusted authserv-ids configured, only the topmost Authentication-Results header counts
  (the receiver prepends its own); ARC-Authentication-Results are ignored;
* with trusted ids (lower-case, "none" standing for Microsoft 365's missing id), the topmost AR
  header of a trusted id counts, together with the AR headers of that same id directly below it
  (Postfix milters write one header each) up to the next Received header, the first header that
  reports a method giving that method's results; when no AR header has a trusted id, the highest
  instance ARC-Authentication-Results of a trusted id (a trusted forwarder's seal: the seal itself
  is not verified, that needs DNS) counts; headers of other ids never count;
* when the counted headers say nothing about SPF, the topmost Received-SPF header gives it.

Real headers are often not strict RFC 8601 (Microsoft writes no authserv-id, ends with ``;``, puts
stray ``outlook.com;`` pieces in; Proton writes ``arc.chain=:x.com``; old Yahoo puts
``from=yahoo.com`` after its id; values can be non-ASCII or in angle brackets), and ``authres``
refuses a whole header for one bad clause. So each header is first split, in one linear pass, into
its ``;``-separated clauses with comments dropped, and ``authres`` parses each clause on its own:
an unparsable clause is skipped, never the header. Pure, no I/O; bounded in time and memory on a
64 KiB hostile value; never raises.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Collection, Optional, Sequence
from urllib.parse import quote, unquote

import authres
import authres.arc
import authres.core
import authres.dmarc

from features.domains import is_ip_host, registrable_domain, to_unicode
from features.message import AuthResults

__all__ = ["parse_authentication", "aligned", "authenticated_domain", "alignment_detail"]

SOURCE_AR = "authentication-results"
SOURCE_ARC = "arc-authentication-results"
SOURCE_RECEIVED_SPF = "received-spf"

_MAX_VALUE = 8 * 1024       # characters of one header value read (real ones are under 1 KiB)
_MAX_CLAUSES = 32           # clauses read from one header
_MAX_CLAUSE = 1024          # a longer clause (comments removed) is junk: skipped
_MAX_AR = 32                # Authentication-Results headers examined, from the top
_MAX_ARC = 16               # ARC-Authentication-Results headers examined, from the top
_CACHE_VALUE = 2048         # only values this short are cached: at most 4 MiB of keys

# Result words written by real MTAs that RFC 8601 spells otherwise.
_SYNONYMS = {"hardfail": "fail", "error": "temperror", "timeout": "temperror"}

# One lexical piece of a header value: a run of plain text, an escaped pair, or a special.
_LEX = re.compile(r'[^()";\\]+|\\.?|[()";]', re.DOTALL)
_WSP = re.compile(r"[ \t\r\n]+")
_INSTANCE = re.compile(r"i\s*=\s*(\d{1,6})", re.IGNORECASE)
_SAFE = "".join(chr(c) for c in range(32, 127) if chr(c) != "%")   # kept as is by quote()
_RSPF_WORD = re.compile(r"\s*([A-Za-z]+)")
_RSPF_MAILFROM = re.compile(r"(?:envelope-from|smtp\.mailfrom)\s*=\s*[\"<]?([^\s;\"<>()]*)",
                            re.IGNORECASE)
_RSPF_HELO = re.compile(r"(?<![\w.-])helo\s*=\s*[\"<]?([^\s;\"<>()]*)", re.IGNORECASE)
_RSPF_IDENTITY_HELO = re.compile(r"identity\s*=\s*helo\b", re.IGNORECASE)


# --------------------------------------------------------------------------------------------
# authres, made linear-bounded


class _Header(authres.core.AuthenticationResultsHeader):
    """``authres``'s grammar, its tokeniser made cheaper and bounded: patterns are compiled once
    (authres recompiles them on every token and rewrites the text with re.sub), white space is
    skipped in one match (comments are removed before), and a step budget stops the parse of
    pathological input (every pattern then fails to match, which ends every loop of the grammar,
    and the clause is dropped)."""

    _compiled: dict[str, re.Pattern[str]] = {}
    _budget = 0

    @classmethod
    def parse_value(cls, feature_context: authres.FeatureContext, string: str) -> "_Header":
        header = cls(feature_context)
        header._budget = 64 + 8 * len(string)
        header._parse_text = string.rstrip("\r\n\t ")
        header._parse()
        if header._budget <= 0:
            raise authres.core.SyntaxError("step budget exhausted")
        return header

    def _parse_pattern(self, pattern):  # type: ignore[override]  # authres's own signature
        self._budget -= 1
        if self._budget <= 0:
            return None
        rx = self._compiled.get(pattern)
        if rx is None:
            rx = pattern if authres.core.isre(pattern) else re.compile("^" + pattern, re.I)
            self._compiled[pattern] = rx
        m = rx.match(self._parse_text)
        if m is not None and m.end():
            self._parse_text = self._parse_text[m.end():]
        return m

    def _parse_rfc5322_cfws(self):  # type: ignore[override]
        # Comments are already gone (``_clauses``), so folding white space is all there is to skip
        # here: one match instead of authres's loop of FWS and comment attempts.
        self._budget -= 1
        if self._budget > 0:
            m = _WSP.match(self._parse_text)
            if m is not None:
                self._parse_text = self._parse_text[m.end():]


_CONTEXT = authres.FeatureContext(authres.dmarc, authres.arc)
_CONTEXT.header_class = _Header


# --------------------------------------------------------------------------------------------
# parsed forms (immutable, so they can be cached and shared)


@dataclass(frozen=True)
class _Result:
    method: str
    result: str
    props: tuple[tuple[str, str], ...]       # ("header.d", "example.com"), in written order

    def prop(self, name: str) -> str:
        for k, v in self.props:
            if k == name:
                return v
        return ""


@dataclass(frozen=True)
class _Parsed:
    authserv_id: str                         # lower-case; "" when the header names none
    results: tuple[_Result, ...]
    instance: int = 0                        # ARC i=; 0 for a plain Authentication-Results
    dmarc_policy: str = ""                   # the domain owner's policy the receiver applied


# The policy behind a DMARC result, as receivers write it: Gmail and OpenDMARC in a comment
# ("dmarc=fail (p=REJECT sp=REJECT dis=NONE)"), Microsoft 365 as an action ("dmarc=fail
# action=oreject", "action=quarantine"; "action=none" under p=none). Not an RFC 8601 property,
# so read from the raw clause.
_DMARC_CLAUSE = re.compile(r"\bdmarc\s*=\s*\w+([^;]*)", re.IGNORECASE)
_DMARC_POLICY = re.compile(r"(?<![\w.])(?:p|action)\s*=\s*(\w+)", re.IGNORECASE)
_POLICY_WORDS = {"reject": "reject", "oreject": "reject", "quarantine": "quarantine",
                 "none": "none", "pct": "", "sp": ""}


def dmarc_policy_of(value: str) -> str:
    """The DMARC policy ("reject", "quarantine", "none") a receiver's header reports with its
    DMARC result, or "" when it reports none."""
    m = _DMARC_CLAUSE.search(value)
    if m is None:
        return ""
    p = _DMARC_POLICY.search(m.group(1))
    return _POLICY_WORDS.get(p.group(1).lower(), "") if p else ""


def _clauses(value: str) -> list[str]:
    """The ``;``-separated clauses of a header value, comments dropped, whitespace collapsed.
    A comment or quoted string left open (broken headers do that) is closed at the next ``;``
    instead of swallowing the rest of the header. One pass per mode: linear."""
    out = _scan(value, lenient=False)
    return out if out is not None else (_scan(value, lenient=True) or [])


def _scan(value: str, lenient: bool) -> Optional[list[str]]:
    clauses: list[str] = []
    cur: list[str] = []
    depth = 0
    quoted = False

    def close() -> bool:
        text = " ".join("".join(cur).split())
        cur.clear()
        clauses.append(text if len(text) <= _MAX_CLAUSE else "")
        return len(clauses) >= _MAX_CLAUSES

    for m in _LEX.finditer(value):
        tok = m.group()
        if quoted:
            if tok == '"':
                quoted = False
                cur.append(tok)
            elif tok == ";" and lenient:
                cur.append('"')
                quoted = False
                if close():
                    break
            else:
                cur.append(tok)
        elif depth:
            if tok == "(":
                depth += 1
            elif tok == ")":
                depth -= 1
            elif tok == ";" and lenient:
                depth = 0
                if close():
                    break
        elif tok == "(":
            depth = 1
            cur.append(" ")
        elif tok == ")":
            cur.append(" ")
        elif tok == '"':
            quoted = True
            cur.append(tok)
        elif tok == ";":
            if close():
                break
        else:
            cur.append(tok)
    else:
        if (depth or quoted) and not lenient:
            return None
        close()
    return clauses


@lru_cache(maxsize=4096)
def _parse_clause(clause: str) -> tuple[_Result, ...]:
    """One ``method=result reason=... ptype.prop=value ...`` clause, by authres; () when it is
    not one. Angle brackets (``header.from=<a@b>``) are dropped and non-ASCII text (which authres
    refuses) is percent-encoded for the parse and decoded after."""
    if "=" not in clause:
        return ()                            # "none", or a stray "outlook.com" piece
    text = clause.replace("<", "").replace(">", "")
    encoded = not text.isascii() or "%" in text
    try:
        if encoded:
            text = quote(text, safe=_SAFE, errors="replace")
        header = _CONTEXT.parse_value("x; " + text)
    except Exception:  # noqa: BLE001 - authres raises several types on junk; a clause is skipped
        return ()
    out = []
    for r in header.results:
        method = getattr(r, "method", None)
        word = getattr(r, "result", None)
        if not method or not word:
            continue
        props = []
        for p in getattr(r, "properties", ()) or ():
            if not p.type or not p.name:
                continue
            v = str(p.value or "")
            props.append((f"{p.type}.{p.name}", unquote(v) if encoded else v))
        word = word.lower()
        out.append(_Result(method.lower(), _SYNONYMS.get(word, word), tuple(props)))
    return tuple(out)


def _parse_header(value: str, arc: bool) -> Optional[_Parsed]:
    """An (ARC-)Authentication-Results value as authserv-id and results; None for an ARC header
    without a valid ``i=``. Short values are cached: the same header recurs across a mailbox."""
    if len(value) <= _CACHE_VALUE:
        return _parse_header_cached(value, arc)
    return _parse_header_uncached(value, arc)


@lru_cache(maxsize=2048)
def _parse_header_cached(value: str, arc: bool) -> Optional[_Parsed]:
    return _parse_header_uncached(value, arc)


def _parse_header_uncached(value: str, arc: bool) -> Optional[_Parsed]:
    clauses = _clauses(value[:_MAX_VALUE])
    instance = 0
    if arc:
        m = _INSTANCE.fullmatch(clauses[0]) if clauses else None
        if m is None:
            return None
        instance = int(m.group(1))
        clauses = clauses[1:]
    authserv_id = ""
    if clauses:
        first = clauses[0].split(" ", 1)[0]
        if "=" not in first:                 # Microsoft 365 starts with "spf=...": no id
            authserv_id = first.lower()
            clauses = clauses[1:]
    results: list[_Result] = []
    for c in clauses:
        if c:
            results.extend(_parse_clause(c))
    policy = dmarc_policy_of(value[:_MAX_VALUE]) if any(r.method == "dmarc" for r in results) \
        else ""
    return _Parsed(authserv_id, tuple(results), instance, policy)


# --------------------------------------------------------------------------------------------
# the trust policy


def _trusted_set(trusted_ids: Collection[str]) -> frozenset[str]:
    if isinstance(trusted_ids, str):             # one id passed bare, not its characters
        trusted_ids = (trusted_ids,)
    out = set()
    for t in trusted_ids or ():
        t = str(t).strip().lower()
        if t:                                    # a blank entry trusts nothing
            out.add("" if t == "none" else t)
    return frozenset(out)


def parse_authentication(headers: Sequence[tuple[str, str]],
                         trusted_ids: Collection[str] = ()) -> AuthResults:
    """The authentication results that count for a message whose header list (top, i.e. newest,
    first) is ``headers``, under the trust policy in the module docstring. Never raises: a message
    whose headers cannot be read has no results."""
    try:
        return _parse_authentication(headers, _trusted_set(trusted_ids))
    except Exception:  # noqa: BLE001 - the parser must never take message parsing down
        return AuthResults()


def _parse_authentication(headers: Sequence[tuple[str, str]],
                          trusted: frozenset[str]) -> AuthResults:
    run: list[_Parsed] = []                  # the counted AR headers
    run_done = False
    n_ar = 0
    arc_values: list[str] = []
    received_spf: Optional[str] = None
    for name, value in headers:
        if not isinstance(name, str) or not isinstance(value, str):
            continue
        lname = name.strip().lower()
        if lname == "authentication-results":
            if run_done or n_ar >= _MAX_AR:
                continue
            n_ar += 1
            h = _parse_header(value, arc=False)
            if not trusted:
                if h is not None:
                    run.append(h)
                run_done = True
            elif run:
                if h is not None and h.authserv_id == run[0].authserv_id:
                    run.append(h)
                else:
                    run_done = True
            elif h is not None and h.authserv_id in trusted:
                run.append(h)
        elif lname == "received":
            if run:
                run_done = True              # the receiver's own headers end at a Received
        elif lname == "arc-authentication-results":
            if trusted and len(arc_values) < _MAX_ARC:
                arc_values.append(value)
        elif lname == "received-spf":
            if received_spf is None:
                received_spf = value
        if run_done and received_spf is not None:
            break                            # nothing further down can count

    source = SOURCE_AR if run else ""
    if not run and arc_values:
        best: Optional[_Parsed] = None
        for v in arc_values:
            h = _parse_header(v, arc=True)
            if h is not None and h.authserv_id in trusted and \
                    (best is None or h.instance > best.instance):
                best = h
        if best is not None:
            run, source = [best], SOURCE_ARC
    if run and not (run[0].authserv_id or any(h.results for h in run)):
        run, source = [], ""                 # nothing readable in the counted header
    return _combine(run, source, received_spf)


def _combine(run: list[_Parsed], source: str, received_spf: Optional[str]) -> AuthResults:
    """One AuthResults from the counted headers: for each method, the results of the first
    header that reports it (a later header of the same id cannot override the receiver's)."""
    by_method: dict[str, list[_Result]] = {}
    for h in run:
        mine: dict[str, list[_Result]] = {}
        for r in h.results:
            mine.setdefault(r.method, []).append(r)
        for method, rs in mine.items():
            by_method.setdefault(method, rs)

    spf = spf_domain = None
    if by_method.get("spf"):
        r = by_method["spf"][0]
        spf = r.result
        spf_domain = _domain_of(r.prop("smtp.mailfrom")) or _domain_of(r.prop("smtp.helo"))
    dkim: Optional[str] = None
    dkim_domains: list[str] = []
    sigs = by_method.get("dkim") or []
    if sigs:
        dkim = "pass" if any(r.result == "pass" for r in sigs) else sigs[0].result
        for r in sigs:
            if r.result == "pass":
                d = _domain_of(r.prop("header.d")) or _domain_of(r.prop("header.i"))
                if d and d not in dkim_domains:
                    dkim_domains.append(d)
    dmarc = dmarc_from = None
    dmarc_policy = ""
    if by_method.get("dmarc"):
        r = by_method["dmarc"][0]
        dmarc, dmarc_from = r.result, _domain_of(r.prop("header.from"))
        dmarc_policy = next((h.dmarc_policy for h in run if any(x is r for x in h.results)), "")
    compauth = by_method["compauth"][0].result if by_method.get("compauth") else None

    if spf is None and received_spf:
        spf, spf_domain = _received_spf(received_spf)
        if spf is not None and not source:
            source = SOURCE_RECEIVED_SPF
    return AuthResults(spf=spf, dkim=dkim, dmarc=dmarc, spf_domain=spf_domain or "",
                       dkim_domains=tuple(dkim_domains), dmarc_from=dmarc_from or "",
                       compauth=compauth, authserv_id=run[0].authserv_id if run else "",
                       source=source, dmarc_policy=dmarc_policy)


def _received_spf(value: str) -> tuple[Optional[str], str]:
    """(result, domain) of a Received-SPF value (RFC 7208 9.1): the result word comes first; the
    domain is envelope-from's (smtp.mailfrom's), else helo's when the check was of the HELO."""
    value = value[:_MAX_VALUE]
    m = _RSPF_WORD.match(value)
    if m is None:
        return None, ""
    word = m.group(1).lower()
    dom = ""
    mf = _RSPF_MAILFROM.search(value)
    if mf is not None:
        dom = _domain_of(mf.group(1))
    elif _RSPF_IDENTITY_HELO.search(value):
        h = _RSPF_HELO.search(value)
        dom = _domain_of(h.group(1)) if h is not None else ""
    return _SYNONYMS.get(word, word), dom


def _domain_of(value: str) -> str:
    """The domain of an address, ``@domain`` or bare domain as AR properties write them."""
    v = (value or "").strip().strip("<>\"'").rsplit("@", 1)[-1]
    return v.strip().strip("<>\"'").rstrip(".").lower()


# --------------------------------------------------------------------------------------------
# alignment (DMARC, RFC 7489 3.1: relaxed mode)


def _org(domain: str) -> str:
    d = _domain_of(domain)
    if not d or d == "none" or is_ip_host(d):
        return ""
    org = registrable_domain(to_unicode(d))
    return org if "." in org else ""


def aligned(from_domain: str, other: str) -> bool:
    """DMARC relaxed alignment: both under the same organisational domain (mail.paypal.com and
    paypal.com are; shop.com and sendgrid.net are not). Only an aligned identity says anything
    about who wrote the From header."""
    a = _org(from_domain)
    return bool(a) and a == _org(other)


def authenticated_domain(auth: AuthResults, from_domain: str) -> str:
    """The From domain's organisational domain when the counted results prove the sender owns
    it (DMARC pass for an aligned header.from, a passing DKIM signature with an aligned d=, or an
    SPF pass for an aligned mail-from), else "". Microsoft's ``bestguesspass`` and ``compauth``
    prove nothing on their own: only through the DKIM/SPF alignments they stand for. A lookalike
    domain can be proven: it is then proven to be the lookalike, nothing more."""
    org = _org(from_domain)
    if not org:
        return ""
    # The receiver's own DMARC (or Microsoft's composite) verdict on this From domain overrides
    # our reading of the pieces: a message it failed is not proven, whatever passed on the way.
    if auth.dmarc in ("fail", "permerror") and (not auth.dmarc_from or
                                                aligned(from_domain, auth.dmarc_from)):
        return ""
    if auth.compauth == "fail":
        return ""
    if auth.dmarc == "pass" and aligned(from_domain, auth.dmarc_from):
        return org
    if any(aligned(from_domain, d) for d in auth.dkim_domains):
        return org
    if auth.spf == "pass" and aligned(from_domain, auth.spf_domain):
        return org
    return ""


def alignment_detail(auth: AuthResults, from_domain: str) -> str:
    """A short phrase for an explanation, e.g. "DKIM-aligned (d=paypal.com), SPF-aligned, DMARC
    pass", saying which identities vouch for the From domain and which do not."""
    parts: list[str] = []
    dk = [d for d in auth.dkim_domains if aligned(from_domain, d)]
    if dk:
        parts.append(f"DKIM-aligned (d={dk[0]})")
    elif auth.dkim_domains:
        parts.append(f"DKIM pass for d={auth.dkim_domains[0]} (not aligned)")
    elif auth.dkim:
        parts.append(f"DKIM {auth.dkim}")
    if auth.spf == "pass" and aligned(from_domain, auth.spf_domain):
        parts.append("SPF-aligned")
    elif auth.spf == "pass" and auth.spf_domain:
        parts.append(f"SPF pass for {auth.spf_domain} (not aligned)")
    elif auth.spf:
        parts.append(f"SPF {auth.spf}")
    if auth.dmarc == "pass":
        if auth.dmarc_from and not aligned(from_domain, auth.dmarc_from):
            parts.append(f"DMARC pass for {auth.dmarc_from} (not the From domain)")
        else:
            parts.append("DMARC pass")
    elif auth.dmarc == "bestguesspass":
        parts.append("DMARC best-guess pass (no DMARC policy published)")
    elif auth.dmarc:
        parts.append(f"DMARC {auth.dmarc}")
    if auth.compauth:
        parts.append(f"compauth={auth.compauth}")
    return ", ".join(parts) if parts else "no authentication results"
