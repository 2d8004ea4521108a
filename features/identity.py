"""Identity: who the sender provably is, and whether the brand it claims and the hosts it links to
agree with that.

Every serious filter reasons about identity before wording (SpamAssassin's welcomelist_auth,
Rspamd's DMARC maps, Sublime's "not (sender root domain is the brand's and DMARC passed)"). The
evidence here works both ways:

- a sender proven by the receiver's own Authentication-Results (DMARC-style aligned with From),
  whose claimed brand is its own organisation and whose links stay on it (or on neutral ESP and
  CDN hosts), is evidence of innocence;
- a brand claim that the proven organisation does not back, or a sign-in / payment / document
  link on an unrelated host, is evidence of an attack, even when DMARC passes for the attacker's
  own lookalike domain.

These signals carry a ``direction`` (features/signals.py): they skip the concept models and enter
the combiner under monotone constraints. Without trusted authentication results they do not fire
(value 0), so a collector that strips headers never reads as "proven" either way.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

import yaml

from features.authentication import alignment_detail, authenticated_domain, parse_authentication
from features.context import Context
from features.domains import (capital_i_as_l, edit_distance, host_matches, is_ip_host,
                              is_public_suffix, is_punycode,
                              lookalike_of, registrable_domain, skeleton, split_registrable,
                              trim_token_digits,
                              to_unicode)
from features.impersonation import brands_named, domain_in, org_index
from features.message import AuthResults, ParsedMessage
from features.payload import anchor_domain, html_view, link_hosts, report_type
from features.signals import Evidence, signal

POLICY_FILE = Path(__file__).resolve().parent / "data" / "identity_policy.yaml"
_MAX_LINKS = 200          # links examined (the parser keeps at most Limits.urls)
_OPENING_CHARS = 300      # body text read for a brand claim ("Your PayPal account ...")
_MAX_ANCHOR = 200
_CONTEXT_BEFORE, _CONTEXT_AFTER = 200, 60  # text read around a bare address for what it asks


@dataclass(frozen=True)
class ConvictingRule:
    """Identity evidence that convicts on its own (identity_policy.yaml ``convicting``)."""
    name: str
    all: tuple[str, ...]          # signal names that must all fire
    sentence: str


@dataclass(frozen=True)
class Policy:
    call_to_action: re.Pattern[str]
    call_to_action_nearby: re.Pattern[str]   # read around a bare address or "click here"
    concrete_acts: tuple[str, ...]
    name_filler: frozenset[str]          # display-name words that name no one ("Team", "Notice")
    generic_anchor: frozenset[str]       # anchors that say nothing ("click here", "this link")
    lookalike_words: frozenset[str]      # words an attacker adds to a sender's name (login, secure)
    combosquat_words: frozenset[str]     # and hyphenates to it (-help, -docs), besides those
    role_mailboxes: frozenset[str]       # info@, hello@: an organisation's mailbox, not a person's
    action_path_words: frozenset[str]    # URL path words of a sign-in page (login, verify, owa)
    convicting: tuple[ConvictingRule, ...] = ()


@lru_cache(maxsize=1)
def policy() -> Policy:
    """The call-to-action vocabulary and the concrete acts (features/data/identity_policy.yaml)."""
    doc = yaml.safe_load(POLICY_FILE.read_text(encoding="utf-8"))
    def words(key: str) -> re.Pattern[str]:
        alts = "|".join(f"(?:{p})" for p in doc[key])
        return re.compile(rf"(?<![a-z])(?:{alts})(?![a-z])", re.IGNORECASE)
    return Policy(words("call_to_action"), words("call_to_action_nearby"),
                  tuple(doc["concrete_acts"]), frozenset(doc["name_filler"]),
                  frozenset(doc["generic_anchor"]), frozenset(doc["lookalike_words"]),
                  frozenset(doc["lookalike_words"]) | frozenset(doc["combosquat_words"]),
                  frozenset(doc["role_mailboxes"]), frozenset(doc["action_path_words"]),
                  tuple(ConvictingRule(r["name"], tuple(r["all"]), " ".join(r["sentence"].split()))
                        for r in doc.get("convicting", ())))


_NAME_WORD_RE = re.compile(r"[^\w]+")
_LOCAL_PART_RE = re.compile(r"[^a-z]+")


def _name_words(name: str, min_len: int = 1) -> list[str]:
    """The words of a lower-cased display name that can name someone (not "Team", "Billing")."""
    filler = policy().name_filler
    return [w for w in _NAME_WORD_RE.split(name) if len(w) >= min_len and w not in filler]


def name_matches_address(display: str, address: str) -> bool:
    """Whether a display name presents the sender as what its address says: one of its
    distinctive words appears in the address ("Cato Today" <newsletters@cato.org>, "Jeff
    Dasovich" <jeff.dasovich@enron.com>), the address's domain label appears in it ("Acme Wiki"
    <no-reply@acmewiki.org>), or it names no one ("Billing", "Mail Delivery System").
    "Casino Promotions Hub" <mery.miloni@iptesetxkeys.com> does not."""
    if not display or "@" not in address:
        return True
    local, _, domain = address.lower().rpartition("@")
    roles = policy().role_mailboxes
    if len(_name_words(display.casefold(), 2)) >= 2 and \
            all(p in roles for p in _LOCAL_PART_RE.split(local) if p):
        return True                     # a staffer's name over info@ or hello@ of the organisation
    hay = skeleton(f"{local}{domain}").replace("-", "").replace(".", "").replace("_", "")
    label = registrable_domain(domain).partition(".")[0].replace("-", "")
    for variant in dict.fromkeys((display, capital_i_as_l(display))):     # "LinkedIn", "PayPaI"
        name = skeleton(variant)
        words = _name_words(name, 3)
        if not words or any(w in hay for w in words):
            return True
        # People's addresses abbreviate them: "Philip Reynolds" <phil@...>, "Andy Kim" <ak@...>.
        if any(w[:4] in local for w in words if len(w) >= 4) or \
                (len(words) >= 2 and "".join(w[0] for w in words[-2:]) in local):
            return True
        if len(label) >= 4 and label in name.replace(" ", "").replace("-", ""):
            return True
    return False


# Suffixes that an attacker puts in front of a hyphen so that a host reads as another domain:
# notifications.inkly.co-secure.com shows "inkly.co" and belongs to co-secure.com.
_SUFFIX_WORDS = frozenset(("com", "co", "net", "org", "io", "app", "us", "uk", "de", "info", "biz",
                           "gov", "edu"))
_NAME_WORD_MIN = 5        # shorter display-name words are too often a typo away from any domain


def _shown_domain(host: str, org: str, names: frozenset[str] = frozenset()) -> str:
    """The domain a host reads as when its registrable label starts with a suffix and a hyphen
    (notifications.inkly.co-secure.com reads as inkly.co); "" otherwise. Any other public suffix
    counts too when the label in front of it is one of ``names``, the display name's words
    ("Orbitworks" from mail.orbitworks.cloud-verify.com reads as orbitworks.cloud), so that a
    newsletter of shop-apotheke.com does not read as news.shop."""
    head, _, rest = split_registrable(org)[0].partition("-")
    if not rest:
        return ""
    shown = host[:-len(org)].rstrip(".").rpartition(".")[2]
    if shown and (head in _SUFFIX_WORDS or (shown in names and is_public_suffix(head))):
        return f"{shown}.{head}"
    return ""


def _near_miss(word: str, label: str) -> bool:
    """``label`` (a domain label) is one typo or one confusable away from ``word`` without being
    it or an affix of it: people's own domains add an initial or an s (James Tauber at
    jtauber.com, Harlan Feinstein at feinsteins.net), companies their TLD variants."""
    if word == label:
        return False
    w, lab = skeleton(word), skeleton(label)
    if w == lab:                               # renders as it, is not it (rn for m, Cyrillic е)
        return True
    if w in lab or lab in w:
        return False
    return edit_distance(w, lab, 2) <= (1 if len(w) < 9 else 2)


def imitated_name(display: str, from_host: str) -> str:
    """What the sender's own domain imitates, read from the message itself rather than from a
    brand list, so it works for a small service no list knows: the display name's word one typo or
    one confusable away from the domain ("Clouddrive" from cloucldrive.app, "Ledgerbooks" from
    lеdgerbooks.com), or a host that reads as another domain (inkly.co-secure.com). "" when none:
    a name that is the domain ("Inkly" from inkly.co) or unrelated to it says nothing here."""
    org = registrable_domain(from_host)
    label = split_registrable(org)[0]
    if not label:
        return ""
    words = _name_words((display or "").casefold())
    # Only a hyphenated label can read as another domain; and "Cloud Verify Status" from
    # status.cloud-verify.com names its own organisation.
    names = frozenset(w for w in words if len(w) >= 4) \
        if "-" in label and not _names_own_org(display, org) else frozenset()
    shown = _shown_domain(from_host, org, names)
    if shown:
        return shown
    lab = label.replace("-", "")
    cands = [w for w in words if len(w) >= _NAME_WORD_MIN]
    if len(words) > 1:
        cands.append("".join(words))
    if lab in cands:
        return ""
    for w in dict.fromkeys(cands):
        if _near_miss(w, lab):
            return f"{w} (its display name)"
    return ""


def imitates_sender(host: str, org: str) -> bool:
    """A link host that imitates the sender's own organisation: app.nofion.so (from notion.so),
    docsend.com-mail.net (from docsend.com) and maplehome-login.com (from maplehome.co) do; the
    organisation's own variants do not (enrononline.com from enron.com, nerc.com from nerc.net)."""
    lorg = registrable_domain(host)
    if not org or not lorg or lorg == org:
        return False
    if _shown_domain(host, lorg) == org:
        return True
    own = split_registrable(org)[0].replace("-", "")
    if len(own) < _NAME_WORD_MIN - 1:
        return False
    label = split_registrable(lorg)[0]
    trimmed = trim_token_digits(label)
    tokens = [t for t in trimmed.split("-") if t]
    if own in tokens and len(tokens) > 1 and (trimmed != label or policy().combosquat_words
                                              .issuperset(t for t in tokens if t != own)):
        return True                        # combosquats: support-github16, clearledger-help
    words = policy().lookalike_words       # maplehome-login.com; not enrononline.com
    for lab in dict.fromkeys(("".join(tokens), label.replace("-", ""))):
        if (lab.startswith(own) and lab[len(own):] in words) or \
                (lab.endswith(own) and lab[:-len(own)] in words):
            return True
    return _near_miss(own, label.replace("-", ""))    # acmepayro11.com: digits as letters


