"""What the extractors know besides the message: the organisation (configs/) and, optionally, the
communication profile learned from its past mail."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import yaml

from features.limits import Limits
from features.profile import CommunicationProfile

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "configs" / "default.yaml"


@dataclass(frozen=True)
class OrgConfig:
    protected_domains: frozenset[str] = frozenset()
    vip_names: tuple[str, ...] = ()
    known_vendors: frozenset[str] = frozenset()
    brands: dict[str, frozenset[str]] = field(default_factory=dict)   # brand -> legit domains
    body_brands: frozenset[str] = frozenset()    # brand names distinctive enough to match in text
    freemail_domains: frozenset[str] = frozenset()
    url_shorteners: frozenset[str] = frozenset()
    free_hosting: frozenset[str] = frozenset()
    thresholds: dict[str, Optional[float]] = field(default_factory=dict)
    limits: Limits = Limits()                    # how much of one message is read
    # Identity (features/identity.py). The open lists of features/data/identity/ are the defaults;
    # the org's own entries extend them (from_dict merges both).
    trusted_authserv_ids: frozenset[str] = frozenset()   # empty: only the topmost AR header counts
    trusted_senders: frozenset[str] = frozenset()        # org domains whose authenticated mail is trusted
    neutral_link_hosts: frozenset[str] = frozenset()     # ESP click-tracking and CDN hosts
    popular_domains: frozenset[str] = frozenset()        # long-established, widely visited domains
    # where anyone can send under the platform's own domain (help desks, tenants, ESPs; free mail
    # is freemail_domains): an authenticated pass there proves no organisation
    shared_senders: frozenset[str] = frozenset()

    @classmethod
    def from_dict(cls, raw: dict) -> "OrgConfig":
        from features.reference import load_reference
        ref = load_reference()
        org = raw.get("organisation") or {}
        ident = raw.get("identity") or {}
        low = lambda xs: frozenset(str(x).strip().lower() for x in (xs or []))  # noqa: E731
        brands = {name: set(domains) for name, domains in ref.brands.items()}
        for k, v in (raw.get("brands") or {}).items():
            brands.setdefault(str(k).lower(), set()).update(low(v))
        return cls(
            protected_domains=low(org.get("protected_domains")),
            vip_names=tuple(str(x) for x in (org.get("vip_names") or [])),
            known_vendors=low(org.get("known_vendors")),
            brands={k: frozenset(v) for k, v in sorted(brands.items())},
            body_brands=ref.body_brands,
            freemail_domains=ref.freemail | low(raw.get("freemail_domains")),
            url_shorteners=ref.url_shorteners | low(raw.get("url_shorteners")),
            free_hosting=ref.free_page_hosts | low(raw.get("free_hosting")),
            thresholds=dict(raw.get("thresholds") or {}),
            limits=Limits.from_dict(raw.get("limits")),
            trusted_authserv_ids=low(ident.get("trusted_authserv_ids")),
            trusted_senders=ref.trusted_senders | low(ident.get("trusted_senders")),
            neutral_link_hosts=ref.neutral_link_hosts | low(ident.get("neutral_link_hosts")),
            popular_domains=frozenset(ref.popular_rank) | low(ident.get("popular_domains")),
            shared_senders=ref.shared_senders | ref.disposable | ref.replyto_services |
            ref.neutral_link_hosts,
        )


def load_org(path: Optional[str | Path] = None) -> OrgConfig:
    """Read an organisation config (YAML); the packaged configs/default.yaml when no path is given."""
    p = Path(path) if path else DEFAULT_CONFIG
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"cannot read config {p}: {exc}") from exc
    if not isinstance(raw, dict):
        raise ValueError(f"config {p} is not a mapping")
    try:
        return OrgConfig.from_dict(raw)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"config {p}: {exc}") from exc


@dataclass(frozen=True)
class Context:
    """Everything a signal may consult. ``profile`` is None when no profile was built: the
    behavioural signals then abstain."""
    org: OrgConfig
    profile: Optional[CommunicationProfile] = None
