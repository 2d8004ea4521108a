"""The indexed ``lookalike_of`` gives exactly what the plain loop over every candidate gives
(``_lookalike_reference``): over the real brand-domain set with hosts built from it by every
lookalike trick, over hypothesis-made hosts, and over hypothesis-made small candidate sets."""
from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import features.domains as domains
from features.context import load_org
from features.domains import (_CONFUSABLES, _FILLER_WORDS, _lookalike_reference, lookalike_of,
                              registrable_domain)
from features.impersonation import org_index

BRANDS: frozenset[str] = org_index(load_org()).brand_domains
_SORTED = sorted(BRANDS)
_FILLERS = sorted(_FILLER_WORDS)
_HOMOGLYPHS: dict[str, list[str]] = {}
for _fake, _real in _CONFUSABLES.items():
    _HOMOGLYPHS.setdefault(_real, []).append(_fake)
_DIGITS = {"o": "0", "l": "1", "i": "1", "e": "3", "a": "4", "s": "5", "b": "8", "g": "9", "t": "7"}
_TLDS = ["com", "net", "org", "co", "io", "xyz", "top", "info", "co.uk", "com.br", "de", "ru",
         "app"]
_ALPHA = "abcdefghijklmnopqrstuvwxyz0123456789"


def _punycode(host: str) -> str:
    out = []
    for label in host.split("."):
        if label.isascii():
            out.append(label)
        else:
            try:
                out.append("xn--" + label.encode("punycode").decode("ascii"))
            except UnicodeError:
                out.append(label)
    return ".".join(out)


def _edit(rng: random.Random, s: str) -> str:
    if not s:
        return rng.choice(_ALPHA)
    i = rng.randrange(len(s))
    op = rng.randrange(4)
    if op == 0:                                       # delete
        return s[:i] + s[i + 1:]
    if op == 1:                                       # insert
        return s[:i] + rng.choice(_ALPHA + "-") + s[i:]
    if op == 2:                                       # substitute
        return s[:i] + rng.choice(_ALPHA) + s[i + 1:]
    if i + 1 < len(s):                                # transpose
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    return s + s[-1]


def _tricks(rng: random.Random, cand: str) -> list[str]:
    reg = registrable_domain(cand) or cand
    label, _, suffix = reg.partition(".")
    suffix = suffix or "com"
    other = rng.choice(_TLDS)
    filler, filler2 = rng.choice(_FILLERS), rng.choice(_FILLERS)
    out = [
        cand, "www." + cand, "mail." + cand, f"a.b.{cand}",                 # owned: None
        f"{label}.{other}", f"{label}.{suffix}.{other}", f"{label}.co.{other}",   # TLD swaps
        f"{label}-{filler}.{suffix}", f"{filler}-{label}.{other}",         # hyphen + filler
        f"{label}{filler}.{other}", f"{filler}{label}.{suffix}",
        f"{filler}-{label}-{filler2}.com", f"{label}-{filler}-{filler2}.net",
        f"{label}--{filler}.com", f"-{label}.com", f"{label}-.com",
        f"{reg}.evil.net", f"{reg}-login.net", f"secure.{reg}.{filler}.info",  # brand in a host
        f"{cand}.evil.net", f"x-{reg}-y.com", f"{reg}{filler}.com",
        f"{_edit(rng, label)}.{suffix}", f"{_edit(rng, _edit(rng, label))}.{suffix}",  # typos
        f"{_edit(rng, label)}.{other}", f"{_edit(rng, _edit(rng, _edit(rng, label)))}.com",
        f"{_edit(rng, label)}-{filler}.com", f"login.{_edit(rng, label)}.{suffix}",
        f"{label.replace('m', 'rn')}.{suffix}", f"{label.replace('w', 'vv')}.{suffix}",
        f"{label.upper()}.{suffix.upper()}.", f" {label}.{suffix}:443",
    ]
    # homoglyph swaps (one letter, every letter) and their punycode forms; digit swaps
    letters = [i for i, ch in enumerate(label) if ch in _HOMOGLYPHS]
    if letters:
        i = rng.choice(letters)
        one = label[:i] + rng.choice(_HOMOGLYPHS[label[i]]) + label[i + 1:]
        every = "".join(rng.choice(_HOMOGLYPHS[ch]) if ch in _HOMOGLYPHS else ch for ch in label)
        out += [f"{one}.{suffix}", f"{every}.{suffix}", _punycode(f"{one}.{suffix}"),
                _punycode(f"{every}.{other}"), _punycode(f"{one}-{filler}.com"),
                f"{_edit(rng, one)}.{suffix}"]
    digits = [i for i, ch in enumerate(label) if ch in _DIGITS]
    if digits:
        i = rng.choice(digits)
        out += [f"{label[:i]}{_DIGITS[label[i]]}{label[i + 1:]}.{suffix}",
                "".join(_DIGITS.get(ch, ch) for ch in label) + f".{other}"]
    out.append(f"{label[0]}\u00e9{label[1:]}.{suffix}" if label else "e.com")   # diacritic
    out.append(f"{label[:2]}\u200b{label[2:]}.{suffix}")                     # invisible char
    return out


