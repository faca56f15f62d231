"""Scrubbing: personal data out of free text and URLs; benign text left exactly as it was."""

from __future__ import annotations

import pytest

from pipeline.core import Engine
from pipeline.core.policy import load_policy
from pipeline.core.scrub_text import scrub_text
from pipeline.core.url.scrub import normalize_url
from pipeline.core.user_agent import reduce_user_agent
from tests.core.core_events import CHROME_UA, dumps, only_record, valid_event

POLICY = load_policy()
LIMITS = {name: rule.max_length for name, rule in POLICY.fields.items() if rule.max_length}

EMAIL = "taro.yamada+shop@example.co.jp"


def _out(engine: Engine, **fields) -> dict:
    return only_record(engine, dumps(valid_event(**fields)))


# --- e-mail addresses ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        (
            "title",
            f"Order confirmation for {EMAIL} | Shop",
            "Order confirmation for [email] | Shop",
        ),
        (
            "title",
            f"ご注文ありがとうございます（{EMAIL}）",
            None,
        ),
        ("title", f"<{EMAIL}>", "<[email]>"),
        ("title", "taro.yamada%40example.co.jp", "[email]"),
        ("user_agent", f"Mozilla/5.0 (contact {EMAIL}) Chrome/131.0.0.0", None),
        ("experiment_id", f"exp-{EMAIL}", "[email]"),
        ("url", f"https://shop.example.jp/users/{EMAIL}/orders", None),
        ("url", "https://shop.example.jp/users/taro.yamada%40example.co.jp/orders", None),
        ("url", f"https://shop.example.jp/?utm_source={EMAIL}&utm_medium=mail", None),
        ("url", "https://shop.example.jp/?utm_source=taro%40example.co.jp", None),
        ("referrer", f"https://shop.example.jp/inbox/{EMAIL}", None),  # same site: path scrubbed
    ],
)
def test_email_addresses_are_removed(
    engine: Engine, field: str, value: str, expected: str | None
) -> None:
    out = _out(engine, **{field: value})
    assert "example.co.jp" not in out[field] or "shop.example.jp" in out[field]
    assert "taro" not in out[field]
    assert "[email]" in out[field]
    if expected is not None:
        assert out[field] == expected


def test_japanese_text_around_an_address_is_kept() -> None:
    # The output is the NFKC view: full-width brackets and colons come out as ASCII ones.
    assert (
        scrub_text("ご注文ありがとうございます（a@b.jp）", 512)
        == "ご注文ありがとうございます([email])"
    )
    assert scrub_text("お問い合わせ：a@b.jp まで", 512) == "お問い合わせ:[email] まで"
    assert scrub_text("お問い合わせはa@b.jpまで", 512) == "お問い合わせは[email]まで"


DOUBLE_ENCODED = "taro%2540example.com"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", DOUBLE_ENCODED),
        ("url", f"https://shop.example.jp/u/{DOUBLE_ENCODED}"),
        ("url", f"https://shop.example.jp/?utm_source={DOUBLE_ENCODED}"),
    ],
)
def test_double_encoded_email_addresses_are_removed(engine: Engine, field: str, value: str) -> None:
    out = _out(engine, **{field: value})
    assert "taro" not in out[field]


def test_a_handle_is_not_an_address() -> None:
    assert scrub_text("follow @example_shop on X", 512) == "follow @example_shop on X"


# --- IP addresses --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("title", "Server 203.0.113.7 status", "Server [ip] status"),
        ("title", "Server 2001:db8::7 status", "Server [ip] status"),
        ("title", "link-local fe80::1%eth0 up", "link-local [ip] up"),
        ("title", "mapped ::ffff:203.0.113.7 here", "mapped [ip] here"),
        ("user_agent", f"{CHROME_UA} 203.0.113.7", f"{CHROME_UA} [ip]"),
        ("user_agent", f"{CHROME_UA} 2001:db8::7", f"{CHROME_UA} [ip]"),
        ("platform", "203.0.113.7", "[other]"),
        ("url", "https://203.0.113.7/admin", "https://[ip]/admin"),
        ("url", "https://203.0.113.7:8080/admin", "https://[ip]:8080/admin"),
        ("url", "https://[2001:db8::7]:443/x", "https://[ip]/x"),  # default port dropped
        (
            "url",
            "https://shop.example.jp/hosts/203.0.113.7/",
            "https://shop.example.jp/hosts/[ip]/",
        ),
        (
            "url",
            "https://shop.example.jp/?utm_content=203.0.113.7",
            "https://shop.example.jp/?utm_content=[ip]",
        ),
        ("referrer", "http://2001:db8::7/", None),
    ],
)
def test_ip_addresses_are_removed(
    engine: Engine, field: str, value: str, expected: str | None
) -> None:
    out = _out(engine, **{field: value})
    assert out[field] is None or "203.0.113.7" not in out[field]
    assert out[field] is None or "2001:db8" not in out[field]
    if expected is not None:
        assert out[field] == expected


# --- tokens --------------------------------------------------------------------------------------

JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IlRhcm8ifQ"
    ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
