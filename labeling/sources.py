"""Labelled mail sources for training and evaluation.

A labelled source is a named archive (any form the readers take) with one label: malicious, benign
or spam. Spam is neither an attack nor wanted mail: it is kept out of training by default and only
reported. Sources are the unit of honest evaluation: a model is judged on a source it never saw.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Optional

import yaml

LABELS = ("malicious", "benign", "spam")

CORPORA_FILE = Path(__file__).resolve().parent / "data" / "corpora.yaml"


@dataclass(frozen=True)
class LabelledSource:
    name: str
    path: str
    label: str
    # ((source name, years), ...) and the name for messages of any other year: the source is cut
    # into held-out sources by the year of each message's Date header (labeling/data/corpora.yaml)
    year_splits: tuple[tuple[str, tuple[int, ...]], ...] = ()
    default_split: str = ""

    def __post_init__(self):
        if self.label not in LABELS:
            raise ValueError(f"label must be one of {LABELS}, not {self.label!r} ({self.path})")

    def split_name(self, year: int) -> str:
        """The held-out source a message of this year belongs to (the source's own name unless
        it is split by year)."""
        for name, years in self.year_splits:
            if year in years:
                return name
        return self.default_split or self.name

    @property
    def names(self) -> tuple[str, ...]:
        """Every source name this source's messages can carry."""
        if not self.year_splits:
            return (self.name,)
        return tuple(dict.fromkeys([*(n for n, _ in self.year_splits), self.split_name(-1)]))


def _name_of(path: str) -> str:
    name = Path(path.rstrip("/")).name
    for suffix in (".gz", ".mbox", ".parquet", ".eml"):
        name = name.removesuffix(suffix)
    return name


