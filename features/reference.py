"""Open reference data for sender-identity checks, loaded once.

Judging whether a message's identity is coherent needs facts no single message carries: which
organisations' authenticated mail can be trusted (``trusted_senders``), which brand names map to
which organisational domains (``brands``), and which link hosts are neither the sender's nor
foreign (``neutral_link_hosts``: ESP click tracking, link rewriters) as against hosts where anyone
can publish (``free_page_hosts``), free or throw-away mailboxes, URL shorteners, Reply-To and
forwarding services, and how popular a domain is.

The files live in ``features/data/identity/`` (built by its ``build.py`` from Sublime Security's
static files, SpamAssassin's and Rspamd's welcome lists and a curated brand table; sources and
licences in its README.md). They ship with the package and are read from beside this module:
no network, no cache on disk, and one parse per process (``lru_cache``).

Lists of hosts match a host that is listed or is under a listed one: use ``host_in``.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from features.domains import host_matches

DATA_DIR = Path(__file__).parent / "data" / "identity"

__all__ = ["DATA_DIR", "Reference", "host_in", "load_reference"]


@dataclass(frozen=True)
class Reference:
    """The identity reference data; see features/data/identity/README.md for each field's source.

    ``popular_rank`` and ``brands`` are shared by every caller of ``load_reference``: read them,
    never change them."""
    trusted_senders: frozenset[str]      # organisational domains whose authenticated mail is trusted
    neutral_link_hosts: frozenset[str]   # ESP tracking / sending infrastructure, link rewriters
    freemail: frozenset[str]             # anyone can get a mailbox there (disposable ones included)
    disposable: frozenset[str]           # throw-away mailboxes
    free_page_hosts: frozenset[str]      # anyone can publish a page or file there
    url_shorteners: frozenset[str]
    replyto_services: frozenset[str]     # legitimately put another domain in Reply-To, or forward
    shared_senders: frozenset[str]       # platforms where anyone sends under the platform's domain
    popular_rank: dict[str, int]         # registrable domain -> popularity rank (1 = most popular)
    brands: dict[str, frozenset[str]]    # brand name (lower-case) -> its organisational domains
    body_brands: frozenset[str]          # brand names safe to match in body text (not common words)


def _entries(name: str) -> list[str]:
    """First field of every non-comment line of a data file (a trailing '# ...' is provenance)."""
    out = []
    for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out.append(line)
    return out


def _hosts(name: str) -> frozenset[str]:
    return frozenset(line.split()[0] for line in _entries(name))


@lru_cache(maxsize=1)
def load_reference() -> Reference:
    """The reference data, parsed on the first call and shared afterwards."""
    popular: dict[str, int] = {}
    for line in _entries("popular_domains.txt"):
        rank, domain = line.split()[:2]
        popular.setdefault(domain, int(rank))
    raw = yaml.load((DATA_DIR / "brands.yaml").read_text(encoding="utf-8"),
                    Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    brands = {str(name): frozenset(spec["domains"]) for name, spec in raw.items()}
    body = frozenset(str(name) for name, spec in raw.items() if spec.get("body", True))
    return Reference(
        trusted_senders=_hosts("trusted_senders.txt"),
        neutral_link_hosts=_hosts("neutral_link_hosts.txt"),
        freemail=_hosts("freemail.txt"),
        disposable=_hosts("disposable.txt"),
        free_page_hosts=_hosts("free_page_hosts.txt"),
        url_shorteners=_hosts("url_shorteners.txt"),
        replyto_services=_hosts("replyto_services.txt"),
        shared_senders=_hosts("shared_senders.txt"),
        popular_rank=popular,
        brands=brands,
        body_brands=body,
    )


def host_in(host: str, domains: frozenset[str]) -> bool:
    """True when ``host`` is one of ``domains`` or a subdomain of one (mail.paypal.com in
    {paypal.com}), after ``features.domains`` host clean-up (case, trailing dot, port, [IP]).
    ``features.domains.host_matches`` as a predicate: one set look-up per label of the host."""
    return host_matches(host, domains) is not None
