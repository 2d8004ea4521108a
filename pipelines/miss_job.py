"""``sedetect miss``: the analysts' command line over the miss queue (labeling/queue.py) and its
incorporation into a retrained model.

    sedetect miss submit FILE.eml... --label malicious [--type T] [--concepts goal,payload] [--note N]
    sedetect miss submit --abuse-mailbox MBOX_OR_MAILDIR     # user-forwarded reports, unwrapped
    sedetect miss list [--state S] [--submitter A] [--type T]
    sedetect miss show ID        # status, dissection: which legs fired, which stayed silent, why
    sedetect miss accept ID [--note N]  |  sedetect miss reject ID [--note N]
    sedetect miss incorporate --corpora DIR     # retrain with the accepted misses, gated

Every command takes ``--json`` and then prints machine-readable records with ``id`` and ``state``.
"""
from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import Iterable, Iterator, Optional

from labeling.intake import Report, unwrap
from labeling.misses import accept, load_signatures, open_queue
from labeling.queue import MissQueue, QueueError, Submission
from detectors.scoring import score_raw_messages
from features.text import MINILM_BACKENDS
from labeling.sources import LabelledSource
from pipelines.readers import iter_messages
from pipelines.train import train


def iter_reports(paths: Iterable[str]) -> Iterator[Report]:
    """Every report in an abuse mailbox (mbox, Maildir, .eml files), unwrapped."""
    for message in iter_messages(paths):
        yield unwrap(message.raw)


def read_submission_files(paths: Iterable[str]) -> Iterator[Report]:
    """Messages an analyst submits directly, as they are."""
    for message in iter_messages(paths):
        yield Report(message.raw, None, "")


def misses_caught_gate(subs: list[Submission], raws: list[bytes]):
    """A gate for retraining: every accepted miss is now scored as its analyst said, by the model
    alone (no signatures): a missed attack is flagged, a reported false positive is benign."""
    def gate(bundle) -> list[str]:
        failures = []
        for sub, row in zip(subs, score_raw_messages(raws, bundle)):
            ok = row["verdict"] != "benign" if sub.label == "malicious" else \
                row["verdict"] == "benign"
            if not ok:
                failures.append(f"submission #{sub.id} ({sub.label}) is still scored "
                                f"{row['verdict']} ({row['score'] if row['score'] is not None else '-'})")
        return failures
    return gate


def incorporate(queue: MissQueue, base_sources: list, org, actor: str = "sedetect",
                **train_args) -> dict:
    """Retrain with the accepted submissions as labelled sources of their own; promote only when
    the held-out gate and the misses-caught gate pass (or ``force_promote``); then mark them
    incorporated with the model version."""
    import mailbox
    import time
    from detectors.registry import sedetect_home
    accepted = queue.list(state="accepted", limit=1_000_000)
    if not accepted:
        raise QueueError("nothing to incorporate: no accepted submissions")
    folder = sedetect_home() / "misses" / f"incorporate-{int(time.time())}"
    folder.mkdir(parents=True, exist_ok=True)
    raws = [queue.raw(sub.id) for sub in accepted]
    sources = list(base_sources)
    for label in ("malicious", "benign"):
        chosen = [raw for sub, raw in zip(accepted, raws) if sub.label == label]
        if chosen:
            box = mailbox.mbox(str(folder / f"analyst_{label}.mbox"))
            for raw in chosen:
                box.add(raw)
            box.close()
            sources.append(LabelledSource(f"analyst_{label}", str(folder / f"analyst_{label}.mbox"),
                                          label))
    result = train(sources, org, extra_gate=misses_caught_gate(accepted, raws),
                   run_name="incorporate", **train_args)
    if result["promoted"]:
        for sub in accepted:
            queue.decide(sub.id, "incorporated", actor,
                         model_version=f"sedetect/{result['version']}")
    result["submissions"] = [sub.id for sub in accepted]
    return result


# -- the command line -----------------------------------------------------------------------------

def _print(records: list[dict], as_json: bool, text: list[str]) -> None:
    if as_json:
        for r in records:
            print(json.dumps(r, default=str))
    else:
        print("\n".join(text))


def _summary_line(s: Submission) -> str:
    dup = f" duplicate of #{s.duplicate_of}" if s.duplicate_of else ""
    sig = (f" {s.signature['id']} matched {s.signature['matches']} since" if s.signature else "")
    learned = f" learned by {s.model_version}" if s.model_version else ""
    return (f"#{s.id:<5} {s.state:<12} {s.label:<9} {s.attack_type or '-':<18} "
            f"by {s.submitter}{dup}{sig}{learned}  {s.note[:40]}")


