"""The synthetic generator's phrase banks and lookup tables, read from labeling/data/synthetic/.

Wording and tables live in YAML so they can be reviewed and extended without reading generator code.
Each file is checked against the shape the generator relies on when it is read, so a typo or a YAML
coercion (``no`` read as a boolean, ``0123`` as a number) fails at import with the file and key named,
not as a KeyError deep inside a random draw. Pairs and records the code unpacks come back as tuples,
exactly as the literals they replace were. Files are read once per process.

Changing a file changes the generated mail: bump ``labeling.synthetic.GENERATOR_VERSION`` with it.
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Optional

import yaml

DATA_DIR = Path(__file__).parent / "data" / "synthetic"
DATA_VERSION = 1     # the layout this code reads; a file written for another layout is refused

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)   # same results as SafeLoader, several times faster


class _Invalid(Exception):
    """A shape error at ``where`` (dotted key path); ``read`` adds the file name."""

    def __init__(self, where: str, problem: str):
        super().__init__(f"{where or 'top level'}: {problem}")


def _conform(value: Any, spec: Any, where: str) -> Any:
    """``value`` checked against ``spec`` (a scalar type or one of the shapes below), tuples rebuilt."""
    if isinstance(spec, type):
        if type(value) is not spec:       # exact: a YAML ``yes`` (bool) is not accepted where an int or str is
            raise _Invalid(where, f"expected {spec.__name__}, got {type(value).__name__} {value!r}")
        return value
    return spec.conform(value, where)


def _at(where: str, key: Any) -> str:
    return f"{where}[{key}]" if isinstance(key, int) else f"{where}.{key}" if where else str(key)


class ListOf:
    """A list of ``item`` (``tuple_=True``: returned as a tuple); ``nonempty`` when a draw picks from it."""

    def __init__(self, item: Any, nonempty: bool = True, tuple_: bool = False):
        self.item, self.nonempty, self.tuple_ = item, nonempty, tuple_

    def conform(self, value: Any, where: str) -> Any:
        if not isinstance(value, list):
            raise _Invalid(where, f"expected a list, got {type(value).__name__}")
        if self.nonempty and not value:
            raise _Invalid(where, "empty list")
        out = [_conform(v, self.item, _at(where, i)) for i, v in enumerate(value)]
        return tuple(out) if self.tuple_ else out


class MapOf:
    """A mapping of string keys to ``value``, in file order; ``required`` keys must be present."""

    def __init__(self, value: Any, required: tuple[str, ...] = ()):
        self.value, self.required = value, required

    def conform(self, value: Any, where: str) -> dict:
        if not isinstance(value, dict):
            raise _Invalid(where, f"expected a mapping, got {type(value).__name__}")
        for k in self.required:
            if k not in value:
                raise _Invalid(where, f"missing key {k!r}")
        out = {}
        for k, v in value.items():
            if type(k) is not str:
                raise _Invalid(where, f"key {k!r} is a {type(k).__name__}, expected str (quote it)")
            out[k] = _conform(v, self.value, _at(where, k))
        return out


class Record:
    """A mapping with exactly these keys; ``tuple_=True``: returned as a tuple of the values in the order given
    here, for the pairs and rows the generator unpacks."""

    def __init__(self, fields: dict[str, Any], tuple_: bool = False):
        self.fields, self.tuple_ = fields, tuple_

    def conform(self, value: Any, where: str) -> Any:
        if not isinstance(value, dict):
            raise _Invalid(where, f"expected a mapping with keys {', '.join(self.fields)}, got {type(value).__name__}")
        for k in self.fields:
            if k not in value:
                raise _Invalid(where, f"missing key {k!r}")
        for k in value:
            if k not in self.fields:
                raise _Invalid(where, f"unknown key {k!r} (expected {', '.join(self.fields)})")
        out = {k: _conform(value[k], spec, _at(where, k)) for k, spec in self.fields.items()}
        return tuple(out.values()) if self.tuple_ else out


_WORDS = ListOf(str)
_BY_LANG = MapOf(_WORDS, required=("en",))
_PAIR = {"name": str, "domain": str}

#: What each file holds, by file name (``kinds`` covers every kinds/<kind>.yaml).
SCHEMAS: dict[str, Record] = {
    "people": Record({
        "names": MapOf(Record({"first": _WORDS, "last": _WORDS}, tuple_=True), required=("en",)),
        "staff_titles": MapOf(_WORDS, required=("other",)),
        "vip_titles": MapOf(_BY_LANG),
    }),
    "organisations": Record({
        "payees": _WORDS, "cities": _WORDS, "projects": _WORDS, "document_names": _WORDS,
        "other_vendors": ListOf(Record({**_PAIR, "known": bool}, tuple_=True)),
        "clients": ListOf(Record({**_PAIR, "known": bool}, tuple_=True)),
        "internal_paths": MapOf(_WORDS),
    }),
    "domains": Record({
        "freemail": _BY_LANG,
        "business_words": MapOf(Record({"names": _WORDS, "trades": _WORDS, "tlds": _WORDS}, tuple_=True),
                                required=("en",)),
        "scam_words": Record({"adjectives": _WORDS, "nouns": _WORDS, "tlds": _WORDS}, tuple_=True),
        "hosting_companies": _WORDS, "free_hosts": _WORDS, "shorteners": _WORDS,
        "homoglyphs": MapOf(str), "ascii_substitutions": MapOf(_WORDS), "hyphen_words": _WORDS,
    }),
    "calendar": Record({"months": _BY_LANG, "days": _BY_LANG, "utc_offsets": MapOf(ListOf(int), required=("en",))}),
    "banks": Record({
        "iban_bban": MapOf(Record({"letters": int, "digits": int})),
        "banks": MapOf(ListOf(Record({"name": str, "bic": str}, tuple_=True))),
        "bank_cities": MapOf(str), "us_banks": _WORDS,
        "hk_banks": ListOf(Record({"name": str, "bic": str}, tuple_=True)),
    }),
    "mail_platforms": Record({
        "provider_domains": Record({"google": ListOf(str, tuple_=True), "microsoft": ListOf(str, tuple_=True),
                                    "yahoo": ListOf(str, tuple_=True), "isp": ListOf(str, tuple_=True)}),
        "esps": _WORDS,
        "header_order": MapOf(_WORDS),
        "html_style": MapOf(str),
        "formats": MapOf(ListOf(Record({"format": str, "weight": int}, tuple_=True))),
    }),
    "phrases": Record({
        "common": MapOf(Record({k: _WORDS for k in ("hi", "hi_anon", "hi_team", "bye", "mobile", "disclaimer",
                                                     "re", "fw")}), required=("en",)),
        "quote": MapOf(Record({"wrote": _WORDS, **{k: str for k in ("frm", "sent", "to", "cc", "subj", "orig")}}),
                       required=("en",)),
        "kv_labels": MapOf(MapOf(str), required=("en",)),
    }),
    "brands": Record({
        "brands": MapOf(Record({"names": _WORDS, "sending_domain": str, "web_domain": str, "login_path": str},
                               tuple_=True)),
        "by_language": _BY_LANG,
        "display": MapOf(str),
        "rights": MapOf(ListOf(str), required=("en",)),
        "gift_cards": _BY_LANG,
        "callback_products": ListOf(Record({"brand": str, "product": str}, tuple_=True)),
        "saas_billing": ListOf(Record({"name": str, "sender": str, "url": str}, tuple_=True)),
        "password_resets": ListOf(Record({"name": str, "sender": str, "url": str}, tuple_=True)),
        "carriers": ListOf(Record({"name": str, "sender": str, "url": str, "brand": str}, tuple_=True)),
        "newsletters": ListOf(Record(_PAIR, tuple_=True)),
    }),
    # kind -> language -> slot -> interchangeable templates ({placeholders}; a leading ! marks a pressure subject)
    "kinds": Record({"kind": str, "templates": MapOf(MapOf(ListOf(str, nonempty=False)), required=("en",))}),
}


def read(path: Path, spec: Record) -> Any:
    """One data file, checked against ``spec``; ValueError naming the file and key when it does not fit."""
    try:
        doc = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_LOADER)
    except (OSError, yaml.YAMLError) as e:
        raise ValueError(f"{path}: cannot read synthetic data: {e}") from None
    try:
        if not isinstance(doc, dict):
            raise _Invalid("", f"expected a mapping, got {type(doc).__name__}")
        if "version" not in doc:
            raise _Invalid("", "missing key 'version'")
        if type(doc["version"]) is not int or doc["version"] != DATA_VERSION:
            raise _Invalid("version", f"{doc['version']!r}, this code reads version {DATA_VERSION}")
        return spec.conform({k: v for k, v in doc.items() if k != "version"}, "")
    except _Invalid as e:
        raise ValueError(f"{path}: {e}") from None


@functools.cache
def load(name: str, folder: Optional[Path] = None) -> Any:
    """``name``.yaml (e.g. ``people``, ``kinds/payroll``) from ``folder`` (default DATA_DIR), read once."""
    path = (folder or DATA_DIR) / f"{name}.yaml"
    return read(path, SCHEMAS[name.split("/", 1)[0]])


@functools.cache
def kind_templates(folder: Optional[Path] = None) -> dict[str, dict[str, dict[str, list[str]]]]:
    """Every kinds/<kind>.yaml: kind -> language -> slot -> templates."""
    out = {}
    for path in sorted(((folder or DATA_DIR) / "kinds").glob("*.yaml")):
        doc = load(f"kinds/{path.stem}", folder)
        if doc["kind"] != path.stem:
            raise ValueError(f"{path}: key 'kind': {doc['kind']!r} does not match the file name")
        out[doc["kind"]] = doc["templates"]
    if not out:
        raise ValueError(f"{(folder or DATA_DIR) / 'kinds'}: no kind templates found")
    return out
