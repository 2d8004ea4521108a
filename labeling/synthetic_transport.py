"""How a synthetic message travels: sending platform and client, SPF/DKIM/DMARC outcome, envelope, Received
chain, Authentication-Results, DKIM signatures, Message-IDs and the header order each client writes.

Header shapes follow the platform and client, never the kind of message, so header names alone do not
say "attack".
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Optional

from labeling.synthetic_data import load
from labeling.synthetic_values import (_ALNUM, _alnum, _B64, _biz_domain, _chance, _digits, _hex, _HOSTING_COS, _ip,
                                       _ipv6, _local, _pick, _private_ip, _uuid, _weighted, FREEMAIL, ORG)

_PLATFORMS = load("mail_platforms")


# ================================================================================ senders and transport

_PROVIDERS = _PLATFORMS["provider_domains"]     # free-mail domains by the platform that hosts them
_GOOGLE_FREE: tuple[str, ...] = _PROVIDERS["google"]
_MS_FREE: tuple[str, ...] = _PROVIDERS["microsoft"]
_YAHOO: tuple[str, ...] = _PROVIDERS["yahoo"]
_ISP: tuple[str, ...] = _PROVIDERS["isp"]


@dataclass
class _Sender:
    display: str
    addr: str
    platform: str        # google microsoft onprem yahoo icloud isp hosting php postfix esp
    client: str          # gmail owa outlook outlook-smtp iphone applemail thunderbird roundcube yahoo webmail
    #                      phpmailer esp none
    auth: tuple          # (spf, dkim, dmarc)
    envelope: str
    dkim_domain: str     # '' when the message is not signed
    helo: str = ""
    ip: str = ""
    esp: str = ""
    internal: bool = False

    @property
    def domain(self) -> str:
        return self.addr.rsplit("@", 1)[-1].lower()


def _platform(rng: random.Random, domain: str, who: str) -> str:
    if domain in _GOOGLE_FREE:
        return "google"
    if domain in _MS_FREE:
        return "microsoft"
    if domain in _YAHOO:
        return "yahoo"
    if domain == "icloud.com":
        return "icloud"
    if domain in _ISP:
        return "isp"
    return _weighted(rng, {
        "org": [("google", 4), ("microsoft", 5), ("onprem", 1)],
        "vendor": [("microsoft", 4), ("google", 3), ("onprem", 1), ("hosting", 1), ("postfix", 1)],
        "vendor_system": [("esp", 4), ("php", 3), ("postfix", 2), ("microsoft", 1)],
        "brand": [("esp", 7), ("postfix", 3)],
        "lookalike": [("microsoft", 35), ("google", 25), ("hosting", 25), ("postfix", 15)],
        "compromised": [("hosting", 5), ("microsoft", 3), ("google", 2)],
        "bulk": [("php", 35), ("esp", 30), ("postfix", 20), ("hosting", 15)],
        "spoof": [("postfix", 4), ("php", 3), ("hosting", 3)],
        "partner": [("microsoft", 4), ("google", 4), ("hosting", 1), ("postfix", 1)],
    }[who])


def _client(rng: random.Random, platform: str) -> str:
    return _weighted(rng, {
        "google": [("gmail", 75), ("iphone", 20), ("thunderbird", 5)],
        "microsoft": [("outlook", 45), ("owa", 30), ("iphone", 20), ("applemail", 5)],
        "onprem": [("outlook", 85), ("iphone", 15)],
        "yahoo": [("yahoo", 80), ("iphone", 20)],
        "icloud": [("iphone", 60), ("applemail", 40)],
        "isp": [("webmail", 70), ("thunderbird", 15), ("iphone", 15)],
        "hosting": [("roundcube", 45), ("outlook-smtp", 25), ("thunderbird", 15), ("iphone", 10), ("none", 5)],
        "postfix": [("thunderbird", 25), ("outlook-smtp", 25), ("none", 30), ("roundcube", 20)],
        "php": [("phpmailer", 80), ("none", 20)],
        "esp": [("esp", 1)],
    }[platform])


def _auth(rng: random.Random, who: str) -> tuple:
    if who in ("org", "brand", "freemail"):
        return _weighted(rng, [(("pass", "pass", "pass"), 86), (("softfail", "pass", "pass"), 4),
                               (("neutral", "pass", "pass"), 2), (("pass", "none", "none"), 3),
                               (("pass", "pass", "none"), 4), (("pass", "fail", "pass"), 1)])
    if who in ("vendor", "partner", "vendor_system"):       # smaller businesses: DKIM and DMARC often missing
        return _weighted(rng, [(("pass", "pass", "pass"), 70), (("softfail", "pass", "pass"), 3),
                               (("neutral", "none", "none"), 2), (("pass", "none", "none"), 14),
                               (("pass", "pass", "none"), 9), (("pass", "fail", "pass"), 2)])
    if who == "lookalike":
        return _weighted(rng, [(("pass", "pass", "pass"), 50), (("pass", "none", "none"), 20),
                               (("pass", "pass", "none"), 15), (("softfail", "none", "none"), 5),
                               (("neutral", "none", "none"), 3), (("none", "none", "none"), 4),
                               (("fail", "none", "fail"), 3)])
    if who == "compromised":
        return _weighted(rng, [(("pass", "pass", "pass"), 75), (("pass", "none", "none"), 15),
                               (("pass", "pass", "none"), 10)])
    if who == "bulk":
        return _weighted(rng, [(("pass", "pass", "none"), 30), (("pass", "none", "none"), 30),
                               (("pass", "pass", "pass"), 15), (("pass", "none", "fail"), 10),
                               (("softfail", "none", "fail"), 8), (("none", "none", "none"), 7)])
    # spoof: the From domain is not the sender's
    return _weighted(rng, [(("fail", "none", "fail"), 40), (("softfail", "none", "fail"), 30),
                           (("softfail", "fail", "fail"), 10), (("none", "none", "fail"), 10),
                           (("fail", "fail", "fail"), 10)])


_ESPS: list[str] = _PLATFORMS["esps"]


def _outbound(rng: random.Random, s: _Sender) -> None:
    """The host and IP that handed the message to the organisation's gateway."""
    dom, p = s.domain, s.platform
    if p == "google":
        pool = _pick(rng, ["wr1", "wm1", "ej1", "lf1", "pl1", "qk1", "yb1", "io1", "oi1", "ot1", "pj1", "ed1", "qt1",
                           "vs1"])
        s.helo = f"mail-{pool}-f{rng.randint(41, 199)}.google.com"
        s.ip = f"209.85.{rng.randint(128, 255)}.{rng.randint(1, 254)}"
    elif p == "microsoft":
        region = _pick(rng, ["eur05", "eur02", "eur03", "nam11", "nam12", "nam10", "nam04", "apc01", "gbr01", "bra01"])
        consumer = dom in _MS_FREE
        s.helo = f"mail-{_pick(rng, ['am6', 'db8', 'he1', 'dm6', 'bn8', 'co1', 'sn1', 'ch2', 'lo2', 'cp2'])}{region}" \
                 f"{'olkn' if consumer else 'on'}{rng.randint(2000, 2199)}.outbound.protection.outlook.com"
        s.ip = (f"{_pick(rng, ['40.92', '40.107', '40.93', '52.100', '52.101', '52.103'])}.{rng.randint(0, 255)}."
                f"{rng.randint(1, 254)}")
    elif p == "onprem":
        s.helo = f"{_pick(rng, ['mail', 'smtp', 'mx01', 'owa', 'relay'])}.{dom}"
        s.ip = _ip(rng)
    elif p == "yahoo":
        s.helo = (f"sonic{rng.randint(300, 330)}-{rng.randint(1, 60)}.consmr.mail."
                  f"{_pick(rng, ['ne1', 'bf2', 'gq1', 'ir2'])}.yahoo.com")
        s.ip = f"{_pick(rng, ['66.163', '74.6', '98.137', '77.238'])}.{rng.randint(128, 255)}.{rng.randint(1, 254)}"
    elif p == "icloud":
        s.helo = f"st43p00im-{_alnum(rng, 6, 'abcdefghijklmnopqrstuvwxyz0123456789')}{rng.randint(10, 99)}.me.com"
        s.ip = f"17.58.{rng.randint(0, 63)}.{rng.randint(1, 254)}"
    elif p == "isp":
        s.helo = {"gmx.de": "mout.gmx.net", "gmx.net": "mout.gmx.net", "gmx.com": "mout.gmx.com",
                  "web.de": "mout.web.de", "t-online.de": f"mailout{rng.randint(1, 12)}.t-online.de",
                  "mail.com": "mout.mail.com", "protonmail.com": f"mail-{rng.randint(10, 40)}.protonmail.ch"}.get(
            dom, f"{_pick(rng, ['smtp', 'smtp-out', 'mta', 'relay'])}{rng.randint(1, 30)}.{dom}")
        s.ip = _ip(rng)
    elif p in ("hosting", "php"):
        s.helo = (f"{_pick(rng, ['server', 'host', 'cp', 'box', 'web', 's', 'srv'])}{rng.randint(10, 999)}."
                  f"{_pick(rng, _HOSTING_COS)}")
        s.ip = _ip(rng)
    elif p == "postfix":
        s.helo = f"{_pick(rng, ['mail', 'smtp', 'mx', 'mta', 'out'])}.{dom}" if _chance(rng, 0.6) else \
            f"vps{rng.randint(1000, 99999)}.{_pick(rng, _HOSTING_COS)}"
        s.ip = _ip(rng)
    else:
        s.esp = s.esp or _pick(rng, _ESPS)
        s.helo, s.ip = {
            "sendgrid": (f"o{rng.randint(1, 20)}.ptr{rng.randint(1000, 9999)}."
                         f"{_pick(rng, ['em', 'e', 'mail', 'email'])}.{dom}",
                         f"{_pick(rng, ['149.72', '167.89', '168.245'])}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"),
            "ses": (f"a{rng.randint(8, 80)}-{rng.randint(1, 250)}.smtp-out."
                    f"{_pick(rng, ['us-west-2', 'us-east-1', 'eu-west-1', 'eu-central-1'])}.amazonses.com",
                    f"{_pick(rng, ['54.240', '23.251', '69.169'])}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"),
            "mailgun": (f"m{rng.randint(10, 250)}-{rng.randint(1, 200)}.mailgun.net",
                        f"{_pick(rng, ['159.135', '198.61', '166.78'])}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"),
            "sfmc": (f"mta{rng.randint(1, 9)}.{_pick(rng, ['e', 'em', 'email', 'mail'])}.{dom}",
                     f"13.111.{rng.randint(0, 255)}.{rng.randint(1, 254)}"),
            "mailchimp": (f"mail{rng.randint(10, 200)}.suw{rng.randint(10, 99)}.mcsv.net",
                          f"198.2.{rng.randint(128, 191)}.{rng.randint(1, 254)}"),
            "sparkpost": (f"mta-{rng.randint(10, 250)}-{rng.randint(1, 99)}.sparkpostmail.com",
                          f"192.174.{rng.randint(80, 95)}.{rng.randint(1, 254)}"),
        }[s.esp]


