"""Rebuild the identity reference files in this folder from their open sources.

    python features/data/identity/build.py                  # rebuild in place
    python features/data/identity/build.py --out /tmp/x    # write elsewhere (the test does this)
    python features/data/identity/build.py --from-debs DIR # first re-extract sources/ from the
                                                           # spamassassin_*.deb and rspamd_*.deb in DIR

Inputs:
  --shared   Sublime Security's static files and the README that names their commit
             (default: ../shared/data beside the repository, i.e. /work/shared/data here)
  --sources  the files extracted from Debian's spamassassin and rspamd packages, with VERSIONS
             naming the package versions (default: sources/ beside this script)
  brand_aliases.yaml beside this script: the curated brand table.

Output is deterministic: sorted, deduplicated, no dates or absolute paths, so a rebuild from the
same inputs reproduces the committed files byte for byte. Curated choices (extra neutral hosts,
exclusions from the trusted senders, the common-word stop list) are the tables below, each entry
with its reason; every exclusion also lands in the header of the file it was dropped from.
"""
from __future__ import annotations

import argparse
import io
import json
import re
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Iterable, Optional

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from features.domains import host_matches, registrable_domain  # noqa: E402

DEFAULT_SHARED = REPO.parent / "shared" / "data"
DEFAULT_SOURCES = HERE / "sources"
SUBLIME_DIR = "sublime-security-static-files"

SUBLIME_LICENCE = "MIT, Copyright 2020 Sublime Security, Inc. (LICENSE.sublime)"
APACHE_LICENCE = "Apache-2.0 (see README.md, NOTICE)"

_HOST_RE = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+"
                      r"(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")

# --- curated tables ---------------------------------------------------------------------------

# Hosts that legitimate mail links to or embeds from and that belong neither to the sender nor to
# a foreign party: ESP click-tracking and sending infrastructure, link-protection rewriters, and
# assets that only their owner can publish. No host where anyone can publish content (user-content
# hosts, object storage, CDNs with self-service free tiers) belongs here: those are free page hosts.
CURATED_NEUTRAL: dict[str, str] = {
    "amazonses.com": "Amazon SES sending infrastructure (Return-Path, DKIM d=amazonses.com)",
    "awstrack.me": "Amazon SES click and open tracking (r.<region>.awstrack.me)",
    "mcsv.net": "Mailchimp sending infrastructure (Return-Path)",
    "mcdlv.net": "Mailchimp sending infrastructure (Return-Path)",
    "sparkpostmail.com": "SparkPost sending and click-tracking infrastructure",
    "spgo.io": "SparkPost click tracking",
    "mailgun.org": "Mailgun sending infrastructure",
    "exacttarget.com": "Salesforce Marketing Cloud click tracking and images (click., image.)",
    "exct.net": "Salesforce Marketing Cloud sending and click tracking",
    "klclick.com": "Klaviyo click tracking",
    "cmail19.com": "Campaign Monitor click tracking (<account>.cmail19.com)",
    "cmail20.com": "Campaign Monitor click tracking (<account>.cmail20.com)",
    "akamaihd.net": "Akamai CDN: contract customers only, no self-service publishing",
    "gstatic.com": "Google's static assets (fonts, logos, images); only Google publishes there",
    "fonts.googleapis.com": "Google Fonts stylesheets embedded by HTML mail",
    "safelinks.protection.outlook.com": "Microsoft Defender Safe Links rewriter (target in url=)",
    "urldefense.com": "Proofpoint URL Defense rewriter (target in the path)",
    "urldefense.proofpoint.com": "Proofpoint URL Defense rewriter (older form)",
    "mimecastprotect.com": "Mimecast URL Protect rewriter",
    "linkprotect.cudasvc.com": "Barracuda Link Protection rewriter",
    "w3.org": "XHTML namespace and DTD URLs in HTML mail, not links a reader follows",
    "schema.org": "Microdata vocabulary URLs in HTML mail, not links a reader follows",
}

