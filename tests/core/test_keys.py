"""Key ring parsing: every mistake a ConfigError that never quotes the secret; sub-keys per purpose."""

from __future__ import annotations

import base64

import pytest

from pipeline.core.keys import MIN_KEY_BYTES, Key, KeyRing, Purpose
from pipeline.errors import ConfigError
from tests.core.core_events import make_ring, secret_for

SECRET = base64.b64encode(secret_for("sensitive")).decode()
SHORT = base64.b64encode(b"s3cr3t-but-too-short-xyz").decode()


@pytest.mark.parametrize("spec", [None, "", "   ", "\n"])
def test_a_missing_or_empty_spec_is_a_config_error(spec: str | None) -> None:
    with pytest.raises(ConfigError, match="ANONYMIZER_KEYS is not set"):
        KeyRing.parse(spec)


@pytest.mark.parametrize(
    ("spec", "message", "secrets"),
    [
        (SECRET, "not of the form ID:BASE64", [SECRET]),
        (f"k1:{SECRET},{SECRET}", "entry 2 is not of the form", [SECRET]),
        (f":{SECRET}", "invalid key id", [SECRET]),
        (f"bad id:{SECRET}", "invalid key id", [SECRET]),
        (f"{'x' * 33}:{SECRET}", "invalid key id", [SECRET]),
        (f"k1:{SECRET[:-4]}!!!!", "not valid base64", [SECRET[:-4]]),
        (f"k1:{SECRET[:-1]}", "not valid base64", [SECRET[:-1]]),
        (f"k1:{SHORT}", f"at least {MIN_KEY_BYTES} random bytes", [SHORT]),
        ("k1:", "0 bytes", []),
        (f"k1:{SECRET},k1:{SECRET}", "appears twice", [SECRET]),
        (f"k1:{SECRET},,k2:{SECRET}", "entry 2", [SECRET]),
    ],
)
def test_malformed_keys_are_config_errors_that_hide_the_secret(
    spec: str, message: str, secrets: list[str]
) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        KeyRing.parse(spec)
    text = str(caught.value) + repr(caught.value)
    for secret in secrets:
        assert secret not in text
        assert secret[:12] not in text
    raw = base64.b64decode(SECRET)
    assert raw.hex() not in text


def test_the_source_name_is_in_the_message() -> None:
    with pytest.raises(ConfigError, match="MY_KEYS"):
        KeyRing.parse("", source="MY_KEYS")


def test_a_good_ring_parses_with_the_first_key_active() -> None:
    spec = f" new : {SECRET} , old:{base64.b64encode(secret_for('old')).decode()}"
    ring = KeyRing.parse(spec.replace(" : ", ":"))
    assert ring.ids == ("new", "old")
    assert ring.active.key_id == "new"
    assert ring.get("old") is not None
    assert ring.get("missing") is None
    assert ring.active.secret == secret_for("sensitive")


def test_repr_and_str_never_show_the_secret() -> None:
    ring = make_ring("k1", "k0")
    for key in ring.keys:
        for text in (repr(key), str(key), repr(ring), str(ring)):
            assert key.secret.hex() not in text
            assert base64.b64encode(key.secret).decode() not in text
            assert repr(key.secret)[2:-1][:16] not in text
    assert "k1" in repr(ring.active)


def test_sub_keys_differ_per_purpose_and_per_key() -> None:
    key = make_ring("k1").active
    derived = {purpose: key.derive(purpose) for purpose in Purpose}
    assert len(set(derived.values())) == len(Purpose)
    assert all(len(d) == 32 for d in derived.values())
    assert key.secret not in derived.values()
    assert key.derive(Purpose.VISITOR) == derived[Purpose.VISITOR]  # deterministic
    other = make_ring("k2").active
    assert other.derive(Purpose.VISITOR) != derived[Purpose.VISITOR]
    same_secret_other_id = Key("other", key.secret)
    assert same_secret_other_id.derive(Purpose.SEAL) == derived[Purpose.SEAL]
