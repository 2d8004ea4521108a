"""The config file: a strict schema (unknown keys and wrong types are clear errors), an org file
read over configs/default.yaml, and the default config unchanged by either."""
from __future__ import annotations

import dataclasses
import hashlib
import json

import pytest
import yaml

from features.context import (DEFAULT_CONFIG, ConfigFile, LimitsSection, OrgConfig,
                              load_org, merge_config)
from features.limits import Limits
from pipelines.train import org_digest

# Recorded from configs/default.yaml before the schema was added (issue 18): sha256 of
# org_digest(load_org()) without the ``thresholds`` field, which was removed (it was read by
# nothing). Any change to what the default config gives the features changes this.
DEFAULT_DIGEST = "66921f04464e6c00a51a5648ce4ca5bef8d4b5ca73bfedf8bf09867a8cb25351"
DEFAULT = load_org()


def digest(org: OrgConfig) -> str:
    return hashlib.sha256(org_digest(org).encode()).hexdigest()


def org_file(tmp_path, content) -> str:
    path = tmp_path / "org.yaml"
    path.write_text(content if isinstance(content, str) else yaml.safe_dump(content),
                    encoding="utf-8")
    return str(path)


def error(tmp_path, content) -> str:
    with pytest.raises(ValueError) as exc:
        load_org(org_file(tmp_path, content))
    return str(exc.value)


# --------------------------------------------------------------------------------------------
# the default config is what it was

def test_default_config_is_unchanged():
    assert digest(DEFAULT) == DEFAULT_DIGEST
    # a few of the fields behind that digest, recorded before the change
    assert len(DEFAULT.brands) == 1282 and len(DEFAULT.body_brands) == 1250
    assert (len(DEFAULT.freemail_domains), len(DEFAULT.url_shorteners),
            len(DEFAULT.free_hosting)) == (22567, 353, 714)
    assert (len(DEFAULT.trusted_senders), len(DEFAULT.popular_domains),
            len(DEFAULT.neutral_link_hosts), len(DEFAULT.shared_senders)) == (1494, 9999, 44, 10670)
    assert DEFAULT.trusted_authserv_ids == frozenset()
    assert DEFAULT.protected_domains == {"example.com", "example.org"}
    assert DEFAULT.vip_names == ("Jane Doe", "John Smith")
    assert DEFAULT.known_vendors == {"acme-supplies.com", "globex.com"}
    assert {"paypal.com", "paypal.de", "paypal.co.uk", "paypalcredit.com"} <= \
        DEFAULT.brands["paypal"]
    assert len(DEFAULT.brands["paypal"]) == 14
    assert DEFAULT.limits == Limits() and DEFAULT.limits.seconds == 10
    assert {f.name for f in dataclasses.fields(OrgConfig)}.isdisjoint({"thresholds"})


def test_default_config_given_as_a_file_is_the_default():
    assert digest(load_org(DEFAULT_CONFIG)) == DEFAULT_DIGEST
    assert digest(load_org(str(DEFAULT_CONFIG))) == DEFAULT_DIGEST


def test_schema_has_every_limit_with_its_default():
    assert list(LimitsSection.model_fields) == [f.name for f in dataclasses.fields(Limits)]
    assert Limits(**LimitsSection().model_dump()) == Limits()


def test_every_schema_key_reaches_the_runtime_config():
    """No dead knobs: each list of the file feeds the OrgConfig field of the same name (brands
    and limits feed theirs), so a key the features do not read has no place in the schema."""
    runtime = {f.name for f in dataclasses.fields(OrgConfig)}
    for name, info in ConfigFile.model_fields.items():
        section = info.annotation
        keys = list(section.model_fields) if name in ("organisation", "identity") else [name]
        assert set(keys) <= runtime, name
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    assert "\nthresholds:" not in text


# --------------------------------------------------------------------------------------------
# unknown keys and wrong types

def test_unknown_top_level_key_names_it_and_the_nearest(tmp_path):
    msg = error(tmp_path, {"organization": {"protected_domains": ["acme.com"]}})
    assert "unknown key 'organization'" in msg and "did you mean 'organisation'?" in msg
    assert msg.startswith("config ") and "org.yaml" in msg
    msg = error(tmp_path, {"freemail_domain": ["x.example"]})
    assert "unknown key 'freemail_domain' (did you mean 'freemail_domains'?)" in msg


def test_unknown_nested_key_names_section_and_nearest(tmp_path):
    msg = error(tmp_path, {"organisation": {"protected_domain": ["acme.com"]}})
    assert msg.endswith("org.yaml: unknown key 'organisation.protected_domain' "
                        "(did you mean 'protected_domains'?)")
    msg = error(tmp_path, "identity:\n  trusted_sender: [x.example]\n")
    assert "unknown key 'identity.trusted_sender' (did you mean 'trusted_senders'?)" in msg
    msg = error(tmp_path, {"limits": {"secs": 5}})
    assert "unknown key 'limits.secs' (did you mean 'seconds'?)" in msg


def test_key_in_the_wrong_section_is_pointed_to_the_right_one(tmp_path):
    msg = error(tmp_path, {"protected_domains": ["acme.com"]})
    assert "unknown key 'protected_domains' (did you mean 'organisation.protected_domains'?)" in msg


def test_unknown_key_without_a_near_one_lists_the_valid_keys(tmp_path):
    msg = error(tmp_path, {"identity": {"zzz": []}})
    assert "unknown key 'identity.zzz'" in msg and "trusted_senders" in msg


def test_removed_thresholds_key_says_what_to_do(tmp_path):
    msg = error(tmp_path, {"thresholds": {"malicious": 0.9}})
    assert "unknown key 'thresholds'" in msg and "model bundle" in msg