@dataclass(frozen=True)
class Identity:
    """What a message shows of its sender. Organisation = organisational (registrable) domain."""
    from_org: str                       # the From header's organisation ("" when no From domain)
    authenticated: bool                 # the counted Authentication-Results said anything at all
    proven_org: str                     # from_org when authentication proves it, else ""
    how: str                            # "DKIM-aligned (d=paypal.com), DMARC pass"
    established: str                    # why the proven org is known ("" when it is not)
    platform: bool                      # the From domain is a shared platform (free mail, help
    #                                     desks, tenants, ESPs): a pass there proves no organisation
    imitates: str                       # the protected, vendor or brand domain the sender's own
    #                                     domain is a lookalike of ("" when none)
    claimed: tuple[str, ...]            # brands the message presents itself as
    unbacked: tuple[str, ...]           # claimed brands whose domains exclude the sender's org
    own_links: int                      # links on the sender's organisation
    neutral_links: int                  # ESP click tracking, CDNs
    known_links: int                    # other long-established organisations (social, payment)
    foreign_links: tuple[str, ...]      # hosts of unrelated organisations
    risky_links: tuple[str, ...]        # free page hosts, shorteners, IPs, IDNs, lookalikes
    foreign_actions: tuple[str, ...]    # "'Sign in' -> host" for action links on foreign/risky hosts
    lookalike_links: tuple[str, ...] = ()  # link hosts imitating the sender's organisation, the
    #                                     organisation's own or vendors' domains, or a claimed brand
    name_matches: bool = True           # the display name fits the address (name_matches_address;
    #                                     checked for proven organisations only: coherence alone
    #                                     reads it)
    presents_as: str = ""               # a proven sender's display name presents another
    #                                     organisation's service, one the message links to

    @property
    def proves_organisation(self) -> bool:
        """Authentication proves an organisation, not just some user of a shared platform."""
        return bool(self.proven_org) and not self.platform

    @property
    def coherent(self) -> bool:
        # Honest mail links to other sites (a donation platform, a news article): only a
        # sign-in, payment or document link that leaves the sender, or a risky host, breaks it.
        # A display name that names someone other than the address ("Casino Promotions Hub" from
        # iptesetxkeys.com) presents the sender as what it is not, unless the sender is known.
        return self.proves_organisation and not self.imitates and not self.unbacked \
            and not self.foreign_actions and not self.risky_links \
            and (self.name_matches or bool(self.established))

    def describe(self) -> str:
        """The sentence an analyst reads: "sent by paypal.com, DKIM-aligned (d=paypal.com),
        DMARC pass; every link on paypal.com"."""
        parts = [f"sent by {self.proven_org}, {self.how}"]
        total = self.own_links + self.neutral_links + self.known_links + len(self.foreign_links)
        if not total:
            parts.append("no links")
        elif total == self.own_links:
            parts.append(f"every link on {self.proven_org}")
        else:
            extra = [w for n, w in ((self.neutral_links, "neutral mailing/CDN hosts"),
                                    (self.known_links, "well-known sites"),
                                    (len(self.foreign_links), "other sites (no sign-in, payment "
                                     "or document link among them)")) if n]
            parts.append(f"links on {self.proven_org} and " + ", ".join(extra))
        if self.claimed:
            parts.append("presents itself as " + ", ".join(self.claimed))
        return "; ".join(parts)


