"""Labelled mail sources for training and evaluation.

A labelled source is a named archive (any form the readers take) with one label: malicious, benign
or spam. Spam is neither an attack nor wanted mail: it is kept out of training by default and only
reported. Sources are the unit of honest evaluation: a model is judged on a source it never saw.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

LABELS = ("malicious", "benign", "spam")

# The shared development corpora (../shared/corpora/README.md): file -> label.
SHARED_CORPORA = {
    "phishing_pot_2022_2024.mbox.gz": "malicious",
    "nazario_phishing_2004_2006.mbox.gz": "malicious",
    "bec_synthetic_llm.mbox.gz": "malicious",
    "spamassassin_spam_2002.mbox.gz": "spam",
    "csdmc2010_spam.mbox.gz": "spam",
    "spamassassin_ham_2002.mbox.gz": "benign",
    "csdmc2010_ham.mbox.gz": "benign",
    "enron_ham_2001.mbox.gz": "benign",
    "linux_sctp_list_ham_2019_2023.mbox.gz": "benign",
}


@dataclass(frozen=True)
class LabelledSource:
    name: str
    path: str
    label: str

    def __post_init__(self):
        if self.label not in LABELS:
            raise ValueError(f"label must be one of {LABELS}, not {self.label!r} ({self.path})")


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
            for row in csv.DictReader(fh):
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


def shared_corpora(folder: str | Path) -> list[LabelledSource]:
    folder = Path(folder)
    out = [LabelledSource(_name_of(f), str(folder / f), label)
           for f, label in SHARED_CORPORA.items() if (folder / f).is_file()]
    if not out:
        raise FileNotFoundError(f"no shared corpora under {folder}")
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
    if len({s.name for s in sources}) != len(sources):
        raise ValueError("two sources share a name; name them with LABEL:PATH:NAME")
    return sources


def add_source_arguments(parser) -> None:
    """The labelled-input arguments every labelled-mail command takes (train, evaluate,
    heuristics); ``gather_sources(args.labelled, args.corpora)`` reads them."""
    parser.add_argument("labelled", nargs="*", metavar="LABEL:PATH[:NAME] | MANIFEST.csv",
                        help="labelled archives (label: malicious, benign or spam)")
    parser.add_argument("--corpora", help="folder of the shared corpora (../shared/corpora)")