def _envelope(rng: random.Random, s: _Sender, who: str) -> str:
    dom = s.domain
    if s.platform == "esp":
        return {"sendgrid": f"bounces+{rng.randint(1000000, 9999999)}-{_hex(rng, 4)}=example.com@em"
                            f"{rng.randint(100, 9999)}.{dom}",
                "ses": f"0100018{_hex(rng, 9)}-{_hex(rng, 8)}-{_hex(rng, 4)}-000000@"
                       f"{_pick(rng, ['amazonses.com', 'bounce.' + dom])}",
                "mailgun": f"bounce+{_hex(rng, 6)}.{_hex(rng, 6)}@mg.{dom}",
                "sfmc": f"bounce-{rng.randint(10, 99)}_HTML-{rng.randint(10 ** 8, 10 ** 9)}-{rng.randint(1000, 9999)}"
                        f"@bounce.{_pick(rng, ['e', 'em', 'email'])}.{dom}",
                "mailchimp": f"bounce-mc.us{rng.randint(1, 21)}_{rng.randint(10 ** 7, 10 ** 8)}."
                             f"{rng.randint(10 ** 6, 10 ** 7)}-alice=example.com@mail{rng.randint(10, 200)}.suw"
                             f"{rng.randint(10, 99)}.mcdlv.net",
                "sparkpost": f"msprvs1={_alnum(rng, 16)}=bounces-{rng.randint(10000, 99999)}@sparkpostmail"
                             f"{rng.randint(1, 3)}.com"}[s.esp]
    if s.platform == "php" or (who == "bulk" and _chance(rng, 0.5)):
        user = _pick(rng, ["www-data", "apache", "nobody", "cpanel", _alnum(rng, 7, "abcdefghijklmnopqrstuvwxyz")])
        return f"{user}@{s.helo}"
    if who == "spoof":
        return (f"{_pick(rng, ['info', 'admin', 'mail', 'user', 'noreply'])}{rng.randint(1, 99)}@"
                f"{_biz_domain(rng, 'en') if _chance(rng, 0.6) else s.helo}")
    return s.addr