def trusted_auth(msg: ParsedMessage, ctx: Context) -> AuthResults:
    """The authentication results the organisation's receivers stamped: the topmost header when no
    authserv-id is configured (the parser's default), else the topmost header of a trusted id."""
    if not ctx.org.trusted_authserv_ids:
        return msg.auth
    return parse_authentication(msg.headers, ctx.org.trusted_authserv_ids)


def _established(org: str, msg: ParsedMessage, ctx: Context) -> str:
    o = ctx.org
    if org in o.protected_domains:
        return "one of the organisation's own domains"
    if domain_in(org, o.known_vendors):
        return "a known vendor"
    if org in o.trusted_senders:
        return "on the trusted-sender list"
    prof = getattr(ctx, "profile", None)
    if prof is not None and msg.from_ is not None and msg.from_.address and \
            prof.is_known_sender(msg.from_.address):
        return "a known correspondent"
    if org in o.popular_domains:
        return "a long-established domain"
    return ""


def _claims(msg: ParsedMessage, ctx: Context, anchors: list[str]) -> tuple[str, ...]:
    """Brands the message presents itself as: those its sender name invokes, and, when it asks the
    reader to act (a sign-in, payment or document link), those its subject, action links, image
    alt texts (a logo's "PayPal") and opening line name. A newsletter that mentions a brand in passing claims nothing, and neither
    does a sender that presents itself as its own organisation ("Walmart" from walmart.com): the
    carrier or card network its notice names is a mention ("Track with USPS")."""
    f = msg.from_
    display = f.display_name[:300] if f is not None else ""
    local = (f.address or "").rpartition("@")[0].lower() if f is not None else ""
    if local in _MAIL_SYSTEM_MAILBOXES and report_type(msg):
        display = ""                    # "Microsoft Outlook" <postmaster@...>: the mail system's
        #                                 name on a real delivery report, not a claim
    named = brands_named(display, ctx.org) if display else []
    org = registrable_domain(f.domain) if f is not None and f.domain else ""
    if anchors and not _names_own_org(display, org):
        named += brands_named(" | ".join([msg.subject[:300], *anchors[:20]]), ctx.org)
        view = html_view(msg)
        if view is not None and view.image_alt:
            # A logo claims its brand; a footer's social icon (alt "Facebook") links to its own
            # brand's site and claims nothing.
            linked = {registrable_domain(lk.host) for lk in msg.links[:_MAX_LINKS] if lk.host}
            named += [b for b in brands_named(" | ".join(view.image_alt.splitlines()[:20]), ctx.org)
                      if linked.isdisjoint(ctx.org.brands.get(b, ()))]
        opening = brands_named((msg.current_text or msg.text or "")[:_OPENING_CHARS], ctx.org)
        named += [b for b in opening if b in ctx.org.body_brands]
    return tuple(dict.fromkeys(named))