# Sublime bulk-mailer roots narrowed to their tracking host, because the root also serves pages
# that anyone can publish.
NEUTRAL_NARROW: dict[str, tuple[str, str]] = {
    "beehiiv.com": ("mail.beehiiv.com", "beehiiv's link tracking (link.mail.beehiiv.com); "
                    "anyone's newsletter site lives at <name>.beehiiv.com"),
}

# Candidates dropped from trusted_senders, with the reason. Free-mail, disposable, neutral and
# URL-shortener domains are dropped by rule (see trusted()); these are the judgement calls.
TRUSTED_EXCLUDE: dict[str, str] = {
    # Platforms that send their customers' mail with customer-named From addresses under the
    # platform's own domain (acme.zendesk.com, member@surveymonkeyuser.com): a pass proves the
    # platform sent it, not which organisation wrote it.
    "zendesk.com": "help-desk tenants send as <tenant>.zendesk.com",
    "zohodesk.com": "help-desk tenants send under zohodesk.com",
    "custhelp.com": "Oracle Service Cloud tenants send as <tenant>.custhelp.com",
    "force.com": "Salesforce Sites / Experience Cloud tenants under force.com",
    "surveymonkeyuser.com": "any SurveyMonkey user's survey invitations",
    "hubspotstarter.net": "shared sending domain of HubSpot Starter customers",
    "getresponse-mail.com": "shared sending domain of GetResponse customers",
    "acemsd1.com": "shared sending domain of ActiveCampaign customers",
    "actsend.com": "shared sending domain of ActiveCampaign customers",
    "atlassian.net": "Jira / Confluence tenants send as <tenant>.atlassian.net (in Sublime's list)",
    "freshdesk.com": "help-desk tenants send as <tenant>.freshdesk.com (in Sublime's list)",
    "amazonaws.com": "any AWS customer's SNS notifications come from sns.amazonaws.com, and "
                     "every customer's hosts are under it (in Sublime's list)",
    "service-now.com": "ServiceNow instances, free developer ones included, send as "
                       "<instance>.service-now.com (in Sublime's list; servicenow.com stays)",
    "statuspage.io": "any Statuspage customer's notices come from statuspage.io (in Sublime's list)",
    "intercom-mail.com": "Intercom customers' messages are sent as <workspace>@intercom-mail.com "
                         "(in Sublime's list)",
    "substack.com": "anyone can start a Substack and mail as <name>@substack.com (in Sublime's list)",
    "googleusercontent.com": "user content host, not an organisation's mail",
    # Rspamd's list is "top visited sites with valid SPF and DKIM", picked by popularity:
    # anonymous boards, adult and piracy sites are not organisations whose mail is trusted.
    "4chan.org": "anonymous image board (Rspamd popularity pick)",
    "porn.com": "adult site (Rspamd popularity pick)",
    "xvideos.com": "adult site (Rspamd popularity pick)",
    "nyaa.se": "piracy tracker (Rspamd popularity pick)",
    "yts.to": "piracy site (Rspamd popularity pick)",
    "zippyshare.com": "anonymous file host, closed in 2023 (Rspamd popularity pick)",
}

# SpamAssassin welcomes a few mailing-list hosts (lists.wisc.edu): reduced to the organisational
# domain they would trust every mailbox of a university or state; they are left out.
_LIST_HOST_RE = re.compile(r"^(?:lists?|listserv)\.")

# Affixes that organisations glue to their name for a marketing-mail domain (krogeremail.com,
# email-allstate.com, dropbox-mktg.com): stripped to find the brand the domain sends for.
_MAIL_SUFFIXES = ("-emails", "-email", "-mail", "-mktg", "emails", "email", "mailings", "mail")
_MAIL_PREFIXES = ("email-", "mail-", "mktg")
MIN_BRAND_LEN = 4