def run(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="sedetect miss", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queue", default=None, help="queue database (default "
                        "$SEDETECT_HOME/misses.db)")
    sub = parser.add_subparsers(dest="command", required=True)

    def cmd(name, help_):
        p = sub.add_parser(name, help=help_)
        p.add_argument("--json", action="store_true", help="machine-readable records, one per line")
        p.add_argument("--as", dest="actor", default=getpass.getuser(), help="who is acting")
        return p

    p = cmd("submit", "submit missed attacks (or false positives) from .eml/mbox/Maildir files")
    p.add_argument("files", nargs="*")
    p.add_argument("--label", choices=("malicious", "benign"), default="malicious")
    p.add_argument("--type", dest="attack_type", default=None, help="attack type (free text, "
                   "e.g. vendor_bank_change, gift_cards, credential_phish)")
    p.add_argument("--concepts", default="", help="concepts the model missed, comma-separated")
    p.add_argument("--note", default="")
    p.add_argument("--abuse-mailbox", action="store_true",
                   help="the files hold user-forwarded reports: unwrap each original (attached "
                        "message/rfc822, else an inline forward) and keep the reporter")
    p = cmd("list", "list submissions")
    p.add_argument("--state", default=None)
    p.add_argument("--submitter", default=None)
    p.add_argument("--type", dest="attack_type", default=None)
    p.add_argument("--limit", type=int, default=100)
    p = cmd("show", "a submission's status and dissection")
    p.add_argument("id", type=int)
    p.add_argument("--model-uri", default=None)
    for name in ("accept", "reject"):
        p = cmd(name, f"{name} a submission")
        p.add_argument("ids", type=int, nargs="+")
        p.add_argument("--note", default="")

    p = cmd("incorporate", "retrain with the accepted submissions; promote if the gates pass")
    from labeling.sources import add_source_arguments
    add_source_arguments(p)
    p.add_argument("--synthetic", type=int, default=0, metavar="N",
                   help="N generated messages per synthetic type, as `sedetect train`")
    p.add_argument("--lookalikes", type=int, default=0, metavar="N",
                   help="N legitimate notices and N phishing twins per template family, as "
                        "`sedetect train`")
    p.add_argument("--config", default=None)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--no-embeddings", action="store_true")
    p.add_argument("--encoder", choices=(*MINILM_BACKENDS, "static"), default="onnx",
                   help="the text model's embedding, as for `sedetect train`")
    p.add_argument("--force-promote", action="store_true",
                   help="promote even if a gate fails (the misses stay accepted otherwise)")

    args = parser.parse_args(argv)
    queue = open_queue(args.queue)
    try:
        return _COMMANDS[args.command](queue, args)
    except QueueError as exc:
        print(f"sedetect miss {args.command}: {exc}", file=sys.stderr)
        return 1


def _submit(queue: MissQueue, args) -> int:
    concepts = [c.strip() for c in args.concepts.split(",") if c.strip()]
    if not args.files:
        raise QueueError("nothing to submit: give .eml, mbox or Maildir paths")
    reports = (iter_reports(args.files) if args.abuse_mailbox
               else read_submission_files(args.files))
    subs = []
    for report in reports:
        subs.append(queue.submit(report.raw, args.label, args.actor, args.attack_type, concepts,
                                 (args.note + (f" [{report.how}]" if report.how else "")).strip(),
                                 channel="abuse-mailbox" if args.abuse_mailbox else "cli",
                                 reporter=report.reporter))
    _print([s.record() for s in subs], args.json, [_summary_line(s) for s in subs])
    return 0


def _list(queue: MissQueue, args) -> int:
    subs = queue.list(args.state, args.submitter, args.attack_type, limit=args.limit)
    _print([s.record() for s in subs], args.json, [_summary_line(s) for s in subs] or
           ["(no submissions)"])
    return 0


def _show(queue: MissQueue, args) -> int:
    from labeling.dissect import dissect, render
    s = queue.get(args.id)
    d = dissect(queue.raw(s.id), model_uri=args.model_uri, signatures=load_signatures(queue))
    record = s.record() | {"events": queue.events(s.id), "dissection": d}
    _print([record], args.json, [_summary_line(s), "", render(d)])
    return 0


def _decide(queue: MissQueue, args) -> int:
    subs = []
    encoder = None
    for sid in args.ids:
        if args.command == "accept":
            if encoder is None:
                from features.text import TextEncoder
                encoder = TextEncoder()
            subs.append(accept(queue, sid, args.actor, args.note, encoder))
        else:
            subs.append(queue.decide(sid, "rejected", args.actor, args.note))
    _print([s.record() for s in subs], args.json, [_summary_line(s) for s in subs])
    return 0


def _incorporate(queue: MissQueue, args) -> int:
    from detectors.registry import sedetect_home
    from features.context import load_org
    from labeling.sources import gather_sources, synthetic_sources
    base = gather_sources(args.labelled, args.corpora)
    if args.synthetic:
        base += synthetic_sources(args.synthetic, sedetect_home() / "cache" / "synthetic")
    if args.lookalikes:
        from labeling.lookalikes import lookalike_sources
        base += lookalike_sources(args.lookalikes, sedetect_home() / "cache" / "lookalikes")
    if not base:
        raise QueueError("incorporate retrains on labelled mail: give --corpora DIR or "
                         "LABEL:PATH sources as well as the misses")
    result = incorporate(queue, base, load_org(args.config), args.actor, workers=args.workers,
                         embed=not args.no_embeddings, force_promote=args.force_promote,
                         encoder=args.encoder)
    subs = [queue.get(i) for i in result["submissions"]]
    summary = {"version": result["version"], "promoted": result["promoted"],
               "gate_failures": result["gate_failures"]}
    _print([s.record() | {"incorporate": summary} for s in subs], args.json,
           [json.dumps(summary)] + [_summary_line(s) for s in subs])
    return 0 if result["promoted"] else 1


_COMMANDS = {"submit": _submit, "list": _list, "show": _show, "accept": _decide,
             "reject": _decide, "incorporate": _incorporate}
