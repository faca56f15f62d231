"""The policy file: loads, classifies every input field, refuses broken files, matches the schema."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest

from pipeline.codec.schemas import ANONYMIZED, load_schema
from pipeline.core.engine import Engine
from pipeline.core.policy import PROVENANCE, Action, load_policy
from pipeline.core.raw_event import FIELDS, RawWebEvent
from pipeline.core.reasons import Reason
from pipeline.errors import ConfigError
from tests.core.core_events import dumps, only_record, only_reject, valid_event

TEXT = resources.files("pipeline.policies").joinpath("web-events.v1.toml").read_text("utf-8")
SCHEMA_FIELDS = [f["name"] for f in load_schema(ANONYMIZED)["fields"]]


def _section(text: str, name: str) -> tuple[int, int]:
    """Start and end offsets of the `[fields.<name>]` table."""
    start = text.index(f"[fields.{name}]\n")
    following = re.compile(r"^\[", re.M).search(text, start + 1)
    return start, following.start() if following else len(text)


def _without_field(name: str) -> str:
    start, end = _section(TEXT, name)
    return TEXT[:start] + TEXT[end:]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(text, "utf-8")
    return path


def test_the_packaged_policy_loads() -> None:
    policy = load_policy()
    assert policy.label == "web-events/1"
    assert policy.max_payload_bytes == 65536
    assert policy.min_city_population == 15000
    assert policy.no_city_countries == frozenset({"JP"})
    assert "utm_*" in policy.query_allowlist


def test_the_packaged_text_round_trips_through_a_file(tmp_path: Path) -> None:
    assert load_policy(_write(tmp_path, TEXT)) == load_policy()


def test_every_raw_field_is_classified_exactly_once() -> None:
    policy = load_policy()
    assert set(policy.fields) == FIELDS == set(RawWebEvent.__struct_fields__)
    for rule in policy.fields.values():
        assert isinstance(rule.action, Action)
        assert rule.item


def test_raw_identifiers_are_never_kept() -> None:
    fields = load_policy().fields
    assert fields["ip"].action is Action.PSEUDONYMIZE
    assert fields["session_id"].action is Action.PSEUDONYMIZE
    for name in ("forwarded_for", "visitor_cookie", "attributes"):
        assert fields[name].action is Action.DROP
    assert not {"ip", "forwarded_for", "visitor_cookie", "session_id", "attributes"} & set(
        SCHEMA_FIELDS
    )


def test_the_schema_and_the_policy_agree() -> None:
    policy = load_policy()
    policy.check_outputs(SCHEMA_FIELDS)
    produced = {o for r in policy.fields.values() for o in r.outputs} | set(PROVENANCE)
    assert produced == set(SCHEMA_FIELDS)


@pytest.mark.parametrize("name", ["title", "ip", "attributes", "forwarded_for"])
def test_a_file_missing_a_field_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(ConfigError, match=rf"unclassified: \['{name}'\]"):
        load_policy(_write(tmp_path, _without_field(name)))


def test_a_file_with_an_unknown_field_is_refused(tmp_path: Path) -> None:
    text = TEXT + '\n[fields.email]\naction = "drop"\nitem = "not a RawWebEvent field"\n'
    with pytest.raises(ConfigError, match=r"not RawWebEvent fields: \['email'\]"):
        load_policy(_write(tmp_path, text))


@pytest.mark.parametrize(
    ("field", "line", "message"),
    [
        ("title", 'action = "publish"', "action must be one of"),
        ("title", 'colour = "blue"', r"unknown settings \['colour'\]"),
        ("title", 'item = ""', "which policy item"),
        ("title", "max_length = 0", "scrub needs max_length"),
        ("event_id", 'pattern = "email"', "pattern must be one of"),
        ("url", 'format = "uri"', "format must be one of url, user_agent, language"),
        ("x", "min = 10\nmax = 5", "min <= max"),
        ("x", "max = 5", None),
        ("session_id", 'into = ""', "pseudonymize needs `into`"),
        ("event_id", 'into = "visitor_key"', "the engine makes only these pseudonyms"),
        ("title", 'action = "pseudonymize"\ninto = "title"', "the engine makes only these"),
        ("viewport_width", "bucket = 0", "generalize needs `bucket`"),
        ("viewport_width", 'bucket = "50"', "generalize needs `bucket`"),
        ("last_visit_time", "bucket = -1", "generalize needs `bucket`"),
        ("x", "bucket = 10", "`bucket` goes only with action generalize"),
        ("referrer", 'cross_site = "path"', 'cross_site must be "origin"'),
        ("title", 'cross_site = "origin"', "on a field of format url"),
    ],
)
def test_a_bad_field_entry_is_refused(
    tmp_path: Path, field: str, line: str, message: str | None
) -> None:
    start, end = _section(TEXT, field)
    body = TEXT[start:end]
    for key in re.findall(r"^(\w+)\s*=", line, re.M):
        body = re.sub(rf"^{key}\s*=.*\n", "", body, flags=re.M)
    text = TEXT[:start] + body.rstrip("\n") + f"\n{line}\n\n" + TEXT[end:]
    if message is None:  # a lone max next to the existing min is fine
        load_policy(_write(tmp_path, text))
        return
    with pytest.raises(ConfigError, match=message) as caught:
        load_policy(_write(tmp_path, text))
    assert f"field {field}" in str(caught.value)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("max_payload_bytes = 65536", "max_payload_bytes = 0", "limits must be positive"),
        ("max_forwarded_hops = 20", "max_forwarded_hops = -1", "limits must be positive"),
        ("max_payload_bytes = 65536", "", "missing or invalid setting"),
        ("version = 1", 'version = "one"', "missing or invalid setting"),
        ("min_city_population = 15000", "", "missing or invalid setting"),
        ("[fields.title]", "[fields.title", "not valid TOML"),
        ('known = ["email",', 'known = ["Taro Yamada", "email",', "not plain lower-case"),
        ('known = ["email",', 'known = ["ip", "email",', "not plain lower-case"),
        ('known = ["email",', 'known = [1, "email",', "must be a list of names"),
    ],
)
def test_bad_settings_are_refused(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in TEXT
    with pytest.raises(ConfigError, match=message):
        load_policy(_write(tmp_path, TEXT.replace(old, new, 1)))


def test_an_unreadable_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read policy file"):
        load_policy(tmp_path / "absent.toml")


def test_check_outputs_catches_schema_drift() -> None:
    policy = load_policy()
    with pytest.raises(ConfigError, match=r"schema fields no policy entry produces: \['email'\]"):
        policy.check_outputs([*SCHEMA_FIELDS, "email"])
    with pytest.raises(ConfigError, match=r"missing from the schema: \['city'\]"):
        policy.check_outputs([f for f in SCHEMA_FIELDS if f != "city"])
    with pytest.raises(ConfigError, match=r"missing from the schema: \['geo_db'\]"):
        policy.check_outputs([f for f in SCHEMA_FIELDS if f != "geo_db"])


def test_an_engine_with_a_drifted_policy_is_refused(tmp_path: Path, ring, test_db) -> None:
    # Dropping `title` instead of scrubbing it leaves the schema's `title` without a source.
    start, end = _section(TEXT, "title")
    text = TEXT[:start] + '[fields.title]\naction = "drop"\nitem = "title"\n\n' + TEXT[end:]
    policy = load_policy(_write(tmp_path, text))
    with pytest.raises(ConfigError, match=r"schema fields no policy entry produces: \['title'\]"):
        Engine(policy=policy, geoip=test_db)
    # Keeping `visitor_cookie` would put a raw id in an output field the schema lacks.
    start, end = _section(TEXT, "visitor_cookie")
    text = TEXT[:start] + '[fields.visitor_cookie]\naction = "keep"\nitem = "x"\n\n' + TEXT[end:]
    policy = load_policy(_write(tmp_path, text))
    with pytest.raises(ConfigError, match=r"missing from the schema: \['visitor_cookie'\]"):
        Engine(policy=policy, geoip=test_db)


REQUIRES = "[fields.event_type.requires]\n"


def test_the_fields_each_event_type_requires_are_the_policy_s() -> None:
    rule = load_policy().fields["event_type"]
    assert dict(rule.requires) == {
        "tap": ("x", "y"),
        "click": ("x", "y"),
        "scroll": ("scroll_depth",),
        "ab_exposure": ("experiment_id", "variant_id"),
        "conversion": ("conversion_goal",),
    }
    assert {t for t, _ in rule.requires} < set(rule.choices)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('tap = ["x", "y"]', 'tapp = ["x", "y"]', r"not among its choices: \['tapp'\]"),
        ('scroll = ["scroll_depth"]', 'scroll = ["url"]', r"may be null, not \['url'\]"),
        ('scroll = ["scroll_depth"]', 'scroll = ["depth"]', r"may be null, not \['depth'\]"),
        ('scroll = ["scroll_depth"]', 'scroll = "scroll_depth"', "lists of fields"),
        (REQUIRES, '[fields.title.requires]\npage = ["x"]\n[fields.event_type.requires]\n',
         r"field title: requires names values that are not among its choices"),
    ],
)  # fmt: skip
def test_a_bad_requires_table_is_refused(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in TEXT
    with pytest.raises(ConfigError, match=message):
        load_policy(_write(tmp_path, TEXT.replace(old, new, 1)))


def test_validation_requires_what_the_policy_says(tmp_path: Path, ring, test_db) -> None:
    more = TEXT.replace(REQUIRES, REQUIRES + 'page_view = ["referrer"]\n', 1)
    engine = Engine(policy=load_policy(_write(tmp_path, more)), geoip=test_db)
    reject = only_reject(engine, dumps(valid_event(referrer=None)))
    assert (reject.reason, reject.field, reject.step) == (
        Reason.INCONSISTENT,
        "referrer",
        "validate",
    )
    start = TEXT.index(REQUIRES)
    end = TEXT.index("\n[", start + 1) + 1
    none = _write(tmp_path, TEXT[:start] + TEXT[end:])
    engine = Engine(policy=load_policy(none), geoip=test_db)
    assert only_record(engine, dumps(valid_event(event_type="tap")))["x"] is None