def _random_host(rng: random.Random) -> str:
    labels = ["".join(rng.choice(_ALPHA + "-") for _ in range(rng.randint(1, 14)))
              for _ in range(rng.randint(1, 4))]
    return ".".join(labels) + "." + rng.choice(_TLDS)


def _queries() -> list[str]:
    rng = random.Random(20240607)
    out: list[str] = ["", ".", "..", "localhost", "com", "192.168.1.1", "10.0.0.1:8080",
                      "[2001:db8::1]", "0x7f.1", "3232235777", "[.]", "a..b.com", "xn--.com",
                      "xn--zzz-invalid.com", "-.com", "a-.b-", "mail.co.uk", "co.uk", "gmail.com",
                      "example.com", "sub.example.org", "ppaypal.com", "paypal.co.uk"]
    brands = rng.sample(_SORTED, min(len(_SORTED), 100)) + ["paypal.com", "microsoft.com",
                                                             "amazon.com", "apple.com"]
    for cand in brands:
        if cand in BRANDS:
            out += _tricks(rng, cand)
    # hosts that mix two brands, and unrelated random ones
    for _ in range(200):
        a, b = rng.choice(_SORTED), rng.choice(_SORTED)
        out.append(f"{a.partition('.')[0]}-{b}")
        out.append(f"{registrable_domain(a)}-{b.partition('.')[0]}.net")
    out += [_random_host(rng) for _ in range(300)]
    return out


QUERIES = _queries()


def test_brand_set_is_large():
    assert len(BRANDS) >= 1000 and len(QUERIES) >= 3000


def test_index_agrees_with_the_plain_loop_on_brand_lookalikes():
    diffs = [(q, lookalike_of(q, BRANDS), _lookalike_reference(q, BRANDS)) for q in QUERIES]
    diffs = [d for d in diffs if d[1] != d[2]]
    assert not diffs, diffs[:20]
    # the generated set exercises every outcome: a good share finds a brand, many find none
    found = sum(lookalike_of(q, BRANDS) is not None for q in QUERIES)
    assert 0.3 * len(QUERIES) < found < 0.9 * len(QUERIES)


def _indexed(host: str, cands) -> object:
    """``lookalike_of`` through the index whatever the size of the candidate set (short sets
    otherwise take the plain loop)."""
    saved = domains._INDEX_MIN_CANDIDATES
    domains._INDEX_MIN_CANDIDATES = 0
    try:
        return domains._lookalike_cached.__wrapped__(host or "", frozenset(cands))
    finally:
        domains._INDEX_MIN_CANDIDATES = saved


def test_candidates_given_as_a_list_or_unclean_strings():
    cands = [" PayPal.com ", "paypal.com", "", "   ", "Microsoft.COM", "t-mobile.com", "x.co"]
    for q in ["paypa1.com", "paypal-secure.com", "microsofft.com", "t-mobile-login.com",
              "x.co.evil.net", "t-rnobile.com", "mobile-t.com", "paypal.com"]:
        assert _indexed(q, cands) == lookalike_of(q, cands) == _lookalike_reference(q, cands), q