def test_every_error_is_reported_at_once(tmp_path):
    msg = error(tmp_path, {"url_shortners": [], "freemail_domains": ["ok.example", 2]})
    assert "unknown key 'url_shortners' (did you mean 'url_shorteners'?)" in msg
    assert "freemail_domains[1] must be a string, got 2" in msg


@pytest.mark.parametrize("content,expected", [
    ({"organisation": {"vip_names": "Jane Doe"}},
     "organisation.vip_names must be a list of strings, got 'Jane Doe'"),
    ({"organisation": {"protected_domains": ["acme.com", 7]}},
     "organisation.protected_domains[1] must be a string, got 7"),
    ({"organisation": ["acme.com"]}, "organisation must be a mapping, got ['acme.com']"),
    ({"brands": {"paypal": "paypal.com"}}, "brands.paypal must be a list of strings"),
    ({"brands": ["paypal"]}, "brands must be a mapping of names to lists of strings"),
    ({"identity": {"trusted_senders": {"a": 1}}}, "identity.trusted_senders must be a list"),
    ({"limits": {"urls": "7"}}, "limits.urls must be a positive integer, got '7'"),
    ({"limits": {"urls": 1.5}}, "limits.urls must be a positive integer, got 1.5"),
    ({"limits": {"seconds": "5"}}, "limits.seconds must be a positive number, got '5'"),
    ({"limits": {"seconds": 0}}, "limits.seconds must be a positive number, got 0"),
    ({"limits": {"archive_depth": 21}}, "limits.archive_depth must be at most 20, got 21"),
])
def test_wrong_type_names_key_and_expected_type(tmp_path, content, expected):
    assert expected in error(tmp_path, content)


def test_not_a_mapping_and_unreadable(tmp_path):
    assert "is not a mapping" in error(tmp_path, "- a\n- b\n")
    assert "cannot read config" in error(tmp_path, "organisation: [unclosed\n")
    with pytest.raises(ValueError, match="cannot read config"):
        load_org(tmp_path / "missing.yaml")


def test_from_dict_is_strict_too():
    with pytest.raises(ValueError, match="unknown key 'organisation.vip_name'"):
        OrgConfig.from_dict({"organisation": {"vip_name": ["X"]}})


# --------------------------------------------------------------------------------------------
# an org file is read over the defaults

def test_partial_org_file_merges_over_defaults(tmp_path):
    org = load_org(org_file(tmp_path, {"organisation": {"protected_domains": ["acme.com"]}}))
    assert "acme.com" in org.protected_domains
    # everything the file does not set is the default's
    for name in ("brands", "body_brands", "freemail_domains", "url_shorteners", "free_hosting",
                 "limits", "trusted_authserv_ids", "trusted_senders", "neutral_link_hosts",
                 "popular_domains", "shared_senders"):
        assert getattr(org, name) == getattr(DEFAULT, name), name
    # ... except the default's organisation, a made-up example: the file's is the organisation
    assert org.protected_domains == {"acme.com"}
    assert org.vip_names == () and org.known_vendors == frozenset()


def test_lists_extend_the_defaults(tmp_path):
    org = load_org(org_file(tmp_path, {
        "freemail_domains": ["corp-mail.example", "gmail.com"],
        "identity": {"trusted_senders": ["Vendor.Example"]},
        "brands": {"paypal": ["paypal.example"], "Acme Bank": ["acmebank.example"]},
    }))
    assert org.freemail_domains == DEFAULT.freemail_domains | {"corp-mail.example"}
    assert org.trusted_senders == DEFAULT.trusted_senders | {"vendor.example"}
    assert org.brands["paypal"] == DEFAULT.brands["paypal"] | {"paypal.example"}
    assert org.brands["acme bank"] == {"acmebank.example"}
    rest = {k: v for k, v in org.brands.items() if k not in ("paypal", "acme bank")}
    assert rest == {k: v for k, v in DEFAULT.brands.items() if k != "paypal"}
    assert org.url_shorteners == DEFAULT.url_shorteners


def test_limits_merge_key_by_key(tmp_path):
    org = load_org(org_file(tmp_path, {"limits": {"urls": 7, "seconds": 2.5}}))
    assert org.limits == dataclasses.replace(DEFAULT.limits, urls=7, seconds=2.5)


def test_empty_entries_add_nothing(tmp_path):
    org = load_org(org_file(tmp_path, "identity:\nbrands:\nlimits:\nfreemail_domains:\n"
                                      "organisation:\n  protected_domains: [acme.com]\n"))
    assert org.freemail_domains == DEFAULT.freemail_domains and org.limits == DEFAULT.limits
    assert org.brands == DEFAULT.brands and org.trusted_senders == DEFAULT.trusted_senders
    assert org.protected_domains == {"acme.com"}
    empty = load_org(org_file(tmp_path, ""))
    assert json.loads(org_digest(empty))["freemail_domains"] == \
        json.loads(org_digest(DEFAULT))["freemail_domains"]
    assert empty.vip_names == () and empty.protected_domains == frozenset()


def test_merge_rule():
    base = {"a": [1, 2], "m": {"x": 1, "l": ["p"]}, "s": 1}
    over = {"a": [2, 3], "m": {"l": ["q"], "y": 2}, "s": 5, "n": [9]}
    assert merge_config(base, over) == {"a": [1, 2, 3], "m": {"x": 1, "l": ["p", "q"], "y": 2},
                                        "s": 5, "n": [9]}
    assert base == {"a": [1, 2], "m": {"x": 1, "l": ["p"]}, "s": 1}     # not changed in place
