"""Identifiers planted anywhere in any text field, in any encoding, never come out of the engine.

The check is made on the normalized view of every output string (what a reader would see after
NFKC, entity and percent decoding), and on the record's digits alone where the identifier is a
number, so a separator or an encoding cannot hide a leak.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.core import Engine
from pipeline.core.normalize import normalize_text
from tests.core.core_events import DAYS, dumps, valid_event
from tests.core.written_forms import full_width, luhn_complete, my_number

SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


letters = st.text("abcdefghijklmnopqrstuvwxyz", min_size=8, max_size=12)
digits = st.text("0123456789", min_size=1, max_size=1)


@st.composite
def emails(draw: st.DrawFn) -> tuple[str, str]:
    """(text as planted, the identifying core that must not come out)."""
    local, domain = draw(letters), draw(st.sampled_from(["example.jp", "mail.example.com"]))
    forms = [
        f"{local}@{domain}",
        full_width(f"{local}@{domain}"),
        f"{local}＠{domain}",
        f"{local}﹫{domain}",
        f"{local}%40{domain}",
        f"{local}%2540{domain}",
        f"{local}%252540{domain}",
        f"{local}%EF%BC%A0{domain}",
        f"{local}&#64;{domain}",
        f"{local}&#x40;{domain}",
        f"{local} (at) {domain}",
        f"{local} [at] {domain}",
        f"{local} @ {domain}",
        f'"{local}"@{domain}',
        f"{local[:3]}\u200b{local[3:]}@{domain}",
    ]
    return draw(st.sampled_from(forms)), local


@st.composite
def numbers(draw: st.DrawFn) -> tuple[str, str]:
    """Phones, cards, My Numbers and member ids, in their written forms; the core is digits."""
    d = [draw(st.text("0123456789", min_size=n, max_size=n)) for n in (4, 4, 4, 11)]
    area = draw(st.sampled_from(["03", "06", "090", "080", "070"]))
    card = luhn_complete("4" + d[0] + d[1] + d[2][:2] + "0")[:15]
    card = luhn_complete(card)
    member = draw(st.sampled_from("123456789")) + d[0] + d[1][:3]
    forms = [
        (f"{area}-{d[0]}-{d[1]}", area + d[0] + d[1]),
        (f"({area}) {d[0]}-{d[1]}", area + d[0] + d[1]),
        (f"+81 {area[1:]} {d[0]} {d[1]}", area[1:] + d[0] + d[1]),
        (f"+81-{area[1:]}-{d[0]}-{d[1]}", area[1:] + d[0] + d[1]),
        (" ".join(card[i : i + 4] for i in range(0, 16, 4)), card),
        ("-".join(card[i : i + 4] for i in range(0, 16, 4)), card),
        (my_number(d[3]), my_number(d[3])),
        (member, member),
    ]
    written, core = draw(st.sampled_from(forms))
    if draw(st.booleans()):
        written = full_width(written)
    return written, core


@st.composite
def coordinates(draw: st.DrawFn) -> tuple[str, str]:
    lat = draw(st.integers(20_000_000, 45_999_999)) / 1_000_000
    lon = draw(st.integers(122_000_000, 153_999_999)) / 1_000_000
    sep = draw(st.sampled_from([",", ", ", "%2C"]))
    return f"{lat:.6f}{sep}{lon:.6f}", f"{lat:.6f}"


identifiers = st.one_of(emails(), numbers(), coordinates())
fillers = st.sampled_from(["", " ", "お問い合わせ ", "Contact: ", "・", "(", "/", "a "])


def _plant(event: dict[str, Any], field: str, written: str, before: str, after: str) -> None:
    if field == "url":
        event["url"] = f"https://shop.example.jp/p/{quote(before + written + after, safe='')}/x"
    elif field == "utm":
        value = quote(before + written + after, safe="")
        event["url"] = f"https://shop.example.jp/p/shoes?utm_content={value}"
    elif field == "referrer":
        event["referrer"] = f"https://www.example.com/{quote(before + written + after, safe='')}"
    else:
        event[field] = f"{before}{written}{after}"


TEXT_FIELDS = ["title", "user_agent", "platform", "experiment_id", "conversion_goal"]


def _visible(record: dict[str, Any]) -> tuple[str, str]:
    """The record's strings, normalized and lower-cased; and the digits among them alone."""
    text = " ".join(normalize_text(v) for v in record.values() if isinstance(v, str)).lower()
    return text, re.sub(r"[^0-9]", "", text)


@SETTINGS
@given(
    planted=identifiers,
    field=st.sampled_from([*TEXT_FIELDS, "url", "utm", "referrer"]),
    before=fillers,
    after=fillers,
)
def test_planted_identifiers_never_come_out(
    engine: Engine, planted: tuple[str, str], field: str, before: str, after: str
) -> None:
    written, core = planted
    event = valid_event()
    _plant(event, field, written, before, after)
    result = engine.process([dumps(event)], DAYS)
    assert len(result.records) + len(result.rejects) == 1
    for record in result.records:
        text, digits = _visible(engine.as_dict(record))
        assert core.lower() not in text, (field, written)
        if core.isdigit():
            assert core not in digits, (field, written)


@pytest.mark.parametrize("scheme", ["mailto:", "tel:", "sms:", "data:text/plain,", "javascript:"])
def test_a_referrer_of_another_scheme_keeps_nothing(engine: Engine, scheme: str) -> None:
    event = valid_event(referrer=f"{scheme}hanakoyamada@example.jp")
    result = engine.process([dumps(event)], DAYS)
    assert len(result.records) == 1
    assert engine.as_dict(result.records[0])["referrer"] is None
