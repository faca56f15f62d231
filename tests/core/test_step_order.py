"""The identity steps run together and cannot reject: the engine refuses any other order."""

from __future__ import annotations

import pytest

import pipeline.core.engine as engine_module
from pipeline.core import Engine, Reason
from pipeline.core.engine import IDENTITY_STEPS
from pipeline.core.keys import KeyRing
from pipeline.core.policy import load_policy
from pipeline.core.steps.day_key import FindDayKey
from pipeline.core.steps.identity import Geolocate, Pseudonymize
from pipeline.core.steps.own_addresses import ForgetAddresses
from pipeline.core.steps.validate import Validate
from pipeline.errors import ConfigError


def test_the_identity_steps_run_together_and_cannot_reject(engine: Engine) -> None:
    names = [s.name for s in engine.steps]
    start = names.index(IDENTITY_STEPS[0])
    assert tuple(names[start : start + len(IDENTITY_STEPS)]) == IDENTITY_STEPS
    assert names[:start] == ["limit_size", "decode", "find_day_key"]
    assert not any(s.reasons for s in engine.steps[start : start + len(IDENTITY_STEPS)])


class RejectingPseudonymize(Pseudonymize):
    """A pseudonymize step that declares it may reject: must be refused at start-up."""

    reasons = frozenset({Reason.BAD_VALUE})


class RejectingGeolocate(Geolocate):
    reasons = frozenset({Reason.OUT_OF_RANGE})


class RejectingForgetAddresses(ForgetAddresses):
    reasons = frozenset({Reason.BAD_VALUE})


@pytest.mark.parametrize(
    ("name", "replacement"),
    [
        ("Pseudonymize", RejectingPseudonymize),
        ("Geolocate", RejectingGeolocate),
        ("ForgetAddresses", RejectingForgetAddresses),
    ],
)
def test_a_rejecting_identity_step_is_refused(
    monkeypatch: pytest.MonkeyPatch, ring: KeyRing, test_db, name: str, replacement: type
) -> None:
    monkeypatch.setattr(engine_module, name, replacement)
    with pytest.raises(ConfigError, match="must not reject"):
        Engine(geoip=test_db)


def test_a_rejecting_step_between_resolve_client_and_drop_identifiers_is_refused(
    monkeypatch: pytest.MonkeyPatch, ring: KeyRing, test_db
) -> None:
    policy = load_policy()

    def validate_instead_of_geolocate(geo: object) -> Validate:
        return Validate(policy)

    monkeypatch.setattr(engine_module, "Geolocate", validate_instead_of_geolocate)
    with pytest.raises(ConfigError, match="run together"):
        Engine(geoip=test_db)


def test_own_addresses_are_forgotten_while_the_ip_is_in_hand(engine: Engine) -> None:
    names = [s.name for s in engine.steps]
    assert names.index("pseudonymize") < names.index("forget_addresses")
    assert names.index("forget_addresses") + 1 == names.index("drop_identifiers")


def test_nothing_but_intake_and_the_day_key_may_run_before_the_identity_steps(
    monkeypatch: pytest.MonkeyPatch, test_db
) -> None:
    policy = load_policy()

    class ValidateFirst(FindDayKey):
        def __init__(self, tools: object) -> None:
            self.validate = Validate(policy)

        name = "validate"  # type: ignore[assignment]

    monkeypatch.setattr(engine_module, "FindDayKey", ValidateFirst)
    with pytest.raises(ConfigError, match="may run before the identity steps"):
        Engine(geoip=test_db)
