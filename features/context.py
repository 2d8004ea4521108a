"""What the extractors know besides the message: the organisation (configs/) and, optionally, the
communication profile learned from its past mail.

Config files
------------
A config file is YAML whose schema is ``ConfigFile`` below (configs/default.yaml shows and explains
every key). It is strict: an unknown key, or a value of the wrong type, is a ValueError naming the
key, its section, what was expected and, for a misspelt key, the nearest valid one::

    config org.yaml: unknown key 'organisation.protected_domain' (did you mean 'protected_domains'?)
    config org.yaml: organisation.vip_names must be a list of strings, got 'Jane Doe'

An org file (``load_org(path)``) is read over configs/default.yaml:

* mappings merge key by key, at every depth: ``limits:`` changes only the limits it names, and
  ``brands:`` adds brands or adds domains to a default brand;
* a list extends the default's list (the lists are sets of domains, names and ids; an org file
  cannot remove a default entry);
* a single value (a limit) replaces the default's;
* an empty entry (``identity:`` or ``trusted_senders:`` with nothing after it) is an empty mapping
  or list, so it adds nothing;
* except ``organisation:``, which describes one organisation and is never merged: the default's
  (example.com, "Jane Doe", ...) is a made-up example that applies only when no file is given
  (``load_org(None)``). With a file, the organisation is exactly what the file's
  ``organisation:`` section lists.

The default config's lists in turn extend the packaged open lists of features/data/identity/
(``OrgConfig.from_model``). ``OrgConfig`` is what the features read; it is built from the
validated, merged ``ConfigFile``.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Optional, Union, get_args, get_origin

import annotated_types
import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainValidator, ValidationError
from pydantic_core import PydanticCustomError

from features.limits import MAX_ARCHIVE_DEPTH, MAX_MIME_DEPTH, Limits
from features.profile import CommunicationProfile

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "configs" / "default.yaml"

# Keys that configs once had and that now do nothing: named in the error, with what to do instead.
REMOVED_KEYS = {
    "thresholds": "removed: the verdict thresholds are the model bundle's, chosen when it is "
                  "trained; delete this section",
}


# --------------------------------------------------------------------------------------------
# the config file's schema

def _empty_list(value: Any) -> Any:
    return [] if value is None else value


def _empty_mapping(value: Any) -> Any:
    return {} if value is None else value


def _positive_number(value: Any) -> Union[int, float]:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise PydanticCustomError("positive_number", "must be a positive number")
    return value     # kept as written: an int stays an int


# A list of domains, names or ids; empty (null) is the empty list.
Names = Annotated[list[str], BeforeValidator(_empty_list)]
Positive = Annotated[int, Field(gt=0)]
_LIMITS = Limits()


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class OrganisationSection(_Section):
    """``organisation:``: the organisation protected (never merged with the default's)."""
    protected_domains: Names = []      # its own domains
    vip_names: Names = []              # display names an attacker would impersonate
    known_vendors: Names = []          # suppliers it pays


class IdentitySection(_Section):
    """``identity:``: who the sender provably is (features/identity.py)."""
    trusted_authserv_ids: Names = []   # the org's receivers' Authentication-Results ids
    trusted_senders: Names = []        # organisational domains whose authenticated mail is trusted
    neutral_link_hosts: Names = []     # ESP click tracking, CDNs
    popular_domains: Names = []        # long-established domains besides the Tranco top list


class LimitsSection(_Section):
    """``limits:``: how much of one message is read (features/limits.py; same names)."""
    message_bytes: Positive = _LIMITS.message_bytes
    headers: Positive = _LIMITS.headers
    header_bytes: Positive = _LIMITS.header_bytes
    mime_depth: Annotated[int, Field(gt=0, le=MAX_MIME_DEPTH)] = _LIMITS.mime_depth
    mime_parts: Positive = _LIMITS.mime_parts
    attachment_bytes: Positive = _LIMITS.attachment_bytes
    archive_members: Positive = _LIMITS.archive_members
    archive_depth: Annotated[int, Field(gt=0, le=MAX_ARCHIVE_DEPTH)] = _LIMITS.archive_depth
    decompressed_bytes: Positive = _LIMITS.decompressed_bytes
    urls: Positive = _LIMITS.urls
    text_chars: Positive = _LIMITS.text_chars
    seconds: Annotated[Union[int, float], PlainValidator(_positive_number)] = _LIMITS.seconds


class ConfigFile(_Section):
    """A whole config file. Every section may be left out (or empty)."""
    organisation: Annotated[OrganisationSection, BeforeValidator(_empty_mapping)] = \
        Field(default_factory=OrganisationSection)
    identity: Annotated[IdentitySection, BeforeValidator(_empty_mapping)] = \
        Field(default_factory=IdentitySection)
    # brand name -> the registrable domains that legitimately send for it
    brands: Annotated[dict[str, Names], BeforeValidator(_empty_mapping)] = {}
    freemail_domains: Names = []       # public webmail
    url_shorteners: Names = []
    free_hosting: Names = []           # free page, form and file hosting
    limits: Annotated[LimitsSection, BeforeValidator(_empty_mapping)] = \
        Field(default_factory=LimitsSection)


# --------------------------------------------------------------------------------------------
# errors a person can act on

def _unwrap(tp: Any) -> Any:
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    return tp


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _section_model(loc: tuple) -> Optional[type[BaseModel]]:
    """The schema model of the section at ``loc`` (() is the file itself)."""
    model: Any = ConfigFile
    for part in loc:
        info = model.model_fields.get(part) if _is_model(model) else None
        if info is None:
            return None
        model = _unwrap(info.annotation)
    return model if _is_model(model) else None


def _sections() -> dict[str, type[BaseModel]]:
    return {name: _unwrap(info.annotation) for name, info in ConfigFile.model_fields.items()
            if _is_model(_unwrap(info.annotation))}


def _path(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _unknown_key(loc: tuple) -> str:
    section, key = loc[:-1], str(loc[-1])
    where = _path(section)
    full = f"{where}.{key}" if where else key
    if not section and key in REMOVED_KEYS:
        return f"unknown key '{full}' ({REMOVED_KEYS[key]})"
    model = _section_model(section)
    valid = list(model.model_fields) if model else []
    near = difflib.get_close_matches(key.lower(), valid, n=1)
    # the right key in the wrong section (protected_domains at the top level)
    elsewhere = [f"{name}.{k}" for name, m in _sections().items() if name != where
                 for k in m.model_fields if k == key.lower()]
    if elsewhere:
        hint = f"did you mean '{elsewhere[0]}'?"
    elif near:
        hint = f"did you mean '{near[0]}'?"
    else:
        hint = f"valid keys{' in ' + where if where else ''}: {', '.join(valid)}"
    message = f"unknown key '{full}' ({hint})"
    if section == ("limits",):
        # kept from Limits.from_dict's error, which tests/test_limits.py checks for
        message = f"unknown limit(s) {key}: {message}"
    return message


def _expected(loc: tuple) -> str:
    """What the schema expects at ``loc``, in words."""
    tp: Any = ConfigFile
    info = None
    for part in loc:
        tp = _unwrap(tp)
        if _is_model(tp):
            info = tp.model_fields.get(part)
            tp = info.annotation if info else Any
        elif get_origin(tp) is list:
            tp, info = get_args(tp)[0], None
        elif get_origin(tp) is dict:
            tp, info = get_args(tp)[1], None
    return _describe(tp, info)


def _describe(tp: Any, info=None, plural: bool = False) -> str:
    """``tp`` in words: "a list of strings" (or, ``plural``, "lists of strings")."""
    tp = _unwrap(tp)
    one, many = f"a {getattr(tp, '__name__', tp)}", f"{getattr(tp, '__name__', tp)} values"
    if _is_model(tp):
        one, many = "a mapping", "mappings"
    elif get_origin(tp) is list:
        inner = _describe(get_args(tp)[0], plural=True)
        one, many = f"a list of {inner}", f"lists of {inner}"
    elif get_origin(tp) is dict:
        inner = _describe(get_args(tp)[1], plural=True)
        one, many = f"a mapping of names to {inner}", f"mappings of names to {inner}"
    elif get_origin(tp) is Union and set(get_args(tp)) == {int, float}:    # limits.seconds
        one, many = "a positive number", "positive numbers"
    elif tp is int:
        positive = info is not None and any(isinstance(m, annotated_types.Gt)
                                            for m in info.metadata)
        one, many = ("a positive integer", "positive integers") if positive else \
            ("an integer", "integers")
    elif tp is str:
        one, many = "a string", "strings"
    return many if plural else one


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _wrong_value(err: dict) -> str:
    loc = tuple(err["loc"])
    if loc and loc[-1] == "[key]":
        return f"{_path(loc[:-2])}: key {_show(loc[-2])} must be a string (quote it)"
    ctx = err.get("ctx") or {}
    if err["type"] == "less_than_equal":
        want = f"at most {ctx['le']}"
    else:
        want = _expected(loc)
    return f"{_path(loc) or 'the file'} must be {want}, got {_show(err['input'])}"


def _errors(exc: ValidationError) -> str:
    found = [_unknown_key(tuple(e["loc"])) if e["type"] == "extra_forbidden" else _wrong_value(e)
             for e in exc.errors()]
    return "; ".join(dict.fromkeys(found))


def parse_config(raw: Any, name: str = "config") -> ConfigFile:
    """One config file's content (parsed YAML) validated against the schema, nothing merged.
    Raises ValueError, naming ``name`` and every wrong key."""
    if not isinstance(raw, dict):
        raise ValueError(f"{name} is not a mapping")
    try:
        return ConfigFile.model_validate(raw)
    except ValidationError as exc:
        raise ValueError(f"{name}: {_errors(exc)}") from None


def merge_config(base: dict, over: dict) -> dict:
    """``over`` read over ``base`` (plain dicts, as the schema dumps them): mappings merge key by
    key, lists extend (each entry once, the base's first), anything else is replaced."""
    out = dict(base)
    for key, value in over.items():
        old = out.get(key)
        if isinstance(old, dict) and isinstance(value, dict):
            out[key] = merge_config(old, value)
        elif isinstance(old, list) and isinstance(value, list):
            out[key] = list(dict.fromkeys([*old, *value]))
        else:
            out[key] = value
    return out


# --------------------------------------------------------------------------------------------
# what the features read

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
    limits: Limits = Limits()                    # how much of one message is read
    # Identity (features/identity.py). The open lists of features/data/identity/ are the defaults;
    # the org's own entries extend them (from_model merges both).
    trusted_authserv_ids: frozenset[str] = frozenset()   # empty: only the topmost AR header counts
    trusted_senders: frozenset[str] = frozenset()        # org domains whose authenticated mail is trusted
    neutral_link_hosts: frozenset[str] = frozenset()     # ESP click-tracking and CDN hosts
    popular_domains: frozenset[str] = frozenset()        # long-established, widely visited domains
    # where anyone can send under the platform's own domain (help desks, tenants, ESPs; free mail
    # is freemail_domains): an authenticated pass there proves no organisation
    shared_senders: frozenset[str] = frozenset()

    @classmethod
    def from_dict(cls, raw: dict) -> "OrgConfig":
        """One config's content (parsed YAML) as it is, validated, over nothing but the packaged
        lists (``load_org`` reads a file over configs/default.yaml). Raises ValueError."""
        return cls.from_model(parse_config(raw))

    @classmethod
    def from_model(cls, cfg: ConfigFile) -> "OrgConfig":
        """The runtime config from a validated one: names lower-cased (VIP names kept as written),
        and each list added to its packaged open list of features/data/identity/."""
        from features.reference import load_reference
        ref = load_reference()
        org, ident = cfg.organisation, cfg.identity
        low = lambda xs: frozenset(x.strip().lower() for x in xs)  # noqa: E731
        brands = {name: set(domains) for name, domains in ref.brands.items()}
        for k, v in cfg.brands.items():
            brands.setdefault(k.lower(), set()).update(low(v))
        return cls(
            protected_domains=low(org.protected_domains),
            vip_names=tuple(org.vip_names),
            known_vendors=low(org.known_vendors),
            brands={k: frozenset(v) for k, v in sorted(brands.items())},
            body_brands=ref.body_brands,
            freemail_domains=ref.freemail | low(cfg.freemail_domains),
            url_shorteners=ref.url_shorteners | low(cfg.url_shorteners),
            free_hosting=ref.free_page_hosts | low(cfg.free_hosting),
            limits=Limits(**cfg.limits.model_dump()),
            trusted_authserv_ids=low(ident.trusted_authserv_ids),
            trusted_senders=ref.trusted_senders | low(ident.trusted_senders),
            neutral_link_hosts=ref.neutral_link_hosts | low(ident.neutral_link_hosts),
            popular_domains=frozenset(ref.popular_rank) | low(ident.popular_domains),
            shared_senders=ref.shared_senders | ref.disposable | ref.replyto_services |
            ref.neutral_link_hosts,
        )


def read_config(path: str | Path) -> ConfigFile:
    """One config file, validated (nothing merged). Raises ValueError."""
    p = Path(path)
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"cannot read config {p}: {exc}") from exc
    return parse_config({} if raw is None else raw, f"config {p}")


def load_org(path: Optional[str | Path] = None) -> OrgConfig:
    """The organisation config: the org file at ``path`` read over the packaged
    configs/default.yaml, or that file alone when no path is given. Mappings merge key by key,
    lists extend the default's, single values replace it; ``organisation:`` is never merged (the
    default's is an example): see the module docstring. Raises ValueError naming the file and
    every unknown or wrong key."""
    default = read_config(DEFAULT_CONFIG)
    if not path:
        return OrgConfig.from_model(default)
    own = read_config(path)
    base = default.model_dump(exclude_unset=True)
    base.pop("organisation", None)
    merged = merge_config(base, own.model_dump(exclude_unset=True))
    return OrgConfig.from_model(parse_config(merged, f"config {Path(path)} over the defaults"))


@dataclass(frozen=True)
class Context:
    """Everything a signal may consult. ``profile`` is None when no profile was built: the
    behavioural signals then abstain."""
    org: OrgConfig
    profile: Optional[CommunicationProfile] = None