# Labels of trusted senders that are common English words, first names or places, or common
# words in other languages mail is written in (avis, carta, olay): as brand names they would
# match ordinary text, so they do not become brands automatically. A few that
# are worth matching come back through brand_aliases.yaml, flagged body: false.
STOP_WORDS: frozenset[str] = frozenset("""
    alison ally amplitude anthem apache apple army bark barracuda battle beeline bell berries bill
    blackboard blackfriday blogger bodybuilding booking brit build calm cambridge canada cancer
    canon care carolina cars center change charbroil charter chase checkpoint chorus coach columbia
    concur consultant crayon delta deluxe dickies discord discover dish diversified dove e-sign
    economist education elastic enterprise envoy express fanatics fidelity flutter fortune fossil
    grid hallmark highlights hired horoscope hotels house huntington indeed intel intercom jared
    joann journeys kayak lakeside lever levi lids likes loft mail mandy match medium mercer
    messenger meta meteor michigan military minted monday nationwide nest notion officesupply otter
    overdrive overstock paddle passports pilot plaid plexus principal progressive pulley puritan
    quill ramp read regions remind remote research rippling rover sans scholarships scholastic
    secureemailportal senate shape sharp shop signin signup slack sling snowflake softball
    southwest spectrum sprint sprouts square stalker staples stewardship stripe sublime subscribe
    target tenable thumbtack tommy tremendous understood united vine visa vitals vocabulary
    webforms whirlpool windows wish workday works wrangler yammer zoom
    avis avon bebe carta olay rasa rubrik smore soma thanx tobi woot
""".split())

# Labels whose marketing-mail affix is ambiguous ("bucklemail": buckle + mail, not buckl + email).
LABEL_BRAND: dict[str, str] = {"bucklemail": "buckle", "godvinemail": "godvine"}


# --- reading ----------------------------------------------------------------------------------

def _clean_lines(text: str) -> Iterable[str]:
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip().lower()
        if line:
            yield line


def read_hosts(path: Path, dropped: list[tuple[str, str]]) -> set[str]:
    """Hosts listed one a line (comments and blanks skipped); malformed entries go to ``dropped``
    as (file name, entry)."""
    out: set[str] = set()
    for line in _clean_lines(path.read_text(encoding="utf-8")):
        host = line.split()[0].rstrip(".")
        if _HOST_RE.match(host):
            out.add(host)
        else:
            dropped.append((path.name, host))
    return out


def sublime_snapshot(shared: Path) -> str:
    """'commit eb76f52, 2026-08-21' from the shared data README, or 'snapshot of unknown commit'."""
    readme = shared / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.exists() else ""
    m = re.search(r"commit\s+([0-9a-f]{7,40}),\s*(\d{4}-\d{2}-\d{2})", text)
    return f"commit {m.group(1)}, {m.group(2)}" if m else "snapshot of unknown commit"


def read_versions(sources: Path) -> dict[str, str]:
    """Package -> Debian version, from sources/VERSIONS ('package version path' lines)."""
    out: dict[str, str] = {}
    for line in _clean_lines((sources / "VERSIONS").read_text(encoding="utf-8")):
        pkg, version = line.split()[:2]
        out[pkg] = version
    return out


def spamassassin_domains(cf: Path) -> dict[str, str]:
    """Organisational domain -> the pattern it came from, for every (def_)welcomelist_auth and
    (def_)whitelist_auth entry: '*@*.paypal.com' -> paypal.com. List hosts are skipped."""
    out: dict[str, str] = {}
    directive = re.compile(r"^\s*(?:def_)?(?:welcomelist|whitelist)_auth\s+(.+)$")
    for raw in cf.read_text(encoding="utf-8").splitlines():
        m = directive.match(raw.split("#", 1)[0])
        if not m:
            continue
        for pattern in m.group(1).split():
            host = pattern.lower().rsplit("@", 1)[-1]
            while host.startswith(("*.", "*")):
                host = host[2:] if host.startswith("*.") else host[1:]
            if not _HOST_RE.match(host) or _LIST_HOST_RE.match(host):
                continue
            out.setdefault(registrable_domain(host), pattern)
    return out


