"""What the default ONNX text encoder saves in time against the torch reference, and that it keeps
the numbers.

On N distinct embedding texts of the shared corpora (an equal share of each attack and each benign
source, the first ones in each file) it prints: texts/s of each backend after a warm-up, on one
thread and on every core (the ONNX export is timed apart, once, when it is not cached yet), the
load time of each backend (import and model load, median of fresh subprocesses, and whether torch
got imported), the largest difference between the two backends' vectors and between the shipped
text head's scores on them, how much an ONNX vector moves between a text embedded alone and in its
batch, and the text head's ROC AUC for each attack source against each benign source with either
backend. The static encoder (word-piece vectors distilled from MiniLM, built on first use) is timed
too; its vectors are another space, so its accuracy is that of a model trained on it (`sedetect
train --encoder static`, README "Speed"), not compared here.

    .venv/bin/python bench/encoder_bench.py [--n 1000] [--corpora ../shared/corpora] [--load-runs 3]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

LOAD = """import sys, time
t = time.perf_counter()
from features.text import TextEncoder
TextEncoder(backend={backend!r}).load()
print(time.perf_counter() - t, "torch" in sys.modules, "sentence_transformers" in sys.modules)
"""


def sample_texts(corpora: Path, n: int) -> tuple[list[str], list[str], dict[str, str]]:
    """n distinct embedding texts, an equal share per attack or benign source (spam is neither):
    the texts, the source of each, and each source's label."""
    from features.parsing import ParseError, parse_message
    from features.text import embedding_text, text_key
    from labeling.sources import shared_corpora
    from pipelines.readers import iter_messages
    sources = [s for s in shared_corpora(corpora) if s.label in ("malicious", "benign")]
    texts: list[str] = []
    names: list[str] = []
    seen: set[str] = set()
    for i, src in enumerate(sources):
        quota = n // len(sources) + (i < n % len(sources))
        taken = 0
        for rm in iter_messages([src.path]):
            if taken == quota:
                break
            try:
                text = embedding_text(parse_message(rm.raw))
            except ParseError:
                continue
            if text_key(text) not in seen:
                seen.add(text_key(text))
                texts.append(text)
                names.append(src.name)
                taken += 1
    return texts, names, {s.name: s.label for s in sources}


def load_seconds(backend: str, runs: int) -> tuple[float, bool]:
    """Median import-and-load time in fresh interpreters (interpreter start-up excluded), and
    whether torch or sentence-transformers got imported."""
    times, heavy = [], False
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", LOAD.format(backend=backend)], cwd=REPO,
                             capture_output=True, text=True, check=True).stdout.split()
        times.append(float(out[0]))
        heavy |= "True" in out[1:]
    return statistics.median(times), heavy


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--corpora", default=str(REPO.parent / "shared" / "corpora"))
    ap.add_argument("--load-runs", type=int, default=3)
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    import numpy as np
    from sklearn.metrics import roc_auc_score

    from detectors.bundle import DEFAULT_BUNDLE_DIR, ModelBundle
    from features.text import BACKENDS, MINILM_BACKENDS
    from features.text import TextEncoder, export_onnx, onnx_path

    texts, names, labels = sample_texts(Path(args.corpora), args.n)
    print(f"texts: {len(texts)} distinct, from {len(labels)} sources in {args.corpora}; "
          f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    path = onnx_path()
    if not path.is_file():
        t = time.perf_counter()
        export_onnx(path)
        print(f"onnx export: {time.perf_counter() - t:.1f} s")
    print(f"onnx file: {path} ({path.stat().st_size / 2**20:.1f} MiB)")

    vectors = {}
    cores = os.cpu_count() or 1
    print(f"\n{'backend':<10} {'texts/s, 1 thread':>18} {f'{cores} threads':>11} {'load s':>7}"
          f"  torch imported")
    for backend in BACKENDS:
        rates = []
        for threads in (1, cores):
            enc = TextEncoder(cache_size=len(texts) + 64, backend=backend, threads=threads)
            enc.encode([f"warm-up {t}" for t in texts[:64]])
            t = time.perf_counter()
            vectors[backend] = enc.encode(texts)
            rates.append(len(texts) / (time.perf_counter() - t))
        load, heavy = load_seconds(backend, args.load_runs)
        print(f"{backend:<10} {rates[0]:18.1f} {rates[1]:11.1f} {load:7.2f}  "
              f"{'yes' if heavy else 'no'}")

    ref, fast = vectors["torch"], vectors["onnx"]
    print(f"\nvectors |torch - onnx|: max {np.abs(ref - fast).max():.2e}")
    head = ModelBundle.load(DEFAULT_BUNDLE_DIR).text_head    # reads MiniLM vectors only
    scores = {b: head.predict_proba(vectors[b])[:, 1] for b in MINILM_BACKENDS}
    diff = np.abs(scores["torch"] - scores["onnx"])
    print(f"text score |torch - onnx|: mean {diff.mean():.2e}, max {diff.max():.2e}")
    step = max(1, len(texts) // 100)
    model = TextEncoder(backend="onnx").load()
    alone = np.vstack([model.encode([t]) for t in texts[::step]])
    print(f"onnx vector alone vs in its batch ({len(alone)} texts): max |difference| "
          f"{np.abs(alone - fast[::step]).max():.2e}")

    names_a = np.asarray(names)
    width = max(len(a) + len(b) for a in labels for b in labels) + 4
    print(f"\n{'text head ROC AUC':<{width}} {'n':>7} {MINILM_BACKENDS[0]:>7} {MINILM_BACKENDS[1]:>7}")
    for attack in [s for s, lab in labels.items() if lab == "malicious"]:
        for benign in [s for s, lab in labels.items() if lab == "benign"]:
            pick = np.isin(names_a, [attack, benign])
            y = names_a[pick] == attack
            aucs = [roc_auc_score(y, scores[b][pick]) for b in MINILM_BACKENDS]
            counts = f"{y.sum()}/{(~y).sum()}"
            print(f"{attack + ' vs ' + benign:<{width}} {counts:>7} {aucs[0]:7.4f} {aucs[1]:7.4f}")


if __name__ == "__main__":
    main()
