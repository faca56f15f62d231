"""The policy's [audit] table: parsed and checked at start-up; each limit measured and said."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from pipeline.audit.measure import Audit
from pipeline.audit.thresholds import checks
from pipeline.core.audit_rules import AuditRules
from pipeline.core.policy import load_policy
from pipeline.errors import ConfigError
from pipeline.tools.output_reader import field_names
from tests.audit.audit_records import QI, record

TEXT = resources.files("pipeline.policies").joinpath("web-events.v1.toml").read_text("utf-8")
START = TEXT.index("[audit]\n")
END = TEXT.index("\n[", START + 1) + 1


def _with_audit(tmp_path: Path, table: str) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(TEXT[:START] + table + "\n" + TEXT[END:], "utf-8")
    return path


def test_the_packaged_policy_sets_every_limit() -> None:
    rules = load_policy().audit
    assert rules is not None and rules.quasi_identifiers == QI
    assert rules.max_canaries == 0 and rules.min_place_population == 15_000
    assert rules.max_unique_share == 0.05 and rules.max_unique_visitor_share == 0.20
    assert rules.max_join_share == 0.01 and rules.rare_value_records == 5


def test_a_policy_without_the_table_loads_and_audits_nothing(tmp_path: Path) -> None:
    assert load_policy(_with_audit(tmp_path, "")).audit is None


def test_a_minimal_table_checks_no_limit(tmp_path: Path) -> None:
    rules = load_policy(_with_audit(tmp_path, '[audit]\nquasi_identifiers = ["region"]')).audit
    assert rules == AuditRules(("region",))


@pytest.mark.parametrize(
    ("table", "says"),
    [
        ("quasi_identifiers = []", "non-empty list"),
        ('quasi_identifiers = "region"', "non-empty list"),
        ('quasi_identifiers = ["ip"]', "['ip']: each must be an output field"),
        ('quasi_identifiers = ["visitor_key"]', "no pseudonym or provenance"),
        ('quasi_identifiers = ["key_id"]', "no pseudonym or provenance"),
        ('quasi_identifiers = ["region", "region"]', "repeated names"),
        ('quasi_identifiers = ["region"]\nmax_unique_share = 1.5', "between 0 and 1"),
        ('quasi_identifiers = ["region"]\nmax_join_share = true', "between 0 and 1"),
        ('quasi_identifiers = ["region"]\nmax_canaries = -1', "whole number >= 0"),
        ('quasi_identifiers = ["region"]\nmin_place_population = 1.5', "whole number"),
        ('quasi_identifiers = ["region"]\nrare_value_records = 0', "at least 1"),
        ('quasi_identifiers = ["region"]\nmax_uniqueness = 0.1', "unknown settings"),
    ],
)
def test_a_bad_table_is_a_start_up_error(tmp_path: Path, table: str, says: str) -> None:
    with pytest.raises(ConfigError, match=r"policy\.toml: \[audit\]") as error:
        load_policy(_with_audit(tmp_path, "[audit]\n" + table))
    assert says in str(error.value)


def _checks(records: list[dict], rare: int = 1, **limits: object) -> dict:
    rules = AuditRules(("user_agent",), rare_value_records=rare, **limits)  # type: ignore[arg-type]
    audit = Audit(load_policy(), field_names(), rules=rules).add_all(records)
    return {c.name: c for c in checks(audit.figures(), rules)}


def test_each_limit_is_measured_and_a_crossing_says_which() -> None:
    records = [record(user_agent="UA-1", visitor_key="a"), record(user_agent="UA-1", visitor_key="b"),
               record(user_agent="UA-2", visitor_key="c", title="write to taro@example.com"),
               record(user_agent="UA-2", visitor_key="c", country="AA", region=None, city=None),
               record(user_agent="Rare/9", visitor_key="d", site_id="site-0002", day=1),
               record(user_agent="Rare/8", visitor_key="e", site_id="site-0002", day=1)]  # fmt: skip
    within = _checks(records, max_canaries=1, max_unique_share=0.34,
                     max_unique_visitor_share=0.8, max_join_share=0.0, min_place_population=0)  # fmt: skip
    assert not any(c.crossed for c in within.values()), within
    crossed = _checks(records, max_canaries=0, max_unique_share=0.3,
                      max_unique_visitor_share=0.5, min_place_population=100_000_000)  # fmt: skip
    assert all(c.crossed for c in crossed.values())
    assert crossed["max_canaries"].sentence() == (
        "max_canaries = 0 crossed: 1 personal-data findings in the output (email 1)"
    )
    assert crossed["max_unique_share"].measured == "33.33%"  # the two Rare/ records of 6
    assert crossed["max_unique_visitor_share"].measured == "60.00%"  # c, d, e of 5 visitors
    assert "AA" in crossed["min_place_population"].why  # GeoNames knows no country AA


def test_a_join_key_crossing_names_the_field() -> None:
    records = [record(user_agent="Rare/1"), record(user_agent="Rare/1", day=1), record()]
    check = _checks(records, rare=2, max_join_share=0.5)["max_join_share"]
    assert check.crossed and "user_agent links 66.67% of records across site-days" in check.why