def parse_spec(spec: str) -> list[LabelledSource]:
    """``LABEL:PATH`` (optionally ``LABEL:PATH:NAME``), or a CSV manifest with columns
    path,label[,source] (paths relative to the manifest)."""
    if spec.endswith(".csv") and Path(spec).is_file():
        base = Path(spec).resolve().parent
        out = []
        with open(spec, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            _check_manifest_columns(spec, reader.fieldnames or [])
            for row in reader:
                path = str((base / row["path"]).resolve()) if not Path(row["path"]).is_absolute() \
                    else row["path"]
                out.append(LabelledSource(row.get("source") or _name_of(path), path,
                                          row["label"].strip().lower()))
        return out
    label, sep, rest = spec.partition(":")
    if not sep or label not in LABELS:
        raise ValueError(f"expected LABEL:PATH with LABEL in {LABELS} or a .csv manifest, "
                         f"got {spec!r}")
    path, _, name = rest.partition(":") if rest.count(":") and not Path(rest).exists() else (rest, "", "")
    if not Path(path).exists():
        raise FileNotFoundError(path)
    return [LabelledSource(name or _name_of(path), path, label)]


def _check_manifest_columns(spec: str, columns: list[str]) -> None:
    """A manifest names labelled archives (path,label[,source]); say so, in one line, to whoever
    passes another CSV, such as the per-message manifest `sedetect synth` writes beside its mbox."""
    missing = [c for c in ("path", "label") if c not in columns]
    if not missing:
        return
    expected = (f"{spec} is not a manifest of labelled archives: it needs the columns "
                f"path,label[,source] (one row per archive, paths relative to the manifest), "
                f"but has {','.join(columns) or 'no header'}")
    if "message_id" in columns and "kind" in columns:      # labeling/synthetic.py MANIFEST_COLUMNS
        expected += ("; it is the per-message manifest of `sedetect synth`: write the attacks and "
                     "the benign mail to separate archives (sedetect synth --attack-share 1 -o "
                     "attacks.mbox; sedetect synth --attack-share 0 -o benign.mbox) and give "
                     "malicious:attacks.mbox benign:benign.mbox")
    raise ValueError(expected)


def _corpora_doc() -> dict:
    """labeling/data/corpora.yaml, every corpus checked for a label."""
    doc = yaml.safe_load(CORPORA_FILE.read_text(encoding="utf-8")) or {}
    for f, spec in (doc.get("corpora") or {}).items():
        if not isinstance(spec, dict) or spec.get("label") not in LABELS:
            raise ValueError(f"{CORPORA_FILE}: {f} needs a label, one of {LABELS}")
    return doc


def known_corpora() -> dict[str, dict]:
    """Corpus file name -> {label, split_by_year?, max_flagged?}."""
    return _corpora_doc().get("corpora") or {}


def flag_limits(names: list[str]) -> dict[str, float]:
    """The promotion gate's absolute limits on held-out benign sources (corpora.yaml
    ``max_flagged``, ``lookalike_max_flagged`` for every lookalike.* family): source -> limit."""
    doc = _corpora_doc()
    by_name = {_name_of(f): spec.get("max_flagged") for f, spec in (doc.get("corpora") or {}).items()}
    out = {}
    for n in names:
        lim = doc.get("lookalike_max_flagged") if n.startswith("lookalike.") else by_name.get(n)
        if lim is not None:
            out[n] = float(lim)
    return out


def _corpus_source(folder: Path, f: str, spec: dict) -> LabelledSource:
    splits = dict(spec.get("split_by_year") or {})
    default = str(splits.pop("default", ""))
    return LabelledSource(_name_of(f), str(folder / f), spec["label"],
                          tuple((str(n), tuple(int(y) for y in ys)) for n, ys in splits.items()),
                          default)


def shared_corpora(folder: str | Path) -> list[LabelledSource]:
    """Every corpus in ``folder``, labelled by labeling/data/corpora.yaml. A corpus file the list
    does not know is an error: it would otherwise be skipped without a word."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"no corpora folder {folder}")
    known = known_corpora()
    present = sorted(p.name for p in folder.iterdir()
                     if p.is_file() and p.name.endswith((".mbox.gz", ".mbox")))
    unknown = [f for f in present if f not in known]
    if unknown:
        raise ValueError(f"corpora without a known label in {folder}: {', '.join(unknown)} "
                         f"(add them to {CORPORA_FILE} or pass them as LABEL:PATH)")
    out = [_corpus_source(folder, f, known[f]) for f in present]
    if not out:
        raise FileNotFoundError(f"no corpora under {folder}")
    return out


def synthetic_sources(per_kind: int, folder: str | Path, seed: int = 0) -> list[LabelledSource]:
    """One labelled source per synthetic attack or look-alike type (``synthetic.<kind>``), written
    as mbox files into ``folder``: each type can then be held out like a real source."""
    from labeling.synthetic import GENERATOR_VERSION, KINDS, generate_kind, write_mbox
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i, (kind, label) in enumerate(sorted(KINDS.items())):
        path = folder / f"synthetic-v{GENERATOR_VERSION}-{kind}-{per_kind}-{seed}.mbox"
        if not path.is_file():
            tmp = path.with_suffix(".tmp")
            write_mbox(generate_kind(kind, per_kind, seed=seed * 1000 + i), str(tmp))
            tmp.replace(path)
        out.append(LabelledSource(f"synthetic.{kind}", str(path), label))
    return out


def gather_sources(specs: list[str], corpora: Optional[str] = None) -> list[LabelledSource]:
    """The labelled sources a command was given: LABEL:PATH specs, CSV manifests, --corpora."""
    sources = shared_corpora(corpora) if corpora else []
    for spec in specs:
        sources += parse_spec(spec)
    if not sources:
        raise ValueError("no labelled mail: give LABEL:PATH arguments, a CSV manifest, or "
                         "--corpora DIR")
    names = [n for s in sources for n in s.names]
    if len(set(names)) != len(names):
        raise ValueError("two sources share a name; name them with LABEL:PATH:NAME")
    return sources


def add_source_arguments(parser) -> None:
    """The labelled-input arguments every labelled-mail command takes (train, evaluate,
    heuristics); ``gather_sources(args.labelled, args.corpora)`` reads them."""
    parser.add_argument("labelled", nargs="*", metavar="LABEL:PATH[:NAME] | MANIFEST.csv",
                        help="labelled archives (label: malicious, benign or spam)")
    parser.add_argument("--corpora", help="folder of the shared corpora (../shared/corpora)")


def message_year(date: str) -> int:
    """The year of a Date header (0 when unreadable): what a source split by year goes by; never
    a model feature."""
    try:
        return parsedate_to_datetime(date).year if date else 0
    except (TypeError, ValueError, IndexError, OverflowError):
        return 0