def rspamd_domains(maps: Iterable[Path]) -> set[str]:
    out: set[str] = set()
    for path in maps:
        for line in _clean_lines(path.read_text(encoding="utf-8")):
            host = line.split()[0].rstrip(".")
            if _HOST_RE.match(host):
                out.add(registrable_domain(host))
    return out


def host_in(host: str, domains: set[str] | frozenset[str]) -> bool:
    return host_matches(host, domains) is not None


# --- writing ----------------------------------------------------------------------------------

def header(title: str, what: list[str], sources: list[str], licence: str,
           notes: Optional[list[str]] = None) -> str:
    lines = [f"# {title}", *(f"# {w}" for w in what),
             "# Built by features/data/identity/build.py from the sources below; do not edit by hand.",
             "# Sources:", *(f"#   {s}" for s in sources), f"# Licence: {licence}"]
    for n in notes or []:
        lines.append(f"# {n}")
    return "\n".join(lines) + "\n"


def write(out: Path, name: str, head: str, body_lines: Iterable[str]) -> None:
    text = head + "".join(f"{line}\n" for line in body_lines)
    (out / name).write_text(text, encoding="utf-8")


def yaml_key(name: str) -> str:
    return json.dumps(name, ensure_ascii=False)


# --- building ---------------------------------------------------------------------------------

class Inputs:
    def __init__(self, shared: Path, sources: Path) -> None:
        self.sub = shared / SUBLIME_DIR
        if not self.sub.is_dir():
            raise SystemExit(f"no {SUBLIME_DIR}/ under {shared}: pass --shared")
        self.dropped: list[tuple[str, str]] = []
        self.snapshot = sublime_snapshot(shared)
        self.versions = read_versions(sources)
        self.sa_cf = sources / "spamassassin" / "60_welcomelist_auth.cf"
        self.rspamd_maps = sorted((sources / "rspamd").glob("*.inc"))

    def sublime(self, *names: str) -> set[str]:
        out: set[str] = set()
        for n in names:
            out |= read_hosts(self.sub / n, self.dropped)
        return out

    def skipped(self, *names: str) -> list[str]:
        """Header notes for the malformed entries of these source files."""
        return [f"skipped, not a host name: {h!r} ({f})" for f, h in sorted(set(self.dropped))
                if f in names]

    def src_sublime(self, *names: str) -> str:
        return f"sublime: Sublime Security static-files ({self.snapshot}): {', '.join(names)} - MIT"

    def src_sa(self) -> str:
        return (f"spamassassin: Apache SpamAssassin 60_welcomelist_auth.cf (def_welcomelist_auth), "
                f"Debian package spamassassin {self.versions['spamassassin']} - Apache-2.0")

    def src_rspamd(self) -> str:
        names = ", ".join(p.name for p in self.rspamd_maps)
        return f"rspamd: Rspamd maps.d/{{{names}}}, Debian package rspamd {self.versions['rspamd']} - Apache-2.0"


def brand_name(label: str, labels: frozenset[str] = frozenset()) -> Optional[str]:
    """The brand a domain label sends for: the label less a marketing-mail affix (preferring a
    reading that is another trusted label: researchgatemail -> researchgate), when that leaves a
    distinctive name (>= 4 characters, a letter in it, not a stop word); else None. A label whose
    affix leaves too short a name (email-od, mail-zr) names no brand."""
    cands: list[str] = []
    for p in _MAIL_PREFIXES:
        if label.startswith(p):
            cands.append(label[len(p):])
    for s in _MAIL_SUFFIXES:
        if label.endswith(s):
            cands.append(label[: -len(s)])
    for p in ("email", "mail"):                 # emailconed -> coned, only onto a known label
        if label.startswith(p) and label[len(p):] in labels:
            cands.append(label[len(p):])
    cands = [c.strip("-") for c in cands]
    if label in LABEL_BRAND:
        name = LABEL_BRAND[label]
    elif any(c in labels for c in cands):
        name = next(c for c in cands if c in labels)
    elif cands:
        name = max(cands, key=len) if all(len(c) < MIN_BRAND_LEN for c in cands) else \
            next(c for c in cands if len(c) >= MIN_BRAND_LEN)
    else:
        name = label
    if len(name) < MIN_BRAND_LEN or not re.search(r"[a-z]", name) or name in STOP_WORDS:
        return None
    return name


