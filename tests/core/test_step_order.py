"""The identity steps run together and cannot reject: the engine refuses any other order."""

from __future__ import annotations

import pytest

import pipeline.core.engine as engine_module
from pipeline.core import Engine, Reason
from pipeline.core.engine import check_step_order
from pipeline.core.keys import KeyRing
from pipeline.core.steps import IDENTITY, STEPS
from pipeline.core.steps.base import Step
from pipeline.core.steps.day_key import FindDayKey
from pipeline.core.steps.identity import DropIdentifiers, Geolocate, Pseudonymize, ResolveClient
from pipeline.core.steps.intake import Decode
from pipeline.core.steps.own_addresses import ForgetAddresses
from pipeline.core.steps.validate import Validate
from pipeline.errors import ConfigError


def _replaced(old: type[Step], new: type[Step]) -> tuple[type[Step], ...]:
    assert old in STEPS
    return tuple(new if s is old else s for s in STEPS)


def _moved(step: type[Step], before: type[Step]) -> tuple[type[Step], ...]:
    rest = [s for s in STEPS if s is not step]
    rest.insert(rest.index(before), step)
    return tuple(rest)


def test_the_identity_steps_run_together_and_cannot_reject(engine: Engine) -> None:
    names = [s.name for s in engine.steps]
    identity = [s.name for s in engine.steps if s.holds_raw_ip]
    start = names.index(identity[0])
    assert names[start : start + len(identity)] == identity == [s.name for s in IDENTITY]
    assert identity[-1] == "drop_identifiers"
    assert names[:start] == ["limit_size", "decode", "find_day_key"]
    assert not any(s.reasons for s in engine.steps if s.holds_raw_ip)


class RejectingPseudonymize(Pseudonymize):
    """A pseudonymize step that declares it may reject: must be refused at start-up."""

    reasons = frozenset({Reason.BAD_VALUE})


class RejectingGeolocate(Geolocate):
    reasons = frozenset({Reason.OUT_OF_RANGE})


class RejectingForgetAddresses(ForgetAddresses):
    reasons = frozenset({Reason.BAD_VALUE})


@pytest.mark.parametrize(
    ("old", "replacement"),
    [
        (Pseudonymize, RejectingPseudonymize),
        (Geolocate, RejectingGeolocate),
        (ForgetAddresses, RejectingForgetAddresses),
    ],
)
def test_a_rejecting_identity_step_is_refused_at_start_up(
    monkeypatch: pytest.MonkeyPatch, ring: KeyRing, test_db, old: type, replacement: type
) -> None:
    monkeypatch.setattr(engine_module, "STEPS", _replaced(old, replacement))
    with pytest.raises(ConfigError, match=f"must not reject: {old.name}$"):
        Engine(geoip=test_db)


def test_a_step_that_holds_the_raw_ip_and_rejects_is_refused(
    monkeypatch: pytest.MonkeyPatch, test_db
) -> None:
    class ValidateHoldingTheIp(Validate):
        holds_raw_ip = True

    # Validate, marked as holding the raw IP, runs among the identity steps.
    steps = _moved(ValidateHoldingTheIp, DropIdentifiers)
    monkeypatch.setattr(engine_module, "STEPS", tuple(s for s in steps if s is not Validate))
    with pytest.raises(ConfigError, match="must not reject: validate"):
        Engine(geoip=test_db)


def test_a_rejecting_step_among_the_identity_steps_is_refused(
    monkeypatch: pytest.MonkeyPatch, ring: KeyRing, test_db
) -> None:
    monkeypatch.setattr(engine_module, "STEPS", _moved(Validate, Pseudonymize))
    with pytest.raises(ConfigError, match="run together"):
        Engine(geoip=test_db)


def test_own_addresses_are_forgotten_while_the_ip_is_in_hand(engine: Engine) -> None:
    names = [s.name for s in engine.steps]
    assert names.index("pseudonymize") < names.index("forget_addresses")
    assert names.index("forget_addresses") + 1 == names.index("drop_identifiers")


def test_nothing_but_intake_and_the_day_key_may_run_before_the_identity_steps(
    monkeypatch: pytest.MonkeyPatch, test_db
) -> None:
    monkeypatch.setattr(engine_module, "STEPS", _moved(Validate, ResolveClient))
    with pytest.raises(ConfigError, match="only limit_size, decode, find_day_key may run before"):
        Engine(geoip=test_db)


def test_the_identity_steps_run_right_after_the_day_key_is_found(
    monkeypatch: pytest.MonkeyPatch, test_db
) -> None:
    monkeypatch.setattr(engine_module, "STEPS", _moved(FindDayKey, Decode))
    with pytest.raises(ConfigError, match="right after find_day_key"):
        Engine(geoip=test_db)


def test_the_identity_steps_end_with_drop_identifiers(
    monkeypatch: pytest.MonkeyPatch, test_db
) -> None:
    monkeypatch.setattr(engine_module, "STEPS", _moved(DropIdentifiers, ForgetAddresses))
    with pytest.raises(ConfigError, match="drop_identifiers must be the last identity step"):
        Engine(geoip=test_db)


def test_without_steps_that_hold_the_raw_ip_nothing_starts(engine: Engine) -> None:
    rest = [s for s in engine.steps if not s.holds_raw_ip]
    with pytest.raises(ConfigError, match=r"identity steps \(.*\) are missing"):
        check_step_order(rest)