def _sender(rng: random.Random, display: str, addr: str, who: str, auth: Optional[tuple] = None,
            platform: Optional[str] = None, client: Optional[str] = None, internal: bool = False,
            esp: str = "") -> _Sender:
    """A sender: platform and client from the domain and who is sending; authentication and envelope
    as they would really look."""
    dom = addr.rsplit("@", 1)[-1].lower()
    who_auth = "freemail" if who == "freemail" else who
    plat = platform or _platform(rng, dom, who if who != "freemail" else "partner")
    s = _Sender(display, addr, plat, client or _client(rng, plat), auth or _auth(rng, who_auth), addr, "",
                esp=esp, internal=internal)
    _outbound(rng, s)
    s.envelope = _envelope(rng, s, who)
    spf, dkim, dmarc = s.auth
    if dkim != "none":
        if s.platform == "esp" and _chance(rng, 0.3):
            s.dkim_domain = {"sendgrid": "sendgrid.info", "ses": "amazonses.com", "mailgun": "mailgun.org",
                             "sfmc": dom, "mailchimp": "mcsv.net", "sparkpost": "sparkpostmail.com"}[s.esp]
        elif s.platform == "microsoft" and who in ("lookalike", "bulk") and _chance(rng, 0.4):
            s.dkim_domain = (f"{_local(dom.split('.')[0]).replace('.', '')}"
                             f"{rng.randint(1, 99) if _chance(rng, 0.4) else ''}.onmicrosoft.com")
        elif s.platform in ("php", "hosting") and who == "bulk":
            s.dkim_domain = s.helo.split(".", 1)[1]
        else:
            s.dkim_domain = dom
    return s


def _freemail_sender(rng: random.Random, display: str, local: str, lang: str, who: str = "freemail",
                     domain: Optional[str] = None) -> _Sender:
    domain = domain or _pick(rng, FREEMAIL[lang])
    return _sender(rng, display, f"{local}@{domain}", "freemail" if who == "freemail" else who)


# -------------------------------------------------------------------------------- trace headers

def _hdate(dt: datetime) -> str:
    return format_datetime(dt)


def _received_sender_side(rng: random.Random, s: _Sender, rcpt: str, t: datetime) -> list[str]:
    """Older hops inside the sender's platform, oldest last (as they appear top-down)."""
    dom, p = s.domain, s.platform
    d = _hdate(t)
    if p == "google":
        return [f"by 2002:a05:{_hex(rng, 4)}:{_hex(rng, 4)}:b0:{_hex(rng, 3)}:{_hex(rng, 4)}:{_hex(rng, 4)} with SMTP "
                f"id "
                f"{_alnum(rng, 2, 'abcdefghijklmnopqrstuvwxyz')}{rng.randint(10, 99)}csp{rng.randint(100000, 9999999)}"
                f"{_alnum(rng, 3, 'abcdefghijklmnopqrstuvwxyz')}; {d}"]
    if p == "microsoft":
        mbx = _pick(rng, ["PH0PR11", "BN9PR03", "DM6PR12", "AM6PR02", "DB9PR04", "VI1PR08", "SA1PR10", "CH3PR15",
                          "PAXPR07"])
        mbx = f"{mbx}MB{rng.randint(1000, 9999)}"
        reg = _pick(rng, ["namprd11", "namprd03", "eurprd02", "eurprd04", "namprd15", "eurprd07"])
        return [f"from {mbx}.{reg}.prod.outlook.com "
                f"([fe80::{_hex(rng, 4)}:{_hex(rng, 4)}:{_hex(rng, 4)}:{_hex(rng, 4)}]) "
                f"by {mbx}.{reg}.prod.outlook.com "
                f"([fe80::{_hex(rng, 4)}:{_hex(rng, 4)}:{_hex(rng, 4)}:{_hex(rng, 4)}%{rng.randint(3, 7)}]) "
                f"with mapi id 15.20.{rng.randint(7000, 8300)}.{rng.randint(1, 40):03d}; {d}",
                f"from {mbx}.{reg}.prod.outlook.com (2603:10b6:{_hex(rng, 3)}:{_hex(rng, 2)}::{_hex(rng, 2)}) by "
                f"{_pick(rng, ['SN7PR', 'MW4PR', 'AS8PR'])}{rng.randint(10, 99)}MB{rng.randint(1000, 9999)}.{reg}"
                f".prod.outlook.com "
                f"(2603:10b6:{_hex(rng, 3)}:{_hex(rng, 2)}::{_hex(rng, 2)}) with Microsoft SMTP Server "
                f"(version=TLS1_2, "
                f"cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id "
                f"15.20.{rng.randint(7000, 8300)}.{rng.randint(1, 40)}; {d}"]
    if p == "onprem":
        a, b = rng.randint(1, 4), rng.randint(1, 4)
        return [f"from EXCH0{a}.corp.{dom} (10.{rng.randint(0, 60)}.{rng.randint(0, 255)}.{rng.randint(2, 250)}) by "
                f"EXCH0{b}.corp.{dom} (10.{rng.randint(0, 60)}.{rng.randint(0, 255)}.{rng.randint(2, 250)}) with "
                f"Microsoft SMTP "
                f"Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id "
                f"15.2.{rng.randint(1118, 1544)}.{rng.randint(1, 40)}; {d}",
                f"from EXCH0{a}.corp.{dom} ([fe80::{_hex(rng, 4)}:{_hex(rng, 4)}:{_hex(rng, 4)}:{_hex(rng, 4)}]) by "
                f"EXCH0{a}.corp.{dom} "
                f"([fe80::{_hex(rng, 4)}:{_hex(rng, 4)}:{_hex(rng, 4)}:{_hex(rng, 4)}%{rng.randint(10, 14)}]) with "
                f"mapi id "
                f"15.02.{rng.randint(1118, 1544)}.{rng.randint(1, 40):03d}; {d}"]
    if p == "yahoo":
        return [f"from {_ip(rng)} by {s.helo} with HTTP; {d}"]
    if p == "icloud":
        return [f"from smtpclient.apple (unknown [{_ip(rng)}]) by {s.helo} (Postfix) with ESMTPSA id "
                f"{_hex(rng, 10, True)} for <{rcpt}>; {d}"]
    if p == "isp":
        return [f"from [{_private_ip(rng)}] ([{_ip(rng)}]) by web-mail.{dom} "
                f"({_pick(rng, ['3c-app-gmx-bap', 'webmail', 'mail-web'])}{rng.randint(1, 80)}) with HTTP; {d}",
                f"from [{_private_ip(rng)}] by {s.helo} (mrgmx{rng.randint(100, 199)}) with ESMTPSA (Nemesis) id "
                f"1M{_alnum(rng, 6)}-1r{_alnum(rng, 8)}; {d}"]
    exim_id = (f"1r{_alnum(rng, 4)}-{rng.randint(0, 9)}"
               f"{_alnum(rng, 4, '0123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz')}-{_alnum(rng, 2)}")
    if p == "hosting":
        return [f"from [{_ip(rng)}] (port={rng.randint(1024, 65000)} helo=[{_private_ip(rng)}]) by {s.helo} with "
                f"esmtpsa "
                f"(TLS1.2) tls TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (Exim 4.9{rng.randint(5, 7)}.{rng.randint(0, 2)}) "
                f"(envelope-from <{s.envelope}>) id {exim_id} for {rcpt}; {d}"]
    if p == "php":
        return [f"from {s.envelope.split('@')[0]} by {s.helo} with local (Exim 4.9{rng.randint(5, 7)}) "
                f"(envelope-from <{s.envelope}>) id {exim_id}; {d}",
                f"from localhost (localhost [127.0.0.1]) by {s.helo} (Postfix) with ESMTP id "
                f"{_hex(rng, 10, True)}; {d}"]
    if p == "postfix":
        return [f"from [{_private_ip(rng)}] (unknown [{_ip(rng)}]) by {s.helo} (Postfix) with ESMTPSA id "
                f"{_alnum(rng, 11, 'BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789')} for <{rcpt}>; {d}",
                f"from localhost (localhost [127.0.0.1]) by {s.helo} (Postfix) with ESMTP id "
                f"{_hex(rng, 10, True)}; {d}"]
    # esp
    return [f"by {_pick(rng, ['filterdrecv', 'recvd-mta', 'smtpout', 'mta-out'])}-{rng.randint(10, 99)}-"
            f"{_alnum(rng, 5, 'abcdefghijklmnopqrstuvwxyz0123456789')} "
            f"with SMTP id {_alnum(rng, 22)}-1 {d}",
            f"from {_alnum(rng, 10, 'abcdefghijklmnopqrstuvwxyz0123456789')}.internal ({_private_ip(rng)}) by {s.helo} "
            f"with ESMTP id "
            f"{_alnum(rng, 22)}; {d}"]