def compact(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name)


_RESERVED = ("example.com", "example.net", "example.org")
_RESERVED_TLDS = (".example", ".test", ".invalid", ".localhost")


def _reserved(domain: str) -> bool:
    d = domain.lower().rstrip(".")
    return d in _RESERVED or any(d.endswith("." + r) for r in _RESERVED) or \
        d.endswith(_RESERVED_TLDS) or d in {r[1:] for r in _RESERVED_TLDS}


def build(shared: Path, sources: Path, out: Path, aliases_path: Path) -> dict[str, int]:
    inp = Inputs(shared, sources)
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}

    # -- plain host lists --
    # Reserved names (RFC 2606 / RFC 6761) are nobody's mail provider; Sublime's list carries some.
    freemail = {d for d in inp.sublime("free_email_providers.txt") if not _reserved(d)}
    disposable = {d for d in inp.sublime("disposable_email_providers.txt") if not _reserved(d)}
    page_files = ("free_file_hosts.txt", "free_subdomain_hosts.txt",
                  "self_service_creation_platform_domains.txt", "social_landing_hosts.txt")
    free_pages = inp.sublime(*page_files)
    shorteners = inp.sublime("url_shorteners.txt")
    replyto_files = ("replyto_service_domains.txt", "email_forwarding_domains.txt")
    replyto = inp.sublime(*replyto_files)
    hosts_note = ["One host a line, lower-case, sorted; a host matches itself and its subdomains",
                  "(features.reference.host_in). Entries are hosts as listed, not reduced to "
                  "organisational domains."]
    simple = [
        ("freemail.txt", "free-mail providers: anyone can get a mailbox there (includes the "
         "disposable ones)", ("free_email_providers.txt",), freemail),
        ("disposable.txt", "disposable (throw-away) mailbox providers",
         ("disposable_email_providers.txt",), disposable),
        ("free_page_hosts.txt", "hosts where anyone can publish a page or file (where credential "
         "forms are parked)", page_files, free_pages),
        ("url_shorteners.txt", "URL shorteners anyone can use", ("url_shorteners.txt",), shorteners),
        ("replyto_services.txt", "services that legitimately put another domain in Reply-To, "
         "or forward mail", replyto_files, replyto),
    ]
    for name, what, files, hosts in simple:
        write(out, name, header(name, [what, *hosts_note], [inp.src_sublime(*files)], SUBLIME_LICENCE,
                                inp.skipped(*files)),
              sorted(hosts))
        counts[name] = len(hosts)

    # -- neutral link hosts --
    neutral: dict[str, str] = {}
    for h in inp.sublime("bulk_mailer_url_root_domains.txt"):
        if h in NEUTRAL_NARROW:
            narrow, why = NEUTRAL_NARROW[h]
            neutral[narrow] = f"sublime ({h}), narrowed: {why}"
        else:
            neutral[h] = "sublime"
    for h, why in CURATED_NEUTRAL.items():
        neutral.setdefault(h, f"curated: {why}")
    neutral_notes: list[str] = []
    for h in sorted(neutral):
        clash = host_in(h, free_pages) or any(host_in(p, {h}) for p in free_pages)
        if clash or h in freemail:
            neutral_notes.append(f"dropped: {h} (also a free page host or free-mail domain)")
            del neutral[h]
    write(out, "neutral_link_hosts.txt",
          header("neutral_link_hosts.txt",
                 ["hosts whose links are neither the sender's nor foreign: ESP click tracking and",
                  "sending infrastructure, link-protection rewriters, owner-only asset hosts.",
                  "Never a host where anyone can publish. Each line says where it came from.",
                  *hosts_note],
                 [inp.src_sublime("bulk_mailer_url_root_domains.txt") +
                  " (NEUTRAL_NARROW in build.py narrows a root that also hosts pages)",
                  "curated: CURATED_NEUTRAL in build.py, reason on each line"],
                 SUBLIME_LICENCE + "; curated lines: this project's own", neutral_notes),
          (f"{h}  # {neutral[h]}" for h in sorted(neutral)))
    counts["neutral_link_hosts.txt"] = len(neutral)

    # -- trusted senders --
    tags: dict[str, set[str]] = {}
    for h in inp.sublime("high_trust_sender_root_domains.txt"):
        tags.setdefault(registrable_domain(h), set()).add("sublime")
    for d in spamassassin_domains(inp.sa_cf):
        tags.setdefault(d, set()).add("spamassassin")
    for d in rspamd_domains(inp.rspamd_maps):
        tags.setdefault(d, set()).add("rspamd")
    order = ("sublime", "spamassassin", "rspamd")
    excluded: list[str] = []
    for d in sorted(tags):
        src = ",".join(t for t in order if t in tags[d])
        if host_in(d, freemail) or host_in(d, disposable):
            why = "free-mail or disposable mailbox domain"
        elif host_in(d, set(neutral)):
            why = "ESP / neutral infrastructure host, not an organisation's identity"
        elif d in shorteners:
            why = "URL shortener"
        elif d in TRUSTED_EXCLUDE:
            why = TRUSTED_EXCLUDE[d]
        else:
            continue
        excluded.append(f"excluded: {d} [{src}] - {why}")
        del tags[d]
    trusted_lines = [f"{d}  # {','.join(t for t in order if t in tags[d])}" for d in sorted(tags)]
    write(out, "trusted_senders.txt",
          header("trusted_senders.txt",
                 ["organisations whose authenticated (DMARC- or DKIM-aligned) mail is trusted: one",
                  "organisational domain a line (Public Suffix List via features.domains."
                  "registrable_domain),",
                  "tagged with the lists that name it. Trusted means 'proven to be this "
                  "organisation', not 'harmless'."],
                 [inp.src_sublime("high_trust_sender_root_domains.txt"), inp.src_sa(), inp.src_rspamd()],
                 f"{SUBLIME_LICENCE}; spamassassin and rspamd entries {APACHE_LICENCE}",
                 ["SpamAssassin mailing-list hosts (lists.*, listserv.*) are left out: reduced to an "
                  "organisational domain",
                  "they would trust every mailbox of a university or state.", *excluded]),
          trusted_lines)
    counts["trusted_senders.txt"] = len(trusted_lines)
    trusted = set(tags)

    # -- popular domains --
    seen: set[str] = set()
    popular: list[str] = []
    skipped_rows: list[str] = []
    for row in (inp.sub / "tranco_top_10k.csv").read_text(encoding="utf-8").splitlines():
        rank, _, dom = row.strip().partition(",")
        dom = dom.strip().lower().rstrip(".")
        if not rank.strip().isdigit() or not _HOST_RE.match(dom):
            skipped_rows.append(f"skipped, not a ranked host name: {row.strip()!r}")
            continue
        reg = registrable_domain(dom)
        if reg in seen:
            continue
        seen.add(reg)
        popular.append(f"{int(rank)} {reg}")
    write(out, "popular_domains.txt",
          header("popular_domains.txt",
                 ["the most popular registrable domains: 'rank domain', in rank order; a domain that",
                  "reduces to an organisational domain already listed keeps the better rank only."],
                 [inp.src_sublime("tranco_top_10k.csv") + " (the Tranco ranking, as Sublime ships it)"],
                 SUBLIME_LICENCE, skipped_rows),
          popular)
    counts["popular_domains.txt"] = len(popular)

    # -- brands --
    brands, brand_notes = build_brands(trusted, aliases_path, freemail | disposable, free_pages,
                                       set(neutral))
    lines = [f"{yaml_key(n)}: {{domains: [{', '.join(b['domains'])}], body: {str(b['body']).lower()}}}"
             for n, b in sorted(brands.items())]
    head = header("brands.yaml",
                  ["brand name as people write it (lower-case) -> the organisational domains that",
                   "legitimately send for it. Shape, one brand a line:",
                   '  "name": {domains: [org.example, ...], body: true|false}',
                   "body: false marks names that are also common words (apple, chase, target): match",
                   "them only in the sender's display name and the subject, never in body text.",
                   "Automatic brands: every trusted sender whose label is distinctive (>= 4 characters,",
                   "not in build.py's STOP_WORDS; marketing-mail affixes such as 'email' stripped),",
                   "grouped over suffixes; then brand_aliases.yaml merged in. A domain that is a",
                   "free-mail, disposable or neutral host is never a brand domain; a free page host",
                   "only for the platform's own brand (dropbox -> dropbox.com)."],
                  [inp.src_sublime("high_trust_sender_root_domains.txt"), inp.src_sa(), inp.src_rspamd(),
                   "curated: brand_aliases.yaml"],
                  f"{SUBLIME_LICENCE}; spamassassin and rspamd entries {APACHE_LICENCE}",
                  brand_notes)
    (out / "brands.yaml").write_text(head + "".join(f"{x}\n" for x in lines), encoding="utf-8")
    check = yaml.safe_load((out / "brands.yaml").read_text(encoding="utf-8"))
    if check != brands:
        raise SystemExit("brands.yaml does not read back as written")
    counts["brands.yaml"] = len(brands)
    return counts