LONG_TOKEN = "a3f9c2e17b4d8e6f0a1b2c3d4e5f6a7b8c9d0e1f"


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("title", f"Reset {JWT}", "Reset [token]"),
        ("title", f"Reset {LONG_TOKEN}", "Reset [token]"),
        (
            "url",
            f"https://shop.example.jp/reset/{LONG_TOKEN}",
            "https://shop.example.jp/reset/[token]",
        ),
        (
            "url",
            f"https://shop.example.jp/auth/{JWT}/done",
            "https://shop.example.jp/auth/[token]/done",
        ),
        (
            "url",
            f"https://shop.example.jp/?utm_source={JWT}",
            "https://shop.example.jp/?utm_source=[token]",
        ),
        ("variant_id", LONG_TOKEN, "[token]"),
    ],
)
def test_tokens_are_removed(engine: Engine, field: str, value: str, expected: str) -> None:
    event = {field: value}
    if field == "variant_id":
        event.update(event_type="ab_exposure", experiment_id="exp-1")
    out = _out(engine, **event)
    assert out[field] == expected


def test_long_runs_without_digits_are_words_not_tokens() -> None:
    word = "Donaudampfschifffahrtsgesellschaftskapitaen"
    assert scrub_text(f"The {word}", 512) == f"The {word}"


# --- URLs ----------------------------------------------------------------------------------------


def test_secret_query_parameters_are_dropped_and_utm_kept(engine: Engine) -> None:
    url = (
        "https://shop.example.jp/checkout?utm_source=newsletter&token=abc123&access_token=zz9"
        "&password=hunter2&email=taro&utm_medium=email&q=shoes&utm_campaign=winter"
        "&utm_session=s1&UTM_TOKEN=t&id=42"
    )
    out = _out(engine, url=url)
    assert out["url"] == (
        "https://shop.example.jp/checkout?utm_source=newsletter&utm_medium=email&utm_campaign=winter"
    )


def test_fragment_and_userinfo_are_dropped(engine: Engine) -> None:
    out = _out(
        engine,
        url="https://taro:hunter2@Shop.Example.JP:8443/products/shoes-123/blue#access_token=abc",
        referrer="https://taro@www.google.co.jp/search#q=taro",
    )
    assert out["url"] == "https://shop.example.jp:8443/products/shoes-123/blue"
    assert out["referrer"] == "https://www.google.co.jp/"  # another site: its origin only


def test_a_referrer_that_is_not_a_url_becomes_null_and_the_event_is_kept(engine: Engine) -> None:
    # Only http and https referrers are kept (issue 9): an app's scheme says nothing the policy
    # lists, and `sms:`, `tel:`, `mailto:` referrers carry what follows the scheme.
    assert _out(engine, referrer="android-app://com.google.android.gm/")["referrer"] is None
    assert _out(engine, referrer="not a url")["referrer"] is None
    assert _out(engine, referrer="")["referrer"] is None
    assert _out(engine, referrer=None)["referrer"] is None


def test_benign_url_forms_are_untouched(engine: Engine) -> None:
    """Same page in, same page out: the normalized view (percent-escapes decoded, `/` for an
    empty path), and plain ASCII URLs exactly as they were."""
    for url in (
        "https://shop.example.jp/products/shoes-123/blue",
        "https://shop.example.jp/%E3%82%BF%E3%82%AA%E3%83%AB/%E9%9D%B4",
        "https://shop.example.jp/カテゴリ/靴",
        "https://shop.example.jp/",
        "http://shop.example.jp",
        "https://shop.example.jp/search?utm_source=google&utm_term=%E9%9D%B4",
        "https://shop.example.jp/2025/11/24/sale",
    ):
        assert _out(engine, url=url)["url"] == normalize_url(url)
        if "%" not in url and url.count("/") > 2:
            assert _out(engine, url=url)["url"] == url


# --- benign text ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("user_agent", CHROME_UA),
        (
            "user_agent",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1_1 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/18.1.1 Mobile/15E148 Safari/604.1",
        ),
        (
            "user_agent",
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.6778.135 Mobile Safari/537.36",
        ),
        ("user_agent", "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"),
        ("title", "ふわふわ今治タオル 3枚セット【公式】| Sakura Zakka"),
        ("title", "Sale 10:00-18:00, 11.24 - 12.25 (v2.0)"),
        ("title", "Price: ¥12,800 / 3 items"),
        ("language", "ja-JP"),
        ("charset", "Shift_JIS"),
        ("platform", "Linux armv81"),
        ("experiment_id", "checkout-button-2025-11"),
    ],
)
def test_benign_text_is_untouched(engine: Engine, field: str, value: str) -> None:
    # A user agent is reduced (major versions, no device model), never redacted.
    expected = reduce_user_agent(value) if field == "user_agent" else value
    assert _out(engine, **{field: value})[field] == expected


# --- lengths -------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["user_agent", "title", "url", "referrer"])
def test_oversized_strings_are_cut_to_the_policy_limit(engine: Engine, field: str) -> None:
    limit = LIMITS[field]
    if field in ("url", "referrer"):
        value = "https://shop.example.jp/" + "p" * (limit * 2)
    else:
        value = "長" * (limit * 3)
    out = _out(engine, **{field: value})
    assert len(out[field]) == limit
    assert value.startswith(out[field])


def test_policy_limits_are_the_documented_ones() -> None:
    assert LIMITS == {
        "user_agent": 512,
        "language": 35,
        "charset": 40,
        "platform": 64,
        "url": 2048,
        "title": 512,
        "referrer": 2048,
        "experiment_id": 128,
        "variant_id": 128,
        "conversion_goal": 128,
    }
