"""The communication profile: who writes to whom, which names go with which addresses, which domains
are familiar. Learned from an organisation's past mail (``sedetect profile build``) and used by the
impersonation signals (first contact, a familiar name on a new address, a lookalike of a familiar
domain). Pure data; building is a fold over ParsedMessages, so Beam or a loop can drive it."""
from __future__ import annotations

import json
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from features.message import ParsedMessage


def normalize_name(name: str) -> str:
    """Comparable form of a display name: NFKC, case-folded, quotes/commas dropped, 'Last, First'
    turned into 'first last', whitespace collapsed."""
    n = unicodedata.normalize("NFKC", name or "").casefold().strip().strip("'\"")
    if "," in n:
        last, _, first = n.partition(",")
        n = f"{first.strip()} {last.strip()}"
    n = "".join(ch if ch.isalnum() or ch.isspace() else " " for ch in n)
    return " ".join(n.split())


@dataclass
class CommunicationProfile:
    senders: Counter = field(default_factory=Counter)                # address -> messages sent
    domains: Counter = field(default_factory=Counter)                # domain -> messages seen (from/to/cc)
    name_addresses: dict = field(default_factory=lambda: defaultdict(Counter))  # name -> address -> n
    pairs: Counter = field(default_factory=Counter)                  # "sender>recipient" -> n
    messages: int = 0

    # -- building ---------------------------------------------------------------------------
    def add(self, msg: ParsedMessage) -> None:
        self.messages += 1
        sender = msg.from_.address if msg.from_ else ""
        if sender:
            self.senders[sender] += 1
            if msg.from_.domain:
                self.domains[msg.from_.domain] += 1
            name = normalize_name(msg.from_.display_name)
            if name:
                self.name_addresses[name][sender] += 1
        for rcpt in (*msg.to, *msg.cc):
            if rcpt.domain:
                self.domains[rcpt.domain] += 1
            if sender and rcpt.address:
                self.pairs[f"{sender}>{rcpt.address}"] += 1

    def merge(self, other: "CommunicationProfile") -> "CommunicationProfile":
        out = CommunicationProfile()
        for prof in (self, other):
            out.senders.update(prof.senders)
            out.domains.update(prof.domains)
            out.pairs.update(prof.pairs)
            out.messages += prof.messages
            for name, addrs in prof.name_addresses.items():
                out.name_addresses[name].update(addrs)
        return out

    @classmethod
    def build(cls, messages: Iterable[ParsedMessage]) -> "CommunicationProfile":
        prof = cls()
        for msg in messages:
            prof.add(msg)
        return prof

    # -- questions the signals ask -----------------------------------------------------------
    def is_known_sender(self, address: str) -> bool:
        return self.senders.get(address.lower(), 0) > 0

    def addresses_for_name(self, display_name: str) -> set[str]:
        return set(self.name_addresses.get(normalize_name(display_name), {}))

    def is_familiar_domain(self, domain: str, min_messages: int = 2) -> bool:
        return self.domains.get(domain.lower(), 0) >= min_messages

    def familiar_domains(self, min_messages: int = 2) -> set[str]:
        return {d for d, n in self.domains.items() if n >= min_messages}

    def has_written(self, sender: str, recipient: str) -> bool:
        return self.pairs.get(f"{sender.lower()}>{recipient.lower()}", 0) > 0

    # -- storage -----------------------------------------------------------------------------
    def to_json(self) -> str:
        return json.dumps({
            "version": 1, "messages": self.messages, "senders": self.senders,
            "domains": self.domains, "pairs": self.pairs,
            "name_addresses": {k: dict(v) for k, v in self.name_addresses.items()},
        }, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "CommunicationProfile":
        raw = json.loads(text)
        if raw.get("version") != 1:
            raise ValueError("unsupported profile version")
        prof = cls(senders=Counter(raw["senders"]), domains=Counter(raw["domains"]),
                   pairs=Counter(raw["pairs"]), messages=int(raw["messages"]))
        for name, addrs in raw["name_addresses"].items():
            prof.name_addresses[name] = Counter(addrs)
        return prof

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> "CommunicationProfile":
        return cls.from_json(Path(path).read_text(encoding="utf-8"))