_MAIL_SYSTEM_MAILBOXES = frozenset(("postmaster", "mailer-daemon", "mailer_daemon", "mailerdaemon"))


def _names_own_org(display: str, org: str) -> bool:
    """The display name names the From organisation itself: one of its words, or all of them
    joined, is the domain's label ("Tidal Outfitters" and tidaloutfitters.com)."""
    label = split_registrable(org)[0].replace("-", "") if org else ""
    if len(label) < 3 or not display:
        return False
    words = _name_words(display.casefold(), 3)
    return bool(words) and (any(w in label for w in words if len(w) >= 4) or "".join(words) == label)


def _declared_org(display: str, links, ctx: Context, whole_words: bool = False) -> str:
    """The organisational domain among the message's links whose name the display name bears
    ("Megan Garcia via Droplane" and www.droplane.com), when the display name presents a service
    rather than a person (a one-word name, "via", or a word such as Team or Billing); "" when
    none. The shared platforms a message links to (free page hosts) never count.
    ``whole_words``: any display name, but only a whole word of five letters or more names the
    domain ("Clearinvoice Weekly" and clearinvoice.com; not "John Smith" and johnsmith.net)."""
    if not display or not links:
        return ""
    words = [w for w in _NAME_WORD_RE.split(display.casefold()) if w]
    filler = policy().name_filler
    names = [w for w in words if w not in filler and len(w) >= 4]
    if whole_words:
        names = [w for w in names if len(w) >= _NAME_WORD_MIN]
        joined = ""
    elif not names or not (len(names) == 1 or "via" in words or len(names) < len(words)):
        return ""
    else:
        joined = "".join(names)
    for lk in links:
        host = lk.host or ""
        if not host:
            continue
        if host_matches(host, ctx.org.free_hosting) or host_matches(host, ctx.org.neutral_link_hosts):
            continue
        reg = registrable_domain(host)
        label = reg.partition(".")[0].replace("-", "")
        if label and (label in names or (joined and label == joined)):
            return reg
    return ""