_LABEL_ALPHA = "abcdeilmnorstuvw01-" + "аеорсѕіο"
_brand_label = st.sampled_from(_SORTED).map(lambda d: d.partition(".")[0])
_label = st.text(_LABEL_ALPHA, min_size=0, max_size=16)
_piece = st.one_of(_brand_label, _label, st.sampled_from(_FILLERS), st.sampled_from(_SORTED))
_host = st.one_of(
    st.lists(_piece, min_size=1, max_size=4).map(".".join),
    st.tuples(st.lists(_piece, min_size=1, max_size=3).map("-".join),
              st.sampled_from(_TLDS)).map(".".join),
    st.tuples(_brand_label, st.integers(0, 30), st.sampled_from(_LABEL_ALPHA),
              st.sampled_from(_TLDS)).map(
        lambda t: f"{t[0][:t[1]]}{t[2]}{t[0][t[1] + 1:]}.{t[3]}"),
    st.text(_LABEL_ALPHA + ".", max_size=30),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_host)
def test_index_agrees_on_generated_hosts(host):
    assert lookalike_of(host, BRANDS) == _lookalike_reference(host, BRANDS)


_cand = st.one_of(
    st.sampled_from(_SORTED),
    st.tuples(st.text("abcdelmnorw01-", min_size=1, max_size=12),
              st.sampled_from(_TLDS)).map(".".join),
)


@settings(max_examples=400, deadline=None)
@given(st.frozensets(_cand, min_size=1, max_size=8), st.lists(_host, min_size=1, max_size=5))
def test_index_agrees_on_generated_candidate_sets(cands, hosts):
    for host in hosts:
        assert _indexed(host, cands) == _lookalike_reference(host, cands), (host, sorted(cands))
    for cand in cands:                             # lookalikes of the generated candidates
        label = cand.partition(".")[0]
        for host in (f"{label}.xyz", f"{label}x.com", f"{label[1:]}.com", f"{label}-login.com",
                     f"{cand}.evil.net", f"my{label}.com"):
            assert _indexed(host, cands) == _lookalike_reference(host, cands), \
                (host, sorted(cands))


@pytest.mark.parametrize("host", ["paypa1.com", "p\u0430ypal.com", "paypal-secure-login.com",
                                  "paypal.com.verify-user.net", "rnicrosoft.com", "amazon.net"])
def test_known_lookalikes_of_the_brand_set(host):
    assert lookalike_of(host, BRANDS) is not None
    assert lookalike_of(host, BRANDS) == _lookalike_reference(host, BRANDS)


def test_brand_name_in_label_lookup_matches_the_plain_loop():
    """brand_domain_lookalike finds a brand's name among a label's hyphen-separated words with a
    lookup (features/impersonation.py); the answer is the first brand the plain loop over every
    brand would find."""
    import random
    from features.context import load_org
    from features.domains import skeleton
    from features.impersonation import brand_in_label, org_index
    idx = org_index(load_org())

    def loop(label: str):
        padded = f"-{label}-"
        for brand, forms in idx.brand_tokens:
            for form in forms:
                if f"-{form}-" in padded and label != form:
                    return brand
        return None

    rng = random.Random(0)
    brands = [b for b, _ in idx.brand_tokens]
    words = ["secure", "login", "my", "support", "app", "billing", "x", "", "account"]
    labels = ["paypal", "paypal-secure", "bank-of-america-login", "a--paypal", "-paypal-", "xamazon"]
    for _ in range(3000):
        parts = [rng.choice(words) for _ in range(rng.randint(0, 2))] + \
            [rng.choice(brands).replace(" ", rng.choice(["", "-"]))] + \
            [rng.choice(words) for _ in range(rng.randint(0, 2))]
        labels.append(skeleton("-".join(parts)))
    assert [brand_in_label(x, idx) for x in labels] == [loop(x) for x in labels]
