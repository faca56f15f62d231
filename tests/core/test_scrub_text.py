"""scrub_text: the benign corpus comes out unchanged; the cut is made after scrubbing."""

from __future__ import annotations

import base64
import random
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.core.detect import MARKERS, Finding, Kind, find
from pipeline.core.normalize import normalize_text
from pipeline.core.scrub_text import EMAIL, IP, TOKEN, scrub_text
from tests.core.benign_corpus import BENIGN_PATHS, BENIGN_TEXT, USER_AGENTS

# --- benign text ---------------------------------------------------------------------------------


def test_the_benign_corpus_comes_out_unchanged(capsys: pytest.CaptureFixture[str]) -> None:
    changed = []
    for text in BENIGN_TEXT:
        out = scrub_text(text, 4096, versions=text in USER_AGENTS)
        if out != normalize_text(text):
            changed.append((text, out))
    changed += [(p, scrub_text(p, 4096)) for p in BENIGN_PATHS if scrub_text(p, 4096) != p]
    total = len(BENIGN_TEXT) + len(BENIGN_PATHS)
    with capsys.disabled():
        print(f"\nbenign corpus: {len(changed)} of {total} changed ({len(changed) / total:.2%})")
    assert len(BENIGN_TEXT) >= 300
    assert changed == []


# --- the cut -------------------------------------------------------------------------------------


def test_an_address_straddling_the_cut_leaves_nothing() -> None:
    text = "x" * 30 + " hanako.yamada@example.jp"
    for limit in range(1, 60):
        out = scrub_text(text, limit)
        assert len(out) <= limit
        assert "hanako" not in out and "yamada" not in out


@given(st.integers(1, 40), st.sampled_from(sorted(MARKERS.values())))
def test_the_cut_never_splits_a_marker(limit: int, marker: str) -> None:
    samples = {
        "[email]": "a@b.jp",
        "[ip]": "192.0.2.1",
        "[phone]": "03-1234-5678",
        "[card]": "4111111111111111",
        "[id]": "12345678",
        "[token]": "a3f9c2e17b4d8e6f",
        "[geo]": "34.702485,135.495951",
        "[name]": "山田様",
    }
    out = scrub_text(f"abc {samples[marker]} {samples[marker]}", limit)
    assert len(out) <= limit
    assert not re.search(r"\[[a-z]*\Z", out), out


def test_api() -> None:
    assert (EMAIL, IP, TOKEN) == ("[email]", "[ip]", "[token]")
    assert find("call 03-1234-5678 now") == [Finding(Kind.PHONE, 5, 17)]
    assert find("") == []


def test_random_tokens_in_free_text_are_caught_far_more_often_than_not() -> None:
    """Random letters-and-digits runs (20 characters, as base64 without + and /) in a title: a
    heuristic, so the rate is printed and held to a floor on a fixed sample."""
    rng = random.Random(7)
    tokens = [
        base64.b64encode(rng.randbytes(15)).decode().replace("+", "x").replace("/", "y")
        for _ in range(600)
    ]
    tokens = [t for t in tokens if any(c.isdigit() for c in t)]  # a run of letters is a word
    caught = sum(t not in scrub_text(f"code {t} here", 512) for t in tokens)
    print(f"\nrandom 20-character tokens caught in free text: {caught / len(tokens):.1%}")
    assert caught / len(tokens) >= 0.88


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("35°40'52.3\"N 139°46'02.1\"E", "[geo] [geo]"),
        ("35° 40′ 52″ N, 139° 46′ 2″ E", "[geo], [geo]"),
        ("北緯35度40分52秒 東経139度46分02秒", "北緯[geo] 東経[geo]"),
        ("N35.681236 E139.767125", "[geo] [geo]"),
        ("35.681236N,139.767125E", "[geo],[geo]"),
        ("35°40'52\"N", "[geo]"),
        ("気温25度、湿度60%", "気温25度、湿度60%"),  # a temperature, not a place
        ("角度45度の坂", "角度45度の坂"),
        ("35度40分", "35度40分"),  # degrees and minutes alone: an angle or a time
    ],
)
def test_coordinates_with_hemispheres_or_in_degrees_minutes_seconds(
    text: str, expected: str
) -> None:
    assert scrub_text(text, 512) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("山田太郎様のマイページ", "[name]様のマイページ"),
        ("鈴木 花子 さん、こんにちは", "[name] さん、こんにちは"),
        ("林様", "[name]様"),
        ("佐々木様", "[name]様"),
        ("直人さん", "[name]さん"),
        ("田中氏が登壇", "[name]氏が登壇"),
        ("ｙａｍａｄａ 山田様", "yamada [name]様"),
        # words that take the same honorifics, kept
        ("お客様各位", "お客様各位"),
        ("担当者様", "担当者様"),
        ("会員様限定セール", "会員様限定セール"),
        ("新仕様の説明", "新仕様の説明"),
        ("皆さん、たくさんの商品", "皆さん、たくさんの商品"),
        ("パン屋さんと本屋さん", "パン屋さんと本屋さん"),
        ("お子様向け", "お子様向け"),
        ("店長さんのおすすめ", "店長さんのおすすめ"),
        ("様々な商品", "様々な商品"),
        ("オーナー様専用", "オーナー様専用"),
    ],
)
def test_a_name_with_an_honorific_is_a_name(text: str, expected: str) -> None:
    assert scrub_text(text, 512) == expected


@pytest.mark.parametrize(
    "text", ["taro@[192.0.2.1]", "mail taro@[IPv6:2001:db8::1] now", "ｔａｒｏ＠［192.0.2.1］"]
)
def test_an_address_literal_as_the_domain_takes_the_local_part_with_it(text: str) -> None:
    out = scrub_text(text, 512)
    assert "taro" not in out and "[email]" in out
