"""Detectors and scrub_text: identifiers in every written form never come out; benign text does.

Each property plants one identifier, in one of its written forms, anywhere in random text
(ASCII, Japanese, punctuation), and checks the identifying core is absent from the normalized
view of what scrub_text returns (for numbers: from the output's digits alone).
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.core.detect import MARKERS, Kind, find, redact
from pipeline.core.normalize import normalize_text
from pipeline.core.scrub_text import scrub_text
from tests.core.written_forms import full_width, luhn_complete, my_number

SETTINGS = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
JOINTS = [" ", "、", "。", "(", ")", "（", "）", ":", "：", "・", "/", "-", "\n", "「", "」", "は"]
filler = st.text(
    st.sampled_from(list("abcXYZ .,;:!?()[]-_/'\"") + list("お問い合わせ連絡先です。、【】「」")),
    max_size=12,
)


def percent(text: str, times: int) -> str:
    for _ in range(times):
        text = quote(text, safe="")
    return text


def zero_width(text: str, at: int) -> str:
    at = at % (len(text) + 1)
    return text[:at] + "\u200b" + text[at:]


def _scrubbed(draw: st.DrawFn, written: str, *, versions: bool = False) -> str:
    before, after = draw(filler), draw(filler)
    # In a user agent, `Name/1.2.3.4` is a version (documented): not planted after a `/` there.
    joints = [j for j in JOINTS if j != "/"] if versions else JOINTS
    text = f"{before}{draw(st.sampled_from(joints))}{written}{draw(st.sampled_from(JOINTS))}{after}"
    return normalize_text(scrub_text(text, 4096, versions=versions))


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _obfuscated(draw: st.DrawFn, written: str) -> str:
    """`written` in a random encoding: full-width, percent (1-3 times), a zero-width space."""
    how = draw(st.sampled_from(["plain", "full", "percent", "zero"]))
    if how == "full":
        return full_width(written)
    if how == "percent":
        return percent(written, draw(st.integers(1, 3)))
    if how == "zero":
        return zero_width(written, draw(st.integers(0, 40)))
    return written


# --- e-mail addresses ----------------------------------------------------------------------------

local_parts = st.from_regex(r"[a-z]{3,6}[._+-]?[a-z0-9]{3,6}", fullmatch=True)
domains = st.sampled_from(["example.jp", "mail.example.com", "example.co.jp", "sub.example.com"])


@st.composite
def planted_emails(draw: st.DrawFn) -> tuple[str, str, str]:
    local, domain = draw(local_parts), draw(domains)
    at = draw(
        st.sampled_from(
            ["@", "＠", "﹫", "%40", "%2540", "%252540", "%EF%BC%A0", "&#64;", "&#x40;",
             "&commat;", " (at) ", " [at] ", "{at}", " @ ", "@ ", "★", "(アットマーク)"]
        )
    )  # fmt: skip
    dotted = domain
    if at in (" (at) ", " [at] ") and draw(st.booleans()):
        dotted = domain.replace(".", draw(st.sampled_from([" (dot) ", "[dot]", " dot "])))
    written = f"{local}{at}{dotted}"
    if draw(st.booleans()):
        written = f'"{local}"@{domain}'
    elif draw(st.booleans()):
        written = _obfuscated(draw, written)
    return written, local, domain


@SETTINGS
@given(st.data(), planted_emails(), st.booleans())
def test_an_address_never_comes_out(data: st.DataObject, planted, versions: bool) -> None:
    written, local, domain = planted
    out = _scrubbed(data.draw, written, versions=versions)
    assert local not in out and domain not in out, (written, out)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hanako at example dot jp", "[email]"),
        ("mail: hanako [at] example [dot] co [dot] jp まで", "mail: [email] まで"),
        ('"hanako yamada"@example.jp', "[email]"),
        ("お問い合わせはhanako@example.jpまで", "お問い合わせは[email]まで"),
        ("ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｊｐ", "[email]"),
        ("taro@localhost", "[email]"),
        ("follow @example_shop on X", "follow @example_shop on X"),
        ("follow @shop.example.jp", "follow @shop.example.jp"),
        ("/static/img/logo@2x.png", "/static/img/logo@2x.png"),
        ("3個@1,200円", "3個@1,200円"),
        ("Price @ 3.50", "Price @ 3.50"),
        ("Available at example.com and in stores", "Available at example.com and in stores"),
    ],
)
def test_email_forms(text: str, expected: str) -> None:
    assert scrub_text(text, 512) == expected


# --- IP addresses --------------------------------------------------------------------------------


@st.composite
def planted_ips(draw: st.DrawFn) -> tuple[str, str]:
    v4 = draw(st.sampled_from(["192.0.2.", "198.51.100.", "203.0.113."])) + str(
        draw(st.integers(1, 254))
    )
    v6 = f"2001:db8:{draw(st.integers(1, 0xFFFF)):x}::{draw(st.integers(1, 0xFFFF)):x}"
    forms = [
        (v4, v4),
        (".".join(f"{int(p):03d}" for p in v4.split(".")), v4),
        (f"host.{v4}", v4),
        (f"x{v4}", v4),
        (f"{v4}:8080", v4),
        (v6, v6),
        (f"IPv6:{v6}", v6),
        (f"[{v6}]:443", v6),
        (f"{v6}%eth0", v6),
        (v6.upper(), v6),
        (str(__import__("ipaddress").ip_address(v6).exploded), v6),
        (f"::ffff:{v4}", v4),
    ]
    written, core = draw(st.sampled_from(forms))
    return _obfuscated(draw, written), core


@SETTINGS
@given(st.data(), planted_ips(), st.booleans())
def test_an_ip_address_never_comes_out(data: st.DataObject, planted, versions: bool) -> None:
    written, core = planted
    out = _scrubbed(data.draw, written, versions=versions).lower()
    assert core.lower() not in out, (written, out)
    full = str(__import__("ipaddress").ip_address(core).exploded)
    assert full not in out


def test_a_version_in_a_user_agent_stays() -> None:
    ua = "Mozilla/5.0 Chrome/131.0.0.0 Safari/537.36"
    assert scrub_text(ua, 512, versions=True) == ua
    assert scrub_text(ua, 512) == "Mozilla/5.0 Chrome/[ip] Safari/537.36"


# --- phone numbers, cards, My Numbers, member numbers --------------------------------------------


@st.composite
def planted_numbers(draw: st.DrawFn) -> tuple[str, str]:
    d4 = [draw(st.from_regex(r"[0-9]{4}", fullmatch=True)) for _ in range(3)]
    area = draw(st.sampled_from(["03", "06", "045", "090", "080", "070", "0466"]))
    rest = f"{d4[0]}-{d4[1]}" if len(area) <= 3 else f"{d4[0][:2]}-{d4[1]}"
    national = area + _digits(rest)
    sep = draw(st.sampled_from(["-", " ", ".", "ー", "−"]))
    card = luhn_complete(draw(st.sampled_from(["4", "5", "35"])) + "".join(d4))[:15]
    card = luhn_complete(card)
    mine = my_number(draw(st.from_regex(r"[0-9]{11}", fullmatch=True)))
    member = draw(st.from_regex(r"[1-9][0-9]{6,10}", fullmatch=True))
    forms = [
        (f"{area}{sep}{rest.replace('-', sep)}", national),
        (f"({area}) {rest}", national),
        (national, national),
        (f"+81 {national[1:3]} {national[3:7]} {national[7:]}", national[1:]),
        (f"+81-{area[1:]}-{rest}", national[1:]),
        (f"+1 (415) 555-{d4[2]}", "415555" + d4[2]),
        (f"+44 20 {d4[0]} {d4[1]}", "20" + d4[0] + d4[1]),
        (f"0120-{d4[0][:3]}-{d4[1][:3]}", f"0120{d4[0][:3]}{d4[1][:3]}"),
        (" ".join(card[i : i + 4] for i in range(0, 16, 4)), card),
        ("-".join(card[i : i + 4] for i in range(0, 16, 4)), card),
        (card, card),
        (mine, mine),
        (f"{mine[:4]} {mine[4:8]} {mine[8:]}", mine),
        (f"会員番号{member}", member),
        (f"Order #{member}", member),
    ]
    written, core = draw(st.sampled_from(forms))
    return _obfuscated(draw, written), core


@SETTINGS
@given(st.data(), planted_numbers())
def test_a_number_never_comes_out(data: st.DataObject, planted) -> None:
    written, core = planted
    out = _scrubbed(data.draw, written)
    assert core not in _digits(out), (written, out)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("03-1234-5678", Kind.PHONE),
        ("090-1234-5678", Kind.PHONE),
        ("(03) 1234-5678", Kind.PHONE),
        ("0312345678", Kind.PHONE),
        ("0120-123-456", Kind.PHONE),
        ("+81 80 1234 5678", Kind.PHONE),
        ("+81-3-1234-5678", Kind.PHONE),
        ("+1 (415) 555-0100", Kind.PHONE),
        ("+44 20 7946 0958", Kind.PHONE),
        ("4111 1111 1111 1111", Kind.CARD),
        ("4111-1111-1111-1111", Kind.CARD),
        ("378282246310005", Kind.CARD),
        ("123456789018", Kind.ID),
        ("1234 5678 9018", Kind.ID),
        ("会員番号 12345678", Kind.ID),
        ("550e8400-e29b-41d4-a716-446655440000", Kind.ID),
        ("00:1A:2B:3C:4D:5E", Kind.ID),
        ("34.702485,135.495951", Kind.GEO),
        ("34.702485, 135.495951", Kind.GEO),
        ("-33.868820 151.209290", Kind.GEO),
        ("a3f9c2e17b4d8e6f", Kind.TOKEN),
        ("kJ8mN2pQ4rS6tU8vW0", Kind.TOKEN),
        ("SGVsbG8gV29ybGQhIQ==", Kind.TOKEN),
        ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl", Kind.TOKEN),
    ],
)
def test_each_kind_is_found(text: str, kind: Kind) -> None:
    assert [f.kind for f in find(text)] == [kind], text
    assert MARKERS[kind] in redact(text)


def test_labelled_coordinates() -> None:
    assert redact("lat=34.70&lng=135.49") == "lat=[geo]&lng=[geo]"
    assert redact("map @34.702485,135.495951,17z") == "map @[geo],17z"


@SETTINGS
@given(st.data(), st.integers(-89_999_999, 89_999_999), st.integers(-179_999_999, 179_999_999))
def test_coordinates_never_come_out(data: st.DataObject, lat: int, lon: int) -> None:
    core = f"{lat / 1e6:.6f}"
    written = f"{core}{data.draw(st.sampled_from([',', ', ', '%2C', ';']))}{lon / 1e6:.6f}"
    assert core not in _scrubbed(data.draw, written)


@pytest.mark.parametrize("before", ["X:", "X::", "a:", "ffff:", "::"])
@pytest.mark.parametrize("after", [":", "::", ":ab", ""])
@pytest.mark.parametrize(
    "address", ["2001:0db8:0001:0000:0000:0000:0000:0001", "2001:db8:1:0:0:0:0:1", "2001:db8:1::1"]
)
def test_an_address_with_more_colon_groups_around_it_is_still_found(
    before: str, after: str, address: str
) -> None:
    # Extra groups make the run no valid address as written: the address inside is still one.
    out = scrub_text(f"{before}{address}{after} x", 512).lower()
    assert "0db8:0001" not in out and "db8:1" not in out, out
