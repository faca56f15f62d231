"""Language, charset and platform come out as members of their closed vocabularies: what a client
adds to a real value (a private-use subtag, a parameter, a host name) never reaches the output."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.core import Engine
from pipeline.core.closed_values import (
    OTHER,
    UNDETERMINED,
    reduce_charset,
    reduce_language,
    reduce_platform,
)
from pipeline.dev.traffic import agents
from tests.core.core_events import dumps, only_record, valid_event

LANGUAGE_FORM = re.compile(r"[a-z]{2,3}(-[A-Z][a-z]{3})?(-(?:[A-Z]{2}|\d{3}))?")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ja-JP", "ja-JP"),
        ("ja", "ja"),
        ("en-us", "en-US"),
        ("ja_JP", "ja-JP"),
        ("zh-Hant-TW", "zh-Hant-TW"),
        ("es-419", "es-419"),
        ("en-US,en;q=0.9,ja;q=0.8", "en-US"),
        ("ja-JP-x-taro", "ja-JP"),  # private use: anything at all
        ("ja-JP-u-ca-japanese", "ja-JP"),  # extensions
        ("de-DE-1996", "de-DE"),  # variants
        ("en-ZZ", "en"),  # no such country
        ("tlh", UNDETERMINED),  # no language GeoNames lists
        ("x-taro", UNDETERMINED),
        ("taro.yamada@example.jp", UNDETERMINED),
        ("*", UNDETERMINED),
    ],
)
def test_a_language_tag_keeps_only_known_language_script_and_region(
    value: str, expected: str
) -> None:
    assert reduce_language(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("UTF-8", "UTF-8"),
        ("utf-8", "UTF-8"),
        ("utf8", "UTF-8"),
        ("Shift_JIS", "Shift_JIS"),
        ("sjis", "Shift_JIS"),
        ("EUC-JP", "EUC-JP"),
        ("iso-2022-jp", "ISO-2022-JP"),
        ("windows-1252", "windows-1252"),
        ("latin1", "ISO-8859-1"),
        ('text/html; charset="utf-8"', "UTF-8"),
        ("UTF-8; user=taro", "UTF-8"),
        ("taro", OTHER),
        ("x-user-defined", OTHER),
        ("", ""),
    ],
)
def test_a_charset_is_a_known_character_set_under_its_iana_name(value: str, expected: str) -> None:
    assert reduce_charset(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Win32", "Win32"),
        ("MacIntel", "MacIntel"),
        ("Linux x86_64", "Linux x86_64"),
        ("Linux armv81", "Linux armv81"),  # what some Samsung browsers send
        ("linux  AARCH64", "Linux aarch64"),
        ("iPhone", "iPhone"),
        ("Linux taro-laptop", "Linux"),  # a host name after the family
        ("Linux 192.168.1.20", "Linux"),
        ("Taro's PC", OTHER),
        ("203.0.113.7", OTHER),
        ("", ""),
    ],
)
def test_a_platform_is_a_known_platform(value: str, expected: str) -> None:
    assert reduce_platform(value) == expected


def test_every_value_the_generator_sends_comes_out_as_it_went_in() -> None:
    """Honest values are not harmed (the generator's are browsers' real ones)."""
    languages = {lang for lang, _ in agents.JP_LANGUAGES}
    languages |= {lang for langs in agents.FOREIGN_LANGUAGES.values() for lang in langs}
    assert {reduce_language(v) for v in languages} == languages
    assert {reduce_platform(d.platform) for d in agents.DEVICES} == {
        d.platform for d in agents.DEVICES
    }
    assert {reduce_charset(c) for c in set(agents.CHARSETS)} == {"UTF-8", "Shift_JIS", "EUC-JP"}


_WORDS = st.text(alphabet=string.ascii_letters + string.digits + "-_.@;=, '\"", max_size=40)


@given(real=st.sampled_from(["ja-JP", "en-US", "zh-Hant-TW", "ko"]), extra=_WORDS)
def test_nothing_written_after_a_real_language_tag_comes_out(real: str, extra: str) -> None:
    out = reduce_language(f"{real}-x-{extra}")
    assert out == real
    assert LANGUAGE_FORM.fullmatch(reduce_language(extra)) or reduce_language(extra) == "und"


@given(value=st.text(max_size=60))
def test_every_output_is_a_member_of_its_vocabulary(value: str) -> None:
    language = reduce_language(value)
    assert language == UNDETERMINED or LANGUAGE_FORM.fullmatch(language)
    charset = reduce_charset(value)
    assert charset in ("", OTHER) or re.fullmatch(r"[A-Za-z0-9_.:+-]{1,40}", charset)
    assert charset in ("", OTHER) or reduce_charset(charset) == charset  # canonical: a fixpoint
    platform = reduce_platform(value)
    assert platform in ("", OTHER) or reduce_platform(platform) == platform
    # a platform is a family, with at most one architecture word
    assert len(platform.split()) <= 3


@given(name=st.from_regex(r"[a-z]{4,12}[0-9]{0,4}", fullmatch=True))
def test_a_name_planted_in_any_of_the_three_does_not_come_out(name: str) -> None:
    outputs = (
        reduce_language(f"ja-JP-x-{name[:8]}"),
        reduce_charset(f"UTF-8; user={name}"),
        reduce_platform(f"Linux {name}"),
    )
    assert not any(name in out for out in outputs if out not in ("Linux",)), outputs


def test_the_engine_reduces_the_three_fields(engine: Engine) -> None:
    event = valid_event(
        language="ja-JP-x-yamada", charset="UTF-8; user=yamada", platform="Linux yamada-laptop"
    )
    out = only_record(engine, dumps(event))
    assert (out["language"], out["charset"], out["platform"]) == ("ja-JP", "UTF-8", "Linux")
