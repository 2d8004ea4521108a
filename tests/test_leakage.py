"""Feature leakage: nothing the model sees may identify the collector rather than the attack.

The corpora differ by collector (../shared/corpora/README.md): dates, mailing-list headers,
anonymised recipients (phishing@pot), and the mere presence of Authentication-Results, DKIM-Signature
and Received headers. These tests check the shipped bundle two ways: by what its models are fed
(feature names and top features by gain) and by behaviour (changing those headers leaves the
learned scores unchanged).
"""
import re
from email import message_from_bytes
from email.policy import compat32

import numpy as np
import pytest

from features import catalogue as sigreg
from features.context import Context, load_org
from features.parsing import parse_message
from features.signals import CONCEPTS

FORBIDDEN = re.compile(r"(^|_)(date|year|time|list|recipient|anonymi[sz]ed|received|auth|dkim|spf|"
                       r"dmarc|return_path|header|first_contact|familiar|fake_thread)(_|$)|^x_",
                       re.I)


def test_model_features_are_attack_evidence_only(default_bundle):
    for concept, model in default_bundle.models.items():
        for name in model.feature_names:
            assert not FORBIDDEN.search(name.split(".", 1)[1]), f"{name} is fed to a model"
            assert sigreg.get(name).learned, f"{name} is rule-only and must not be learned"


def test_top_features_by_gain(default_bundle):
    for concept, model in default_bundle.models.items():
        if model.booster_ is None:
            continue
        gain = model.booster_.get_score(importance_type="total_gain")
        top = sorted(gain, key=gain.get, reverse=True)[:10]
        assert top, concept
        for name in top:
            assert not FORBIDDEN.search(name.split(".", 1)[1]), f"top feature {name} of {concept}"


def _variants(raw: bytes):
    """The same message as other collectors would have stored it."""
    def edit(fn):
        m = message_from_bytes(raw, policy=compat32)
        fn(m)
        return m.as_bytes()

    def old_date(m):
        del m["Date"]
        m["Date"] = "Mon, 29 Oct 2001 16:34:23 -0800 (PST)"

    def list_headers(m):
        m["List-Id"] = "<linux-sctp.vger.kernel.org>"
        m["List-Unsubscribe"] = "<mailto:majordomo@vger.kernel.org>"
        m["X-Mailing-List"] = "linux-sctp@vger.kernel.org"

    def anonymised_recipient(m):
        del m["To"]
        m["To"] = "phishing@pot"

    def no_transport_headers(m):
        for h in ("Received", "Authentication-Results", "DKIM-Signature", "Return-Path"):
            del m[h]

    def passing_auth(m):
        for h in ("Authentication-Results",):
            del m[h]
        m["Authentication-Results"] = "mx.example.net; spf=pass; dkim=pass; dmarc=pass"
        m["DKIM-Signature"] = "v=1; a=rsa-sha256; d=example.net; s=s1; b=abc"
        m["Received"] = "from a.example.net by mx.example.net; Mon, 1 Jan 2024 00:00:00 +0000"

    def unchanged(m):
        pass

    return {f.__name__: edit(f) for f in (unchanged, old_date, list_headers,
                                          anonymised_recipient, no_transport_headers,
                                          passing_auth)}


def test_collector_artefacts_do_not_move_the_learned_scores(default_bundle, synthetic_messages):
    ctx = Context(load_org())
    for sm in synthetic_messages[:40]:
        variants = _variants(sm.raw)
        base_ev = sigreg.evaluate(parse_message(variants.pop("unchanged")), ctx)
        # learned evidence only: rule-only signals legitimately read auth results
        want = default_bundle.concept_scores([base_ev], with_rules=False)
        for name, raw in variants.items():
            ev = sigreg.evaluate(parse_message(raw), ctx)
            got = default_bundle.concept_scores([ev], with_rules=False)
            np.testing.assert_allclose(got, want, atol=1e-9, err_msg=f"{name}: {sm.kind}")
