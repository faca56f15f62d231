"""normalize_text: one view of text, a fixed point, cheap for plain ASCII."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.core.normalize import MAX_ROUNDS, OPAQUE, normalize_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｊｐ", "hanako@example.jp"),
        ("hanako\uff20example.jp", "hanako@example.jp"),
        ("hanako\ufe6bexample.jp", "hanako@example.jp"),
        ("hanako&#64;example.jp", "hanako@example.jp"),
        ("hanako&commat;example.jp", "hanako@example.jp"),
        ("hanako&#x40;example.jp", "hanako@example.jp"),
        ("hanako&#64example.jp", "hanako@example.jp"),
        ("hanako%40example.jp", "hanako@example.jp"),
        ("hanako%2540example.jp", "hanako@example.jp"),
        ("hanako%252540example.jp", "hanako@example.jp"),
        ("hanako%EF%BC%A0example.jp", "hanako@example.jp"),
        ("hanako%26%2364%3Bexample.jp", "hanako@example.jp"),
        ("hanako&#37;40example.jp", "hanako@example.jp"),
        ("ha\u200bna\u2060ko\ufeff@exa\u00admple.jp", "hanako@example.jp"),
        ("0\ufe0f9\u034f0-1234-5678", "090-1234-5678"),
        ("%E3%82%BF%E3%82%AA%E3%83%AB", "タオル"),
        ("ｶﾀｶﾅ　全角スペース", "カタカナ 全角スペース"),
    ],
)
def test_every_written_form_has_one_view(text: str, expected: str) -> None:
    assert normalize_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Chrome/131.0.0.0 Safari/537.36",
        "50% OFF & free shipping",
        "Up to 20%deal",  # %de is not UTF-8 by itself: it stays as written
        "%C0%80 %FF %E3%82",  # invalid or cut UTF-8 stays as written
        "Q&A &notation AT&T",  # a named reference needs its `;`
        "ふわふわ今治タオル 3枚セット【公式】",
        "¥12,800",
    ],
)
def test_text_that_encodes_nothing_is_unchanged(text: str) -> None:
    assert normalize_text(text) == text


def test_plain_ascii_is_returned_as_is() -> None:
    text = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
    assert normalize_text(text) is text


def test_text_still_decoding_after_the_last_round_is_opaque() -> None:
    nested = "taro%" + "25" * (MAX_ROUNDS + 2) + "40example.jp"
    assert normalize_text(nested) == OPAQUE
    alternating = "taro&#37;26#37;26#37;26#37;26#37;2640example.jp"
    assert normalize_text(alternating) == OPAQUE  # entities and escapes, one inside the other


alphabet = st.sampled_from(
    [*"aZ09@.%&#;x:- ", "%40", "%25", "&#64;", "&amp;", "&#x", "\u200b", "\u00ad", "＠",
                              "ｈ", "％", "＆", "e\u0301", "\u0301", "ﬁ", "㍿", "\ufe0f", "%E2%80%8B"]
)  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(st.lists(alphabet, max_size=30).map("".join) | st.text(max_size=40))
def test_normalizing_twice_changes_nothing(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=20))
def test_any_percent_encoded_bytes_never_raise(raw: bytes) -> None:
    text = "".join(f"%{b:02X}" for b in raw)
    assert normalize_text(normalize_text(text)) == normalize_text(text)
