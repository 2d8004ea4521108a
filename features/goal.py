"""Goal: what does the attacker want?

Credentials, a payment or bank-detail change, invoices, wire transfers, gift cards, payroll changes,
tax data, crypto, advance fees, extortion, malware execution, and the money and bank details that go
with them. Reads the subject, the newest part of the thread and the attachment file names.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Optional

import yaml

from features.context import Context
from features.lexicon import match_text, normalize_text, theme_evidence
from features.message import ParsedMessage
from features.signals import Evidence, signal
from features.trust import MAX_TEXT, readable

COUNT_CAP = 10.0
MAX_ATTACHMENT_NAMES = 50

_CODES = r"usd|eur|gbp|brl|chf|cad|aud|inr|jpy|cny|mxn|ngn|zar|btc|eth|usdt"
_WORDS = r"dollars?|euros?|pounds?|reais|francs?|pesos?|dolares|libras|bitcoins?"
_BIG = r"million|millions|billion|billions|milhoes|milhao|millionen|miljoen|millones|millon|mio\.?|mrd\.?"
# A number (starting with a digit so the engine can skip to digits quickly), then currency context
# is checked on either side: "$1,000.00", "€500", "1.000,00 eur", "r$ 200", "usd 5000", "5 million".
_NUM_RE = re.compile(r"\d(?:\d{0,2}(?:[.,' ]\d{3})+(?:[.,]\d{1,2})?|\d*(?:[.,]\d{1,2})?)(?!\d)")
_PRE_RE = re.compile(r"(?:(?:us|au|ca|r|nz|hk|s)?\$|[€£¥₹₦]|(?<![a-z])(?:" + _CODES + r")\.?) ?$")
_SCALE_RE = re.compile(r" ?(?:k|m|bn|mm|" + _BIG + r")(?![a-z])")
_POST_RE = re.compile(r"(?: ?(?:k|m|bn|mm|" + _BIG + r")(?![a-z]))? ?(?:[€£$]|(?:" + _CODES + r"|" + _WORDS
                      + r")(?![a-z]))| ?(?:" + _BIG + r")(?![a-z])")
_NAME_SEP_RE = re.compile(r"[_.+]+")      # "Rechnung_2024.pdf" -> "Rechnung 2024 pdf" for word matching
_IBAN_RE = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")
_BANK_PHRASES_RE = re.compile(     # runs on lexicon.match_text (a space before every word)
    r" (?:iban|swift(?:[ /-]?(?:code|bic))?|bic(?: code)?|routing (?:number|no|#)|aba(?: routing)?(?: number| no)?"
    r"|account (?:number|no\.?|#)|acct(?:\.|ount)? ?(?:no|number|#)|sort code|beneficiary (?:bank|account|name)"
    r"|bank name|kontonummer|bankleitzahl|blz|agencia e conta|conta corrente|chave pix"
    r"|rekeningnummer|rib|code banque|numero de cuenta|clabe)(?!\w)")


_LAST: tuple[object, str] = (None, "")   # (message, its goal text): every goal signal asks


def goal_text(msg: ParsedMessage) -> str:
    """Subject, the newest part of the thread and the attachment file names, made ``readable``:
    what is asked for."""
    global _LAST
    hit = _LAST
    if hit[0] is msg:
        return hit[1]
    names = " ".join(_NAME_SEP_RE.sub(" ", a.filename)
                     for a in msg.attachments[:MAX_ATTACHMENT_NAMES] if a.filename)
    text = readable(f"{msg.subject or ''}\n{msg.current_text or ''}"[:MAX_TEXT]
                    + ("\n" + names if names else ""))
    _LAST = (msg, text)
    return text


def _theme(msg: ParsedMessage, theme: str) -> Evidence:
    return theme_evidence(goal_text(msg), theme, COUNT_CAP)


@signal("goal", "credentials", "The message is after login credentials ({detail})")
def credentials(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    return _theme(msg, "credentials")


@signal("goal", "payment_change", "The message asks to change where payments go ({detail})")
def payment_change(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    return _theme(msg, "payment_change")


@signal("goal", "invoice", "The message is about an invoice or payment due ({detail})")
def invoice(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    return _theme(msg, "invoice")


@signal("goal", "wire_transfer", "The message asks for a bank or wire transfer ({detail})")
def wire_transfer(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    return _theme(msg, "wire_transfer")


@signal("goal", "gift_cards", "The message asks for gift cards ({detail})")
def gift_cards(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    return _theme(msg, "gift_cards")


@signal("goal", "payroll", "The message is about salary or direct deposit ({detail})")
def payroll(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    return _theme(msg, "payroll")


@signal("goal", "tax_data", "The message is after tax forms or tax identities ({detail})")
def tax_data(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    return _theme(msg, "tax_data")


@signal("goal", "crypto", "The message is about cryptocurrency ({detail})")
def crypto(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    return _theme(msg, "crypto")


@signal("goal", "advance_fee", "The message promises a windfall ({detail}), an advance-fee lure")
def advance_fee(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    return _theme(msg, "advance_fee")


@signal("goal", "extortion", "The message threatens or blackmails the reader ({detail})")
def extortion(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    return _theme(msg, "extortion")


@signal("goal", "malware_exec", "The message asks to open, enable or run something ({detail})")
def malware_exec(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    return _theme(msg, "malware_exec")


ASKS_FILE = Path(__file__).resolve().parent / "data" / "goal_asks.yaml"


@lru_cache(maxsize=1)
def concrete_asks() -> dict[str, re.Pattern[str]]:
    """Theme -> the pattern of its concrete asks (features/data/goal_asks.yaml)."""
    doc = yaml.safe_load(ASKS_FILE.read_text(encoding="utf-8"))
    gap = doc["gap"]
    return {theme: re.compile("|".join(f"(?:{p.replace('{GAP}', gap)})" for p in pats))
            for theme, pats in doc["asks"].items()}


_LAST_ASKS: tuple = (None, [])


def asks_found(msg: ParsedMessage) -> list[tuple[str, str]]:
    """(theme, phrase) of each kind of concrete ask in the message's newest text, in the order of
    goal_asks.yaml. Memoised for the last message: the signal and the message's fingerprint
    (features/fingerprints.py) both read it."""
    global _LAST_ASKS
    if _LAST_ASKS[0] is msg:
        return _LAST_ASKS[1]
    text = goal_text(msg)
    found = []
    if text:
        t = match_text(text)
        found = [(theme, m.group(0).strip()) for theme, rx in concrete_asks().items()
                 for m in [rx.search(t)] if m]
    _LAST_ASKS = (msg, found)
    return found


@signal("goal", "concrete_ask", "The message asks for a specific act: {detail}")
def concrete_ask(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    """An ask, not a mention: the identity policy lets this convict a proven, coherent sender."""
    found = asks_found(msg)
    if not found:
        return Evidence(0.0)
    theme, phrase = found[0]
    return Evidence(float(len(found)), f'{theme.replace("_", " ")} ("{phrase}")')


def money_amounts(text: str, limit: int = 10) -> list[str]:
    """Currency amounts in ``text`` ($1,000.00, €500, 1.000,00 EUR, R$ 200, 5 million), as written."""
    t = normalize_text(text)
    out: list[str] = []
    for m in _NUM_RE.finditer(t):
        start, end = m.span()
        pre = _PRE_RE.search(t, max(0, start - 6), start)
        if pre:
            scale = _SCALE_RE.match(t, end)
            out.append(t[pre.start():scale.end() if scale else end])
        else:
            if start and (t[start - 1].isalnum() or t[start - 1] in ".,"):
                continue
            post = _POST_RE.match(t, end)
            if not post:
                continue
            out.append(t[start:post.end()])
        if len(out) >= limit:
            break
    return out


@signal("goal", "money_amount", "The message names sums of money ({detail})")
def money_amount(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    amounts = money_amounts(goal_text(msg), int(COUNT_CAP))
    if not amounts:
        return Evidence(0.0)
    return Evidence(float(len(amounts)), amounts[0])


def iban_valid(candidate: str) -> bool:
    """ISO 13616 mod-97 check: a real IBAN, not any letters-and-digits run."""
    s = candidate.replace(" ", "").upper()
    if not (15 <= len(s) <= 34) or not s[:2].isalpha() or not s[2:4].isdigit() or not s.isalnum():
        return False
    moved = s[4:] + s[:4]
    try:
        return int("".join(str(int(ch, 36)) for ch in moved)) % 97 == 1
    except ValueError:
        return False


def ibans(text: str, limit: int = 5) -> list[str]:
    """Checksum-valid IBANs in ``text`` (spaces allowed, trailing words not swallowed)."""
    out: list[str] = []
    for m in _IBAN_RE.finditer(text.upper()[:MAX_TEXT]):
        compact = m.group(0).replace(" ", "")
        for end in range(len(compact), 14, -1):
            if iban_valid(compact[:end]):
                out.append(compact[:end])
                break
        if len(out) >= limit:
            break
    return out


@signal("goal", "bank_details", "The message carries bank account details ({detail})")
def bank_details(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    text = goal_text(msg)
    found = ibans(text)
    phrases = [m.group(0).strip() for m in _BANK_PHRASES_RE.finditer(match_text(text))][:10]
    n = len(found) + len(phrases)
    if not n:
        return Evidence(0.0)
    detail = f"IBAN {found[0]}" if found else phrases[0]
    return Evidence(min(float(n), COUNT_CAP), detail)


@signal("goal", "text_semantics",
        "What the message asks for reads like known attacks (text model {detail})",
        model_filled=True)
def text_semantics(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    """Filled in at scoring time by the bundle's text model (detectors/text_head.py)."""
    return None