def _link_class(host: str, raw: str, org: str, ctx: Context, watched: frozenset[str],
                proven: bool = False) -> str:
    o = ctx.org
    lorg = registrable_domain(host)
    if proven and org and lorg == org:
        return "own"                    # Box's proven mail linking to box.com, a free file host
    if is_ip_host(host) or is_punycode(raw) or host_matches(host, o.free_hosting) or \
            host_matches(host, o.url_shorteners):
        return "risky"
    if org and lorg == org:
        return "own"
    if host_matches(host, o.neutral_link_hosts) or lorg in o.neutral_link_hosts:
        return "neutral"
    if lorg in o.trusted_senders or lorg in o.popular_domains or lorg in watched or \
            domain_in(lorg, o.known_vendors) or lorg in o.protected_domains:
        return "known"
    if lookalike_of(host, watched) or imitates_sender(host, org):
        return "lookalike"
    return "foreign"


_PATH_WORD_RE = re.compile(r"[a-z]+")


def _action_path(url: str) -> bool:
    """A bare address whose path says what it is for: /owa/verify, /signin, /password/reset."""
    path = url.partition("//")[2].partition("/")[2].partition("?")[0].lower()
    return bool(path) and not policy().action_path_words.isdisjoint(_PATH_WORD_RE.findall(path[:300]))


def _words_around(text: str, shown: str) -> str:
    """The visible words just before and after a bare address ("Use this link: URL to reset your
    password"), from its first occurrence; "" when the text does not show it."""
    i = text.find(shown[:_MAX_ANCHOR]) if shown else -1
    if i < 0:
        return ""
    return text[max(0, i - _CONTEXT_BEFORE):i] + " " + \
        text[i + min(len(shown), _MAX_ANCHOR):i + min(len(shown), _MAX_ANCHOR) + _CONTEXT_AFTER]


# (msg, ctx, Identity) of the last message: every identity signal asks for it. One tuple, read and
# replaced whole, so threads sharing the module never mix two messages' identities.
_LAST: tuple = (None, None, None)


def identity_of(msg: ParsedMessage, ctx: Context) -> Identity:
    """Work out the message's identity (memoised for the signals of one message)."""
    global _LAST
    last = _LAST
    if last[0] is msg and last[1] is ctx:
        return last[2]
    ident = _identity(msg, ctx)
    _LAST = (msg, ctx, ident)
    return ident


