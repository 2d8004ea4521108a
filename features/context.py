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
    freemail_domains: frozenset[str] = frozenset()
    url_shorteners: frozenset[str] = frozenset()
    free_hosting: frozenset[str] = frozenset()
    thresholds: dict[str, Optional[float]] = field(default_factory=dict)
    limits: Limits = Limits()                    # how much of one message is read

    @classmethod
    def from_dict(cls, raw: dict) -> "OrgConfig":
        org = raw.get("organisation") or {}
        low = lambda xs: frozenset(str(x).strip().lower() for x in (xs or []))  # noqa: E731
        return cls(
            protected_domains=low(org.get("protected_domains")),
            vip_names=tuple(str(x) for x in (org.get("vip_names") or [])),
            known_vendors=low(org.get("known_vendors")),
            brands={str(k).lower(): low(v) for k, v in (raw.get("brands") or {}).items()},
            freemail_domains=low(raw.get("freemail_domains")),
            url_shorteners=low(raw.get("url_shorteners")),
            free_hosting=low(raw.get("free_hosting")),
            thresholds=dict(raw.get("thresholds") or {}),
            limits=Limits.from_dict(raw.get("limits")),
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