def _gateway(rng: random.Random, s: _Sender) -> str:
    if s.internal:
        return {"microsoft": "eop", "google": "google"}.get(s.platform, "postfix")
    return _weighted(rng, [("eop", 45), ("google", 30), ("postfix", 25)])


def _received_inbound(rng: random.Random, gw: str, s: _Sender, rcpt: str, t: datetime, two: bool) -> list[str]:
    d = _hdate(t)
    if s.internal and gw == "eop":
        mbx = (f"{_pick(rng, ['PH0PR11', 'BN9PR03', 'DM6PR12', 'AM6PR02'])}MB{rng.randint(1000, 9999)}.namprd"
               f"{rng.randint(10, 19)}.prod.outlook.com")
        return [f"from {mbx} (2603:10b6:{_hex(rng, 3)}::{_hex(rng, 2)}) by {mbx} "
                f"(2603:10b6:{_hex(rng, 3)}::{_hex(rng, 2)}) "
                f"with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id "
                f"15.20.{rng.randint(7000, 8300)}.{rng.randint(1, 40)}; {d}"]
    if gw == "eop":
        fe = _pick(rng, ["DM6NAM11FT", "BN8NAM12FT", "CO1NAM11FT", "AM4PEPF", "DB5PEPF", "HE1EUR04FT", "SN1PEPF"])
        fe = f"{fe}{rng.randint(10, 999):05d}"
        reg = _pick(rng, ["eop-nam11", "eop-nam12", "eop-EUR04", "eop-EUR05"])
        out = [f"from {s.helo} ({s.ip}) by {fe}.{reg}.prod.protection.outlook.com ({_ipv6(rng, '2603:10b6:')}) with "
               f"Microsoft SMTP Server (version=TLS1_3, cipher=TLS_AES_256_GCM_SHA384) id "
               f"15.20.{rng.randint(7000, 8300)}."
               f"{rng.randint(1, 40)} via Frontend Transport; {d}"]
        if two:
            out.insert(0, f"from {fe}.{reg}.prod.protection.outlook.com ({_ipv6(rng, '2603:10b6:')}) by "
                          f"{_pick(rng, ['BN9PR03CA', 'SA9PR13CA', 'AS9PR06CA', 'DU2PR04CA'])}"
                          f"{rng.randint(1000, 9999)}.namprd{rng.randint(10, 19)}.prod.outlook.com "
                          f"({_ipv6(rng, '2603:10b6:')}) with Microsoft SMTP Server (version=TLS1_2, "
                          f"cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id "
                          f"15.20.{rng.randint(7000, 8300)}.{rng.randint(1, 40)}; {d}")
        return out
    if gw == "google":
        tls = "Google Transport Security" if s.internal else "version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256"
        line = (f"from {s.helo} ({s.helo}. [{s.ip}]) by mx.google.com with {'SMTPS' if s.internal else 'ESMTPS'} id "
                f"{_alnum(rng, 5, 'abcdefghijklmnopqrstuvwxyz0123456789')}-{_digits(rng, 20)}"
                f"{_alnum(rng, 3, 'abcdefghijklmnopqrstuvwxyz')}"
                f".{rng.randint(10, 99)}.{t.year}.{t.month:02d}.{t.day:02d}.{t.hour:02d}.{t.minute:02d}.{t.second:02d} "
                f"for <{rcpt}> "
                f"({tls}); {d}")
        out = [line]
        if two:
            out.insert(0, f"by 2002:a05:{_hex(rng, 4)}:{_hex(rng, 4)}:b0:{_hex(rng, 3)}:{_hex(rng, 4)}:{_hex(rng, 4)} "
                          f"with SMTP id "
                          f"{_alnum(rng, 2, 'abcdefghijklmnopqrstuvwxyz')}{rng.randint(10, 99)}csp"
                          f"{rng.randint(100000, 9999999)}"
                          f"{_alnum(rng, 3, 'abcdefghijklmnopqrstuvwxyz')}; {d}")
        return out
    mx = f"{_pick(rng, ['mx1', 'mx2', 'mail', 'mx', 'smtp-in'])}.{ORG}"
    out = [f"from {s.helo} ({s.helo} [{s.ip}]) (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) "
           f"key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256) (No client certificate "
           f"requested) "
           f"by {mx} (Postfix) with ESMTPS id "
           f"{_alnum(rng, 11, 'BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789')} for <{rcpt}>; {d}"]
    if two:
        out.insert(0, _pick(rng, [
            f"from localhost (localhost [127.0.0.1]) by {mx} (amavisd-new, port 10024) with ESMTP id "
            f"{_alnum(rng, 12)} for <{rcpt}>; {d}",
            f"from {mx} ({mx} [10.{rng.randint(0, 20)}.{rng.randint(0, 255)}.{rng.randint(2, 250)}]) by "
            f"mailstore{rng.randint(1, 4)}.{ORG} (Postfix) with ESMTP id {_hex(rng, 10, True)} for <{rcpt}>; {d}"]))
    return out


