"""Why the detector missed it: a miss re-scored and taken apart concept by concept.

For each leg (impersonation, trust, payload, goal): its score, how much it moved the verdict (the
combiner's weight times its log-odds), the signals that fired with their values and their pull on
the leg, and the signals that stayed silent. Then the final score against the verdict thresholds,
any signature match, and candidate features for the next model: sender and lookalike domains the
configuration does not know, link domains, attachment types, and phrases distinctive against
benign mail.
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from detectors.bundle import CONCEPTS, evidence_matrix, rule_offsets, with_text_scores
from detectors.signatures import COMMON_DOMAINS, SignatureIndex, indicators_of
from features import catalogue as sigreg
from features.context import Context, load_org
from features.domains import lookalike_of, registrable_domain
from features.message import ParsedMessage
from features.parsing import ParseError, parse_message


def dissect(raw: bytes, model_uri: Optional[str] = None, bundle=None, version: str = "",
            signatures: Optional[SignatureIndex] = None, ctx: Optional[Context] = None,
            encoder=None) -> dict:
    """The dissection as a plain dict (JSON-ready)."""
    from detectors.registry import resolve_bundle
    from detectors.scoring import Item, Scorer, extract_item
    from detectors.verdicts import message_key
    if bundle is None:
        bundle, version = resolve_bundle(model_uri)
    try:
        msg = parse_message(raw)
    except ParseError as exc:
        return {"error": f"parse error: {exc}", "model_version": version}
    ctx = ctx or Context(load_org())
    item = extract_item(Item(message_key(raw), "submission", msg), ctx)
    scorer = Scorer(bundle, encoder=encoder, signatures=signatures)
    row = scorer.rows([item], version)[0]
    evidence = item.evidence
    if bundle.text_head is not None and scorer.encoder is not None:
        from features.text import embedding_text
        emb = scorer.encoder.encode([embedding_text(msg)])
        evidence = with_text_scores([evidence], bundle.text_head.predict_proba(emb)[:, 1])[0]
    S = bundle.concept_scores([evidence])[0]
    legs = []
    for k, concept in enumerate(CONCEPTS):
        model = bundle.models[concept]
        coef = float(bundle.combiner.concept_weights[k])
        X = evidence_matrix([evidence], concept, model.feature_names)
        contrib = model.contributions(X)[0]
        cev = evidence.get(concept, {})
        fired, silent = [], []
        for j, name in enumerate(model.feature_names):
            sig, e = sigreg.lookup(name), cev.get(name)
            if e is None or e.value <= 0 or sig is None:
                silent.append({"signal": name, "why": "abstained" if e is None else "value 0"})
                continue
            fired.append({"signal": name, "value": round(float(e.value), 3),
                          "pull": round(float(contrib[j]), 3), "says": sig.explain(e)})
        for sig, e in rule_offsets([evidence], concept)[1][0]:
            fired.append({"signal": sig.name, "value": round(float(e.value), 3),
                          "pull": sig.weight, "says": sig.explain(e), "rule": True})
        fired_names = {f["signal"] for f in fired}
        for sig in sigreg.signals(concept):
            if not sig.learned and sig.name not in fired_names:
                silent.append({"signal": sig.name, "why": "rule did not fire"})
        p = float(np.clip(S[k], 1e-6, 1 - 1e-6))
        legs.append({"concept": concept, "score": round(p, 4),
                     "verdict_pull": round(coef * float(np.log(p / (1 - p))), 3),
                     "fired": sorted(fired, key=lambda f: -f["pull"]), "silent": silent})
    return {
        "model_version": version, "verdict": row["verdict"], "score": row["score"],
        "thresholds": dict(bundle.thresholds), "reasons": row["reasons"],
        "signature": ({"id": row["signature_id"], "similarity": row["signature_match"]}
                      if row["signature_id"] else None),
        "legs": legs, "candidates": candidates(msg, ctx),
    }


def candidates(msg: ParsedMessage, ctx: Context) -> dict:
    """Indicators and phrases that the configuration and lexicon do not know yet."""
    from labeling.phrases import distinctive_phrases
    org = ctx.org
    known = set(org.protected_domains) | set(org.known_vendors) | {
        d for ds in org.brands.values() for d in ds}
    if ctx.profile is not None:
        known |= ctx.profile.familiar_domains()
    ind = indicators_of(msg)
    unknown = [d for d in ind["sender_domains"] if d not in known and d not in COMMON_DOMAINS]
    lookalikes = {}
    for d in ind["sender_domains"] + ind["link_domains"]:
        target = lookalike_of(d, known) if d not in known else None
        if target:
            lookalikes[d] = target
    return {
        "unknown_sender_domains": unknown,
        "lookalike_domains": [f"{d} looks like {t}" for d, t in sorted(lookalikes.items())],
        "link_domains": [d for d in ind["link_domains"] if d not in COMMON_DOMAINS][:20],
        "attachment_types": sorted({f"{a.content_type} ({_ext(a.filename)})"
                                    for a in msg.attachments}),
        "phrases": distinctive_phrases(f"{msg.subject}\n{msg.current_text or msg.text}"),
    }


def _ext(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else "no extension"


def render(d: dict) -> str:
    """The dissection for a terminal."""
    if "error" in d:
        return f"cannot dissect: {d['error']}"
    t = d["thresholds"]
    lines = [f"model {d['model_version']}: {d['verdict']} (score {d['score']:.3f}; malicious at "
             f">= {t['malicious']:.3f}, suspicious at >= {t['suspicious']:.3f})"]
    if d["signature"]:
        lines.append(f"signature {d['signature']['id']} matched "
                     f"(similarity {d['signature']['similarity']:.2f})")
    for leg in d["legs"]:
        state = "FIRED " if leg["score"] >= 0.5 else "silent"
        lines.append(f"\n{leg['concept']:<14} {state} score {leg['score']:.3f}, pull on the "
                     f"verdict {leg['verdict_pull']:+.2f}")
        for f in leg["fired"][:8]:
            lines.append(f"    + {f['signal']:<38} value {f['value']:<6} pull {f['pull']:+.2f}  "
                         f"{f['says']}")
        quiet = [s["signal"].split(".", 1)[1] for s in leg["silent"]]
        if quiet:
            lines.append(f"    silent: {', '.join(quiet[:14])}" +
                         (f" (+{len(quiet) - 14} more)" if len(quiet) > 14 else ""))
    c = d["candidates"]
    lines.append("\ncandidate features for the next model:")
    for key, values in c.items():
        if values:
            lines.append(f"    {key.replace('_', ' ')}: {'; '.join(values[:8])}")
    return "\n".join(lines)
