"""Red team, identifiers by their key: user and device id keys in user agents and text, and the
bare `ID:` label (split from test_detect_redteam.py, whose helpers it shares)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.core.normalize import normalize_text
from pipeline.core.scrub_text import scrub_text
from tests.core.test_detect import SETTINGS, _digits
from tests.core.test_detect_redteam import MARKER, unmarked

# --- 3. identifiers in user agents ---------------------------------------------------------------

USER_ID_KEYS = ["uid", "UID", "userid", "userId", "user_id", "user-id", "FBUID", "deviceid",
                "device_id", "idfa", "IDFA", "gaid", "adid", "member_id", "customer_id",
                "ID", "id", "会員ID", "ユーザーID"]  # fmt: skip


@SETTINGS
@given(
    st.data(),
    st.sampled_from(USER_ID_KEYS),
    st.sampled_from(["/", "=", ":", ": ", '":"']),
    st.from_regex(r"[A-Za-z0-9_-]{2,20}", fullmatch=True),
    st.booleans(),
)
def test_a_user_id_key_loses_its_value(data, key: str, sep: str, value: str, ua: bool) -> None:
    written = f"{key}{sep}{value}"
    out = normalize_text(scrub_text(f"Mozilla/5.0 App/1.2.3 ({written}; ja_JP)", 512, versions=ua))
    assert value not in unmarked(out).replace("Mozilla/5.0 App/1.2.3", ""), (written, out)
    assert re.search(MARKER.pattern + r"; ja_JP\)", out), (written, out)


@SETTINGS
@given(st.data(), st.from_regex(r"[1-9][0-9]{9,16}", fullmatch=True))
def test_ten_digits_are_an_id_even_after_a_name(data, number: str) -> None:
    name = data.draw(st.sampled_from(["FBUID/", "FBXX/", "App/", "(x; ", "; "]))
    out = scrub_text(f"Mozilla/5.0 [FBAN/FBIOS;{name}{number}]", 512, versions=True)
    assert number not in _digits(out), out


@pytest.mark.parametrize(
    ("ua", "expected"),
    [
        (
            "[FBAN/FBIOS;FBAV/442.0.0.45.109;FBID/phone;FBLC/ja_JP;FBUID/100004123456789]",
            "[FBAN/FBIOS;FBAV/442.0.0.45.109;FBID/phone;FBLC/ja_JP;FBUID/[id]]",
        ),
        (
            "Instagram 309.0.0.40.113 Android (33/13; 420dpi; ja_JP; 12345678901234)",
            "Instagram 309.0.0.40.113 Android (33/13; 420dpi; ja_JP; [id])",
        ),
        ("Line/14.19.1/IAB", "Line/14.19.1/IAB"),
        ("App/1.0 (userId=taro_yamada; gaid=x-1)", "App/1.0 (userId=[id]; gaid=[id])"),
        ("Fluid/2.0 Android", "Fluid/2.0 Android"),
    ],
)
def test_user_agents(ua: str, expected: str) -> None:
    assert scrub_text(ua, 512, versions=True) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ID: yamada_taro_1985 のマイページ", "ID: [id] のマイページ"),
        ("会員ID：yamada", "会員ID:[id]"),
        ("product id: SKU-1", "product id: [id]"),
        ("Android 14", "Android 14"),  # `id` inside a word is no key
        ("IDカード", "IDカード"),
        ("paid: yes", "paid: yes"),
    ],
)
def test_a_bare_id_label_marks_its_value(text: str, expected: str) -> None:
    assert scrub_text(text, 512) == expected