def build_brands(trusted: set[str], aliases_path: Path, mailboxes: set[str], free_pages: set[str],
                 neutral: set[str]) -> tuple[dict[str, dict], list[str]]:
    """Name -> {'domains': sorted list, 'body': bool}, and notes on what was dropped."""
    auto: dict[str, set[str]] = {}
    labels = frozenset(d.partition(".")[0] for d in trusted)
    for d in sorted(trusted):
        name = brand_name(d.partition(".")[0], labels)
        if name:
            auto.setdefault(name, set()).add(d)
    aliases = yaml.safe_load(aliases_path.read_text(encoding="utf-8")) or {}
    brands: dict[str, dict] = {n: {"domains": set(ds), "body": True} for n, ds in auto.items()}
    for raw_name, spec in aliases.items():
        name = str(raw_name).strip().lower()
        spec = spec or {}
        unknown = set(spec) - {"domains", "same_as", "body"}
        if unknown:
            raise SystemExit(f"brand_aliases.yaml: {name}: unknown keys {sorted(unknown)}")
        entry = brands.setdefault(name, {"domains": set(), "body": True})
        for d in spec.get("domains") or []:
            host = str(d).strip().lower()
            if not _HOST_RE.match(host):
                raise SystemExit(f"brand_aliases.yaml: {name}: {host!r} is not a domain")
            entry["domains"].add(registrable_domain(host))
        if "body" in spec:
            entry["body"] = bool(spec["body"])
    for raw_name, spec in aliases.items():        # same_as after every brand is merged
        target = (spec or {}).get("same_as")
        if target is None:
            continue
        target = str(target).strip().lower()
        if target not in brands or (aliases.get(target) or {}).get("same_as"):
            raise SystemExit(f"brand_aliases.yaml: {raw_name}: same_as {target!r} is not a brand "
                             "with its own domains")
        brands[str(raw_name).strip().lower()]["domains"] |= brands[target]["domains"]
    # Spellings of one name share their domains: "wells fargo" and the label "wellsfargo".
    spellings: dict[str, set[str]] = {}
    for name in brands:
        spellings.setdefault(compact(name), set()).update(brands[name]["domains"])
    for name in brands:
        brands[name]["domains"] |= spellings[compact(name)]
    notes: list[str] = []
    out: dict[str, dict] = {}
    for name in sorted(brands):
        keep = []
        for d in sorted(brands[name]["domains"]):
            if host_in(d, mailboxes):
                notes.append(f"dropped: {name} -> {d} (free-mail or disposable)")
            elif host_in(d, neutral):
                notes.append(f"dropped: {name} -> {d} (neutral infrastructure host)")
            elif host_in(d, free_pages) and d.partition(".")[0] != compact(name):
                notes.append(f"dropped: {name} -> {d} (free page host of another brand)")
            else:
                keep.append(d)
        if keep:
            out[name] = {"domains": keep, "body": brands[name]["body"]}
        else:
            notes.append(f"dropped: {name} (no domain left)")
    return out, notes