def _auth_results(rng: random.Random, gw: str, s: _Sender) -> str:
    spf, dkim, dmarc = s.auth
    env = s.envelope
    env_dom = env.rsplit("@", 1)[-1]
    from_dom = s.domain
    d = s.dkim_domain or from_dom
    if gw == "eop":
        note = {"pass": "signature was verified", "none": "message not signed",
                "fail": "signature did not verify"}[dkim]
        action = "none" if dmarc != "fail" else _pick(rng, ["quarantine", "oreject", "none"])
        comp = {"pass": "pass", "none": _pick(rng, ["softpass", "pass", "none"]), "fail": "fail"}[dmarc]
        parts = [f"spf={spf} (sender IP is {s.ip}) smtp.mailfrom={env_dom}",
                 f"dkim={dkim} ({note}) header.d={d if dkim != 'none' else 'none'}",
                 f"dmarc={dmarc} action={action} header.from={from_dom}",
                 f"compauth={comp} "
                 f"reason={_pick(rng, ['100', '109', '001', '000', '601']) if comp != 'pass' else '100'}"]
        return ";".join(p if i == 0 else " " + p if _chance(rng, 0.5) else p for i, p in enumerate(parts))
    sel = _pick(rng, ["20230601", "20221208", "google", "selector1", "selector2", "s1", "s2", "k1", "default",
                      "mail", "dkim", "smtpapi", "pic", "mx", f"s{rng.randint(1000, 2048)}"])
    bval = _alnum(rng, 8, _B64)
    if gw == "google":
        spf_txt = {"pass": f"spf=pass (google.com: domain of {env} designates {s.ip} as permitted sender)",
                   "softfail": f"spf=softfail (google.com: domain of transitioning {env} does not designate {s.ip} as "
                               f"permitted sender)",
                   "fail": f"spf=fail (google.com: domain of {env} does not designate {s.ip} as permitted sender)",
                   "neutral": f"spf=neutral (google.com: {s.ip} is neither permitted nor denied by best guess record "
                              f"for domain of {env})",
                   "none": f"spf=none (google.com: {env} does not designate permitted sender hosts)"}[spf]
        spf_txt += f" smtp.mailfrom={env}"
        policy = _pick(rng, ["NONE", "QUARANTINE", "REJECT"])
        parts = []
        if dkim != "none":
            parts.append(f"dkim={dkim} header.i=@{d} header.s={sel} header.b={bval}")
        parts.append(spf_txt)
        parts.append(f"dmarc={dmarc} (p={policy} sp={_pick(rng, ['NONE', 'QUARANTINE', policy])} "
                     f"dis={'NONE' if dmarc != 'fail' else _pick(rng, ['QUARANTINE', 'NONE', 'REJECT'])}) "
                     f"header.from={from_dom}")
        return "mx.google.com; " + "; ".join(parts)
    host = f"{_pick(rng, ['mx1', 'mx2', 'mail', 'mx', 'smtp-in'])}.{ORG}"
    parts = [f"dkim={dkim} (2048-bit key; unprotected) header.d={d} header.i=@{d} header.a=rsa-sha256 header.s={sel} "
             f"header.b={bval}"
             if dkim != "none" else "dkim=none",
             f"spf={spf} smtp.mailfrom={env}",
             f"dmarc={dmarc} (p={_pick(rng, ['none', 'quarantine', 'reject'])} "
             f"dis={'none' if dmarc != 'fail' else 'quarantine'}) header.from={from_dom}"]
    if _chance(rng, 0.5):
        rng.shuffle(parts)
    if _chance(rng, 0.3):
        parts.insert(0, "arc=none")
    return f"{host}; " + "; ".join(parts)


def _received_spf(rng: random.Random, gw: str, s: _Sender) -> str:
    spf = s.auth[0]
    word = {"pass": "Pass", "softfail": "SoftFail", "fail": "Fail", "neutral": "Neutral", "none": "None"}[spf]
    env_dom = s.envelope.rsplit("@", 1)[-1]
    if gw == "eop":
        verb = "designates" if spf == "pass" else "does not designate"
        return (f"{word} (protection.outlook.com: domain of {env_dom} {verb} {s.ip} as permitted sender) "
                f"receiver=protection.outlook.com; client-ip={s.ip}; helo={s.helo}; pr=C")
    verb = "designates" if spf == "pass" else "does not designate"
    return (f"{spf} (mx.{ORG}: domain of {s.envelope} {verb} {s.ip} as permitted sender) client-ip={s.ip}; "
            f"envelope-from={s.envelope}; helo={s.helo};")


def _b64_chunks(rng: random.Random, n: int) -> str:
    """Base64-looking signature text in folding-friendly chunks (FWS is legal inside DKIM values)."""
    raw = _alnum(rng, n, _B64)
    return " ".join(raw[i:i + 64] for i in range(0, n, 64))


def _dkim_signature(rng: random.Random, d: str, when: datetime, hlist: str) -> str:
    sel = {"gmail.com": "20230601", "outlook.com": "selector1", "hotmail.com": "selector1",
           "yahoo.com": f"s{rng.randint(1024, 2048)}", "icloud.com": "1a1hai"}.get(
        d, _pick(rng, ["selector1", "selector2", "google", "s1", "s2", "k1", "default", "mail", "dkim",
                       "smtpapi", "pic", "mx", "x", f"s{rng.randint(1000, 2048)}", "mandrill", "scph0123"]))
    ts = int(when.timestamp())
    h = hlist.split(":")
    h_txt = " ".join(":".join(h[i:i + 5]) + (":" if i + 5 < len(h) else "") for i in range(0, len(h), 5))
    extra = f" x={ts + 604800};" if _chance(rng, 0.4) else ""
    return (f"v=1; a=rsa-sha256; c=relaxed/relaxed; d={d}; s={sel}; t={ts};{extra} "
            f"h={h_txt}; bh={_alnum(rng, 43, _B64)}=; b={_b64_chunks(rng, _pick(rng, [172, 344, 344]))}")


def _message_id(rng: random.Random, s: _Sender, when: datetime) -> str:
    dom = s.domain
    c, p = s.client, s.platform
    if p == "google" and c in ("gmail", "thunderbird") and c == "gmail":
        return (f"<CA{_alnum(rng, 1, 'BDEFGHJKLMNOP')}{_alnum(rng, rng.randint(40, 56), _ALNUM + '+=_-')}"
                f"@mail.gmail.com>")
    if c in ("iphone", "applemail"):
        return f"<{_uuid(rng, True)}@{dom}>"
    if p == "microsoft" and c in ("outlook", "owa"):
        box = (f"{_pick(rng, ['PH0PR11', 'BN9PR03', 'DM6PR12', 'AM6PR02', 'DB9PR04', 'VI1PR08', 'SA1PR10'])}MB"
               f"{rng.randint(1000, 9999)}")
        reg = _pick(rng, ["namprd11", "namprd03", "eurprd02", "eurprd04", "namprd15", "eurprd07"])
        return f"<{box}{_hex(rng, 8, True)}{_hex(rng, 8, True)}{_hex(rng, 8, True)}@{box}.{reg}.prod.outlook.com>"
    if p == "onprem":
        return f"<{_hex(rng, 32)}@EXCH0{rng.randint(1, 4)}.corp.{dom}>"
    if p == "yahoo":
        return (f"<{rng.randint(10 ** 8, 10 ** 9)}.{rng.randint(10 ** 6, 10 ** 7)}."
                f"{int(when.timestamp()) * 1000 + rng.randint(0, 999)}@mail.yahoo.com>")
    if c == "thunderbird":
        return f"<{_uuid(rng)}@{dom}>"
    if c == "roundcube":
        return f"<{_hex(rng, 32)}@{dom}>"
    if c == "webmail":
        return (f"<{_pick(rng, ['trinity', 'web', 'mail'])}-{_uuid(rng)}-"
                f"{int(when.timestamp()) * 1000 + rng.randint(0, 999)}@{s.helo}>")
    if c == "phpmailer":
        return f"<{_alnum(rng, 43)}@{_pick(rng, [dom, s.helo])}>"
    if p == "esp":
        return {"sendgrid": f"<{_alnum(rng, 22, _ALNUM + '_-')}@geopod-ismtpd-{rng.randint(1, 40)}>",
                "ses": f"<0100018{_hex(rng, 9)}-{_uuid(rng)}-000000@email.amazonses.com>",
                "mailgun": f"<{when.strftime('%Y%m%d%H%M%S')}.{_hex(rng, 16)}@mg.{dom}>",
                "sfmc": f"<{_uuid(rng)}@{_pick(rng, ['ind1s06mta1234', 'las1s04mta987', 'ind1s01mta2211'])}.xt.local>",
                "mailchimp": f"<{_hex(rng, 20)}.{_hex(rng, 10)}.{rng.randint(10 ** 7, 10 ** 8)}@mail"
                             f"{rng.randint(10, 200)}.suw{rng.randint(10, 99)}.mcdlv.net>",
                "sparkpost": f"<{_hex(rng, 8)}.{_hex(rng, 8)}.{rng.randint(1000, 9999)}@{dom}>"}[s.esp]
    return f"<{when.strftime('%Y%m%d%H%M%S')}.{_hex(rng, 12)}@{_pick(rng, [dom, s.helo])}>"