def _identity(msg: ParsedMessage, ctx: Context) -> Identity:
    f = msg.from_
    from_dom = to_unicode(f.domain) if f is not None and f.domain else ""
    from_org = registrable_domain(from_dom) if from_dom else ""
    auth = trusted_auth(msg, ctx)
    authenticated = bool(auth.source)
    proven = authenticated_domain(auth, from_dom) if from_dom and authenticated else ""
    org = proven or from_org
    idx = org_index(ctx.org)
    platform = bool(from_dom) and any(
        host_matches(from_dom, hosts) is not None
        for hosts in (ctx.org.shared_senders, ctx.org.freemail_domains, ctx.org.free_hosting))
    # A lookalike matters against what the message claims to be: the organisation's own and its
    # vendors' domains always, a brand's domains when the message presents itself as that brand
    # (thousands of brands make typo-distance neighbours of honest domains: actblue / jetblue).
    cta = policy().call_to_action
    links = []                          # (link, its anchor text, whether it asks the reader to act)
    text = msg.current_text or msg.text or ""
    generic, nearby = policy().generic_anchor, policy().call_to_action_nearby
    for lk in msg.links[:_MAX_LINKS]:
        anchor = " ".join((lk.anchor_text or "")[:_MAX_ANCHOR].split())
        if anchor and anchor_domain(anchor) is None and anchor.lower() not in generic:
            links.append((lk, anchor, cta.search(anchor) is not None))
        else:                           # a bare address: the words around it say what it is for
            near = _words_around(text, anchor or lk.url)
            links.append((lk, anchor or lk.url, (bool(near) and nearby.search(near) is not None)
                          or _action_path(lk.url)))
    claimed = _claims(msg, ctx, [anchor for _, anchor, is_action in links if is_action])
    brand_domains = frozenset(d for b in claimed for d in ctx.org.brands.get(b, ()))
    watched = idx.protected_and_vendors | brand_domains
    imitates = ((lookalike_of(from_dom, watched) or
                 imitated_name(f.display_name if f is not None else "", from_dom))
                if from_dom and not platform else "")
    own = neutral = known = 0
    foreign: list[str] = []
    risky: list[str] = []
    lookalikes: list[str] = []
    actions: list[str] = []
    for lk, anchor, is_action in links:
        worst = ""
        for host, raw in link_hosts(lk):
            if not host:
                continue
            kind = _link_class(host, raw, org, ctx, watched, bool(proven))
            if kind == "lookalike":
                lookalikes.append(host)
                kind = "risky"
            if kind == "risky":
                risky.append(host)
            elif kind == "foreign":
                foreign.append(host)
            if kind in ("risky", "foreign"):
                worst = worst or host
            else:
                own += kind == "own"
                neutral += kind == "neutral"
                known += kind == "known"
        if is_action and worst:
            actions.append(f"'{anchor[:40]}' leads to {worst}")
    # A service that no brand list knows names itself: "The Fablehome Team" linking to
    # fablehome.co presents itself as fablehome.co, whoever sends it, when it asks the reader to
    # act (a feed relay named after the blog it forwards asks nothing) or writes from free mail
    # ("Clearinvoice Weekly" <…@outlook.com> with its links on clearinvoice.com).
    display = f.display_name if f is not None else ""
    freemail = bool(from_dom) and host_matches(from_dom, ctx.org.freemail_domains) is not None
    declared = ""
    if any(is_action for _, _, is_action in links):
        declared = _declared_org(display, msg.links[:_MAX_LINKS], ctx)
    elif freemail:                      # well-known names are the brand list's to judge:
        declared = _declared_org(display, msg.links[:_MAX_LINKS], ctx, whole_words=True)
        if declared in ctx.org.popular_domains or declared in ctx.org.trusted_senders:
            declared = ""               # Outlook's own bounces link to go.microsoft.com
    if declared and declared != org and declared not in claimed:
        claimed = claimed + (declared,)
    presents_as = ""
    if proven and not platform and display:
        other = declared or _declared_org(display, msg.links[:_MAX_LINKS], ctx)
        # "Globex via Stripe" <…@stripe.com>: a platform that names itself sends for its customer.
        if other and other != org and not _same_owner(other, org, ctx) \
                and not _names_own_org(display, org):
            presents_as = other
    brands = ctx.org.brands
    # A brand is backed by its own domains, and by a sender whose domain is the brand's own name:
    # Yahoo's mail comes from yahoo.com, which the brand lists leave out as free mail.
    own_label = org.partition(".")[0].replace("-", "") if org else ""
    unbacked = tuple(b for b in claimed
                     if not (org and (domain_in(org, brands.get(b, frozenset())) or b == org or
                                      b.replace(" ", "") == own_label)))
    return Identity(
        from_org=from_org, authenticated=authenticated, proven_org=proven,
        how=alignment_detail(auth, from_dom) if proven else "",
        established=_established(proven, msg, ctx) if proven and not platform and not imitates
        else "",
        platform=platform, imitates=imitates, claimed=claimed, unbacked=unbacked, own_links=own, neutral_links=neutral,
        known_links=known, foreign_links=tuple(dict.fromkeys(foreign)),
        risky_links=tuple(dict.fromkeys(risky)), foreign_actions=tuple(dict.fromkeys(actions)),
        lookalike_links=tuple(dict.fromkeys(lookalikes)),
        name_matches=name_matches_address(f.display_name, f.address)
        if f is not None and proven and not platform else True, presents_as=presents_as)