# --- refreshing sources/ from Debian packages -------------------------------------------------

DEB_FILES = {
    "spamassassin": {"usr/share/spamassassin/60_welcomelist_auth.cf": "spamassassin/60_welcomelist_auth.cf",
                     "usr/share/doc/spamassassin/NOTICE": "spamassassin/NOTICE"},
    "rspamd": {"etc/rspamd/maps.d/dmarc_whitelist.inc": "rspamd/dmarc_whitelist.inc",
               "etc/rspamd/maps.d/spf_dkim_whitelist.inc": "rspamd/spf_dkim_whitelist.inc",
               "etc/rspamd/maps.d/dkim_whitelist.inc": "rspamd/dkim_whitelist.inc"},
}


def refresh_from_debs(debs: Path, sources: Path) -> None:
    """Extract the vendored inputs from spamassassin_*.deb and rspamd_*.deb (``apt-get download
    spamassassin rspamd``) into ``sources`` and record the package versions in VERSIONS."""
    lines = ["# Debian packages the files in this folder were extracted from (build.py --from-debs):",
             "# package version path-in-package"]
    for pkg, wanted in DEB_FILES.items():
        found = sorted(debs.glob(f"{pkg}_*.deb"))
        if not found:
            raise SystemExit(f"no {pkg}_*.deb in {debs}")
        deb = found[-1]
        version = subprocess.run(["dpkg-deb", "-f", str(deb), "Version"], check=True,
                                 capture_output=True, text=True).stdout.strip()
        tar_bytes = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(deb)], check=True,
                                   capture_output=True).stdout
        with tarfile.open(fileobj=io.BytesIO(tar_bytes)) as tar:
            members = {m.name.lstrip("./"): m for m in tar.getmembers() if m.isfile()}
            for inner, dest in wanted.items():
                m = members.get(inner)
                if m is None:
                    lines.append(f"# {pkg} {version} lacks {inner}")
                    continue
                target = sources / dest
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(tar.extractfile(m).read())
                lines.append(f"{pkg} {version} {inner}")
    (sources / "VERSIONS").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED,
                    help="folder holding sublime-security-static-files/ and its README.md")
    ap.add_argument("--sources", type=Path, default=DEFAULT_SOURCES,
                    help="extracted Debian inputs and VERSIONS")
    ap.add_argument("--aliases", type=Path, default=HERE / "brand_aliases.yaml")
    ap.add_argument("--out", type=Path, default=HERE, help="where to write (default: this folder)")
    ap.add_argument("--from-debs", type=Path, default=None,
                    help="first re-extract --sources from the .deb files in this folder")
    args = ap.parse_args(argv)
    if args.from_debs is not None:
        refresh_from_debs(args.from_debs, args.sources)
    counts = build(args.shared, args.sources, args.out, args.aliases)
    for name, n in counts.items():
        print(f"{name}: {n} entries")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