def _thread_index(rng: random.Random) -> str:
    import base64
    return base64.b64encode(bytes(rng.randrange(256) for _ in range(22))).decode()


# -------------------------------------------------------------------------------- header assembly

# client -> header names in the order it writes them; Outlook on the web writes Outlook's
_CLIENT_ORDER: dict[str, list[str]] = {**_PLATFORMS["header_order"], "owa": _PLATFORMS["header_order"]["outlook"]}


def _sender_side_headers(rng: random.Random, s: _Sender, when: datetime, subject: str, has_attach: bool,
                         lang: str) -> dict:
    """Headers the sending platform and client add, by name (values are strings or lists of strings)."""
    h: dict = {}
    hl = _pick(rng, ["from:to:subject:date:message-id:mime-version:content-type",
                     "to:subject:message-id:date:from:mime-version:from:to:cc:subject:date:message-id:reply-to",
                     "from:reply-to:subject:date:to:mime-version:content-type:list-unsubscribe",
                     "date:from:to:subject:message-id:content-type:mime-version"])
    if s.dkim_domain:
        h["DKIM-Signature"] = [_dkim_signature(rng, s.dkim_domain, when, hl)]
        if s.platform == "esp" and s.dkim_domain == s.domain and _chance(rng, 0.35):
            h["DKIM-Signature"].append(_dkim_signature(rng, {"sendgrid": "sendgrid.info", "ses": "amazonses.com",
                                                              "mailgun": "mailgun.org", "sfmc": "s7.exacttarget.com",
                                                              "mailchimp": "mcsv.net",
                                                             "sparkpost": "sparkpostmail.com"}[s.esp],
                                                             when, hl))
    if s.platform == "google":
        if _chance(rng, 0.5):
            h["X-Google-DKIM-Signature"] = _dkim_signature(rng, "1e100.net", when,
                                                           "x-gm-message-state:from:to:subject:date:message-id")
        if _chance(rng, 0.9):
            h["X-Gm-Message-State"] = f"AOJu0Y{_alnum(rng, 60, _B64)} {_alnum(rng, 40, _B64)}=="
        if _chance(rng, 0.4):
            h["X-Gm-Gg"] = f"ASbGnc{_alnum(rng, 60, _B64)} {_alnum(rng, 30, _B64)}"
        if _chance(rng, 0.9):
            h["X-Google-Smtp-Source"] = f"AGHT+IF{_alnum(rng, 60, _B64)}=="
        if _chance(rng, 0.8):
            h["X-Received"] = (f"by 2002:a05:{_hex(rng, 4)}:{_hex(rng, 4)}:b0:{_hex(rng, 3)}:{_hex(rng, 4)}:"
                               f"{_hex(rng, 4)} with SMTP id "
                               f"{_alnum(rng, 12, 'abcdefghijklmnopqrstuvwxyz0123456789')}; {_hdate(when)}")
        if _chance(rng, 0.2):
            h["X-Gm-Features"] = f"AQt7F2{_alnum(rng, 50, _B64)}"
    if s.platform in ("microsoft",) and not s.internal:
        if _chance(rng, 0.7):
            h["ARC-Seal"] = (f"i=1; a=rsa-sha256; s=arcselector{_pick(rng, ['9901', '10001'])}; d=microsoft.com; "
                             f"cv=none; b={_b64_chunks(rng, 172)}")
            h["ARC-Message-Signature"] = (f"i=1; a=rsa-sha256; c=relaxed/relaxed; d=microsoft.com; s=arcselector9901; "
                                          f"h=From:Date:Subject:Message-ID:Content-Type:MIME-Version: "
                                          f"X-MS-Exchange-AntiSpam-MessageData-ChunkCount; "
                                          f"bh={_alnum(rng, 43, _B64)}=; b={_b64_chunks(rng, 172)}")
            h["ARC-Authentication-Results"] = (f"i=1; mx.microsoft.com 1; spf=pass smtp.mailfrom={s.domain}; "
                                               f"dmarc=pass action=none header.from={s.domain}; dkim=pass "
                                               f"header.d={s.domain}; arc=none")
    if s.platform in ("microsoft", "onprem") or s.client in ("outlook", "owa", "outlook-smtp"):
        topic = re.sub(r"^(?:(?:re|fw|fwd|aw|wg|tr|res|enc|antw)\s*:\s*)+", "", subject, flags=re.I)
        if s.client != "iphone" and _chance(rng, 0.9):
            h["Thread-Topic"] = topic
            h["Thread-Index"] = _thread_index(rng)
        if s.client in ("outlook", "owa", "outlook-smtp") and _chance(rng, 0.8):
            loc = {"en": _pick(rng, ["en-US", "en-GB"]), "de": "de-DE", "fr": "fr-FR",
                   "pt": _pick(rng, ["pt-BR", "pt-PT"]),
                   "nl": "nl-NL"}[lang]
            h["Content-Language"] = loc
            if s.client != "outlook-smtp":
                h["Accept-Language"] = f"{loc}, en-US" if lang != "en" else loc
        if s.platform in ("microsoft", "onprem") and s.client in ("outlook", "owa"):
            h["X-MS-Has-Attach"] = "yes" if has_attach else ""
            h["X-MS-TNEF-Correlator"] = ""
            if _chance(rng, 0.6):
                h["X-MS-PublicTrafficType"] = "Email"
                h["X-MS-TrafficTypeDiagnostic"] = (f"{_pick(rng, ['PH0PR11', 'DM6PR12', 'AM6PR02'])}MB"
                                                   f"{rng.randint(1000, 9999)}:EE_|"
                                                   f"{_pick(rng, ['SA1PR10', 'CH3PR15'])}MB{rng.randint(1000, 9999)}"
                                                   f":EE_")
                h["X-MS-Office365-Filtering-Correlation-Id"] = _uuid(rng)
            if _chance(rng, 0.1):
                h["msip_labels"] = ""
            if s.domain in _MS_FREE and _chance(rng, 0.5):
                h["X-Originating-IP"] = f"[{_ip(rng)}]"
    if s.platform == "onprem" and _chance(rng, 0.5):
        h["X-Originating-IP"] = f"[10.{rng.randint(0, 60)}.{rng.randint(0, 255)}.{rng.randint(2, 250)}]"
    if s.platform == "yahoo":
        h["X-SONIC-DKIM-SIGN"] = _dkim_signature(rng, "yahoo.com", when, "date:from:to:subject:reply-to")
        h["X-YMail-OSG"] = f"{_alnum(rng, 60, _B64 + '._')} {_alnum(rng, 60, _B64 + '._')}"
        h["X-Sonic-MF"] = f"<{s.addr}>"
        h["X-Mailer"] = f"WebService/1.1.{rng.randint(20000, 23000)} YMailNorrin"
    if s.platform == "icloud" and _chance(rng, 0.7):
        h["X-Proofpoint-GUID"] = _alnum(rng, 32)
        h["X-Proofpoint-ORIG-GUID"] = _alnum(rng, 32)
    if s.platform == "isp" and s.domain.startswith(("gmx", "web.de", "mail.com")):
        h["X-Provags-ID"] = f"V03:K1:{_alnum(rng, 60, _B64)}"
        h["X-UI-Message-Type"] = "mail"
        if _chance(rng, 0.5):
            h["Importance"] = "normal"
            h["Sensitivity"] = "Normal"
    if s.platform in ("hosting", "php") and _chance(rng, 0.6):
        h["X-AntiAbuse"] = ["This header was added to track abuse, please include it with any abuse report",
                            f"Primary Hostname - {s.helo}",
                            f"Original Domain - {ORG}",
                            f"Originator/Caller UID/GID - [{rng.randint(500, 2000)} {rng.randint(500, 2000)}] "
                            "/ [47 12]",
                            f"Sender Address Domain - {s.envelope.rsplit('@', 1)[-1]}"]
        h["X-Get-Message-Sender-Via"] = f"{s.helo}: authenticated_id: {s.envelope.split('@')[0]}"
        h["X-Authenticated-Sender"] = f"{s.helo}: {s.envelope}"
        if _chance(rng, 0.5):
            h["X-Source"] = ""
            h["X-Source-Args"] = ""
            h["X-Source-Dir"] = ""
    if s.platform == "php" and _chance(rng, 0.3):
        script = _pick(rng, ["mailer.php", "class.phpmailer.php", "send.php", "index.php", "wp-mail.php"])
        h["X-PHP-Originating-Script"] = f"{rng.randint(500, 2000)}:{script}"
    if s.platform == "esp":
        if s.esp == "sendgrid":
            h["X-SG-EID"] = f"u001.{_alnum(rng, 60, _B64)}"
            h["X-Entity-ID"] = f"u001.{_alnum(rng, 22, _B64)}=="
        elif s.esp == "ses":
            h["Feedback-ID"] = f"::1.us-east-1.{_alnum(rng, 40, _B64)}=:AmazonSES"
            h["X-SES-Outgoing"] = f"{when.strftime('%Y.%m.%d')}-{s.ip}"
        elif s.esp == "mailgun":
            h["X-Mailgun-Sid"] = f"W{_alnum(rng, 40, _B64)}="
            h["X-Mailgun-Variables"] = '{"message_type": "%s"}' % _pick(rng, ["notification", "transactional",
                                                                              "campaign"])
        elif s.esp == "sfmc":
            h["X-CSA-Complaints"] = "csa-complaints@eco.de"
            h["x-job"] = f"{rng.randint(100000, 999999)}_{rng.randint(1000000, 9999999)}"
            h["X-SFMC-Stack"] = str(rng.randint(1, 50))
        elif s.esp == "mailchimp":
            h["X-MC-User"] = _hex(rng, 24)
            h["X-Feedback-ID"] = (f"{rng.randint(10 ** 7, 10 ** 8)}:{rng.randint(10 ** 7, 10 ** 8)}."
                                  f"{rng.randint(10 ** 5, 10 ** 6)}:us{rng.randint(1, 21)}:mc")
        else:
            h["X-MSFBL"] = _alnum(rng, 60, _B64)
        if _chance(rng, 0.4):
            h["Feedback-ID"] = h.get("Feedback-ID",
                                     f"{rng.randint(1000, 9999)}:{rng.randint(100, 999)}:"
                                     f"{_pick(rng, ['transactional', 'notification', 'marketing'])}:{s.esp}")
    # client identification
    c = s.client
    if c == "iphone":
        h["X-Mailer"] = f"iPhone Mail ({_pick(rng, ['21D61', '21E236', '20H240', '21F90', '22B83', '19H370'])})"
    elif c == "applemail":
        h["X-Mailer"] = f"Apple Mail (2.{_pick(rng, ['3774.400.31', '3731.700.6', '3696.120.41', '3776.700.51'])})"
    elif c == "thunderbird":
        h["User-Agent"] = _pick(rng, ["Mozilla Thunderbird",
                                      "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:115.0) Gecko/20100101 "
                                      "Thunderbird/115.8.0",
                                      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:128.0) Gecko/20100101 "
                                      "Thunderbird/128.2.0"])
        if _chance(rng, 0.7):
            h["Content-Language"] = {"en": "en-US", "de": "de-DE", "fr": "fr", "pt": "pt-BR", "nl": "nl"}[lang]
    elif c == "roundcube":
        h["User-Agent"] = f"Roundcube Webmail/1.{_pick(rng, ['4.15', '5.6', '6.5', '6.7', '6.9'])}"
        if _chance(rng, 0.6):
            h["X-Sender"] = s.addr
    elif c == "outlook-smtp":
        h["X-Mailer"] = _pick(rng, ["Microsoft Outlook 16.0", "Microsoft Outlook 16.0", "Microsoft Office Outlook 12.0",
                                    "Microsoft Outlook 15.0"])
    elif c == "phpmailer":
        h["X-Mailer"] = _pick(rng, ["PHPMailer 6.8.1 (https://github.com/PHPMailer/PHPMailer)",
                                    "PHPMailer 6.9.1 (https://github.com/PHPMailer/PHPMailer)",
                                    "PHPMailer 5.2.27 (https://github.com/PHPMailer/PHPMailer)"])
    elif c == "none" and _chance(rng, 0.3):
        h["X-Mailer"] = _pick(rng, ["Microsoft Outlook 16.0", "Microsoft Windows Live Mail 16.4.3528.331",
                                    "Foxmail 7.2.25.228", "Microsoft Outlook Express 6.00.2900.5512",
                                    "SmartMailer 3.2"])
    elif c == "esp" and _chance(rng, 0.2):
        h["X-Mailer"] = _pick(rng, ["Salesforce Marketing Cloud", "Microsoft Dynamics 365", "Braze", "Customer.io",
                                    "Zendesk", "NetSuite", "SAP Business One"])
    return h