def _same_owner(a: str, b: str, ctx: Context) -> bool:
    """Two organisational domains that may well be one company's: one's name inside the other's
    (facebook.com and facebookmail.com), one brand's domains, or a well-known domain, whose
    sending domains the brand lists know better than a name match does."""
    la, lb = (split_registrable(d)[0].replace("-", "") for d in (a, b))
    if la and lb and (la in lb or lb in la):
        return True
    o = ctx.org
    if a in o.popular_domains or a in o.trusted_senders:
        return True
    return any(domain_in(a, ds) and domain_in(b, ds) for ds in o.brands.values())


# --------------------------------------------------------------------------------------------
# benign evidence (direction -1): can only lower the verdict's score
@signal("impersonation", "identity_proven",
        "Identity: the receiver's own authentication proves the sender ({detail})", direction=-1)
def identity_proven(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    ident = identity_of(msg, ctx)
    if not ident.authenticated:
        return None
    if not ident.proves_organisation:
        return Evidence(0.0)
    return Evidence(1.0, f"{ident.proven_org}, {ident.how}")


@signal("impersonation", "identity_coherent",
        "Identity is coherent: {detail}", direction=-1)
def identity_coherent(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    ident = identity_of(msg, ctx)
    if not ident.authenticated:
        return None
    return Evidence(1.0, ident.describe()) if ident.coherent else Evidence(0.0)


@signal("impersonation", "identity_established",
        "The proven sender is known: {detail}", direction=-1)
def identity_established(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    ident = identity_of(msg, ctx)
    if not ident.authenticated:
        return None
    if not ident.established:
        return Evidence(0.0)
    return Evidence(1.0, f"{ident.proven_org} is {ident.established}")


# --------------------------------------------------------------------------------------------
# malicious evidence (direction +1): can only raise it
@signal("impersonation", "brand_claim_unbacked",
        "Claims to be {detail}", direction=1)
def brand_claim_unbacked(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    ident = identity_of(msg, ctx)
    if not ident.from_org:
        return None
    if ident.imitates:
        return Evidence(1.0, f"{ident.imitates}, but is sent from the lookalike {ident.from_org}")
    if not ident.unbacked:
        return Evidence(0.0)
    by = ident.proven_org and f"sent by {ident.proven_org} ({ident.how})" or \
        f"sent from {ident.from_org}, which authentication does not prove"
    if domain_in(ident.from_org, ctx.org.freemail_domains):
        by = f"sent from the free-mail domain {ident.from_org}"
    return Evidence(1.0, f"{', '.join(ident.unbacked)}, but is {by}")


@signal("impersonation", "sender_imitates",
        "The sender's own domain imitates another: {detail}", learned=False, weight=0.0)
def sender_imitates(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    """The From domain is a lookalike: of the organisation's own or a vendor's domain, of a brand
    the message claims, or of the service its own display name names ("Stashspace" from
    sta5hspace.app, "Orbitworks" from orbitworks.cloud-verify.com). Authenticated, it is the
    attacker's own lookalike domain passing DMARC, which identity_policy.yaml convicts. Evidence
    for that policy only (weight 0, no model reads it): brand_claim_unbacked already gives the
    models the imitation."""
    ident = identity_of(msg, ctx)
    if not ident.from_org:
        return None
    if not ident.imitates:
        return Evidence(0.0)
    return Evidence(1.0, f"{ident.from_org} imitates {ident.imitates}")


@signal("impersonation", "presents_other_service",
        "The display name presents a service the message links to, but the mail is proven to "
        "come from another organisation ({detail})", learned=False, weight=0.0)
def presents_other_service(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    """"Signalweekly" <info@ironbridgebuilders.biz> linking to signalweekly.com: an account of
    one organisation (often a compromised one) sending as another's service. Evidence for the
    convicting policy only (weight 0, no model reads it)."""
    ident = identity_of(msg, ctx)
    if not ident.proven_org:
        return None
    if not ident.presents_as:
        return Evidence(0.0)
    return Evidence(1.0, f"{ident.presents_as}, sent by {ident.proven_org}")


@signal("impersonation", "dmarc_enforced_fail",
        "The sender's domain refuses this mail: {detail}", direction=1)
def dmarc_enforced_fail(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    """The receiver's own DMARC check failed under a policy the domain's owner enforces
    (quarantine or reject): the owner says such mail is not theirs. Under p=none a fail is common
    in honest bulk mail (every DMARC fail in political_bulk_2019), so it does not count here."""
    auth = trusted_auth(msg, ctx)
    if not auth.source:
        return None
    if auth.dmarc != "fail" or auth.dmarc_policy not in ("reject", "quarantine"):
        return Evidence(0.0)
    return Evidence(1.0, f"DMARC fail for {auth.dmarc_from or 'the From domain'} under its "
                         f"{auth.dmarc_policy} policy")


_PASSING = ("pass", "bestguesspass")


@signal("impersonation", "sender_unvouched",
        "Nothing authenticates the sender: {detail}", direction=1)
def sender_unvouched(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    """The receiver's DMARC check failed and neither SPF nor DKIM passed for any domain: no one
    vouches for this mail, the shape of a forged From. Honest bulk mail that fails DMARC under
    p=none passes SPF or DKIM for its mailing service (every such message in
    political_bulk_2019), so it does not fire there."""
    auth = trusted_auth(msg, ctx)
    if not auth.source:
        return None
    if auth.dmarc != "fail" or auth.spf in _PASSING or auth.dkim in _PASSING:
        return Evidence(0.0)
    return Evidence(1.0, f"DMARC fail for {auth.dmarc_from or 'the From domain'}, SPF "
                         f"{auth.spf or 'none'}, DKIM {auth.dkim or 'none'}")


@signal("payload", "lookalike_link",
        "A link imitates the sender or the brand it claims: {detail}", direction=1)
def lookalike_link(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    """Honest mail links to its own domain, not to one a typo away from it (maplehome-login.com
    from maplehome.co, app.nofion.so from notion.so, docsend.com-mail.net)."""
    if not msg.links or not msg.from_ or not msg.from_.domain:
        return Evidence(0.0)
    ident = identity_of(msg, ctx)
    if not ident.lookalike_links:
        return Evidence(0.0)
    return Evidence(1.0, f"{ident.lookalike_links[0]} (sender {ident.proven_org or ident.from_org})")


@signal("payload", "foreign_action_link",
        "A sign-in, payment or document link points away from the sender ({detail})",
        direction=1)
def foreign_action_link(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    ident = identity_of(msg, ctx)
    if not msg.links:
        return Evidence(0.0)
    if not ident.foreign_actions:
        return Evidence(0.0)
    sender = ident.proven_org or ident.from_org or "an unknown sender"
    return Evidence(1.0, f"{ident.foreign_actions[0]}, not {sender}")


def convicting_rule(fired: set[str]) -> int:
    """The index of the first convicting rule (identity_policy.yaml) whose signals all fired, -1
    when none did: the message is then scored at least at the malicious threshold
    (detectors/bundle.py)."""
    for i, rule in enumerate(policy().convicting):
        if fired.issuperset(rule.all):
            return i
    return -1


def wording_only(fired: set[str]) -> bool:
    """True when a proven sender with a coherent identity shows no concrete malicious act: the
    verdict may then not convict on wording alone (detectors/bundle.py caps its score)."""
    if "impersonation.identity_coherent" not in fired:
        return False
    return not fired.intersection(policy().concrete_acts)