def _assemble_headers(rng: random.Random, msg: EmailMessage, s: _Sender, to: list[str], cc: list[str],
                      subject: str, when: datetime, lang: str, reply_to: Optional[str], in_reply_to: str,
                      references: list[str], extra: list[tuple[str, str]], has_attach: bool) -> str:
    """Put every header on ``msg`` in a realistic order; returns the Message-ID."""
    content = [(k, str(v)) for k, v in msg.items()]
    for k in dict.fromkeys(k for k, _ in content):
        del msg[k]
    rcpt = to[0].split("<")[-1].rstrip(">") if to else f"undisclosed@{ORG}"
    mid = _message_id(rng, s, when)
    # the original block: what the client and platform wrote
    fields: dict = {k: v for k, v in content}
    fields.update(_sender_side_headers(rng, s, when, subject, has_attach, lang))
    fields["From"] = str(Address(display_name=s.display, addr_spec=s.addr)) if s.display else s.addr
    fields["To"] = ", ".join(to) if to else "undisclosed-recipients:;"
    if cc:
        fields["Cc"] = ", ".join(cc)
    if reply_to:
        fields["Reply-To"] = reply_to
    fields["Subject"] = subject
    fields["Date"] = _hdate(when)
    fields["Message-ID"] = mid
    if in_reply_to:
        fields["In-Reply-To"] = in_reply_to
    if references:
        fields["References"] = " ".join(references)
    if s.client in ("iphone", "applemail"):
        fields["MIME-Version"] = "1.0 (1.0)" if s.client == "iphone" else "1.0 (Mac OS X Mail 16.0 \\(3774.400.31\\))"
    order = list(_CLIENT_ORDER[s.client])
    names = [n for n in order if n in fields] + [n for n in fields if n not in order]
    for name, value in extra:                      # misc headers anywhere in the original block
        pos = rng.randint(max(1, len(names) // 3), len(names))
        names.insert(pos, name)
        fields[name] = value if name not in fields else fields[name]
    if _chance(rng, 0.2) and len(names) > 4:        # a little disorder, as real relays and clients show
        i = rng.randrange(1, len(names) - 1)
        names[i], names[i + 1] = names[i + 1], names[i]
    original: list[tuple[str, str]] = []
    seen = set()
    for n in names:
        if n in seen:
            continue
        seen.add(n)
        v = fields[n]
        for one in (v if isinstance(v, list) else [v]):
            original.append((n, one))
    # the trace block: what the organisation's gateway and the relays wrote, newest first
    gw = _gateway(rng, s)
    hops = _weighted(rng, [(1, 25), (2, 45), (3, 30)])
    t = when + timedelta(seconds=rng.randint(1, 4))
    sender_hops = _received_sender_side(rng, s, rcpt, t)
    inbound_two = hops >= 2 and (_chance(rng, 0.5) or not sender_hops)
    inbound = _received_inbound(rng, gw, s, rcpt, t + timedelta(seconds=rng.randint(1, 5)), inbound_two)
    room = max(0, hops - len(inbound))
    received = inbound + sender_hops[:room]
    if not received:
        received = inbound
    trace: list[tuple[str, str]] = []
    ar = ("Authentication-Results", _auth_results(rng, gw, s))
    rspf = ("Received-SPF", _received_spf(rng, gw, s)) if _chance(rng, 0.45) else None
    if _chance(rng, 0.6):
        trace.append(("Return-Path", f"<{s.envelope}>"))
    if (gw == "google" or _chance(rng, 0.15)) and _chance(rng, 0.8):
        trace.append(("Delivered-To", rcpt))
    if gw == "google" and _chance(rng, 0.85):
        trace.append(("ARC-Seal", f"i={'2' if 'ARC-Seal' in fields else '1'}; a=rsa-sha256; t={int(when.timestamp())}; "
                                  f"cv=none; d=google.com; s=arc-20160816; b={_b64_chunks(rng, 172)}"))
        trace.append(("ARC-Message-Signature",
                      f"i=1; a=rsa-sha256; c=relaxed/relaxed; d=google.com; s=arc-20160816; "
                      f"h=to:subject:message-id:date:from:mime-version:dkim-signature; bh={_alnum(rng, 43, _B64)}=; "
                      f"fh={_alnum(rng, 43, _B64)}=; b={_b64_chunks(rng, 172)}"))
        trace.append(("ARC-Authentication-Results", "i=1; " + ar[1]))
    if gw == "postfix" and _chance(rng, 0.5):
        trace.append(("X-Original-To", rcpt))
    mid_pos = rng.randint(0, 1)
    for i, r in enumerate(received):
        if i == mid_pos:
            trace.append(ar)
            if rspf:
                trace.append(rspf)
        trace.append(("Received", r))
    if mid_pos >= len(received):
        trace.append(ar)
        if rspf:
            trace.append(rspf)
    if gw == "eop":
        for name, value in [("X-MS-Exchange-Organization-ExpirationStartTime", _hdate(t)),
                            ("X-MS-Exchange-Organization-Network-Message-Id", _uuid(rng)),
                            ("X-MS-Exchange-Organization-AuthSource",
                             f"{_pick(rng, ['DM6NAM11FT', 'BN8NAM12FT', 'AM4PEPF'])}{rng.randint(10, 999):05d}.namprd"
                             f"{rng.randint(10, 19)}.prod.outlook.com"),
                            ("X-MS-Exchange-Organization-AuthAs", "Internal" if s.internal else "Anonymous"),
                            ("X-MS-Exchange-Organization-SCL", str(_pick(rng, [-1, 1, 1, 1, 5]))),
                            ("X-Forefront-Antispam-Report",
                             f"CIP:{s.ip};CTRY:{_pick(rng, ['US', 'GB', 'DE', 'NL', 'FR', 'BR', 'IE'])};LANG:{lang}"
                             f";SCL:1;SRV:;IPV:NLI;SFV:NSPM; H:{s.helo}; PTR:{s.helo}; CAT:NONE;SFS:;DIR:INB;"),
                            ("X-Microsoft-Antispam", f"BCL:{rng.randint(0, 7)};")]:
            if _chance(rng, 0.7):
                trace.append((name, value))
    elif gw == "postfix" and _chance(rng, 0.5):
        trace.append(("X-Virus-Scanned", _pick(rng, ["amavisd-new at example.com",
                                                     "Debian amavisd-new at mx1.example.com",
                                                     "ClamAV using ClamSMTP"])))
    # Values are stored as plain strings (the header registry is slow and gains nothing here); _FoldPolicy
    # folds ASCII values at whitespace and encodes non-ASCII ones (display names, subjects) on output.
    for name, value in trace + original:
        msg._headers.append((name, value))
    return mid
