"""Structural URLs (issue 9): normalize, generalize, then detect.

Examples of each rule; the property and corpus tests are in test_scrub_url_properties.py.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.core import Engine
from pipeline.core.policy import load_policy
from pipeline.core.url.scrub import (
    QUERY_NAME,
    QUERY_PARAM,
    REFERRER_SCHEME,
    UrlScrubber,
    cut,
    normalize_url,
)
from tests.core.core_events import DAYS, dumps, only_record, valid_event

POLICY = load_policy()
URLS = UrlScrubber(POLICY.query_allowlist, POLICY.query_denylist)
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))


def scrub(url: str, max_length: int = 2048) -> str | None:
    return URLS.scrub(url, max_length)


def _event(engine: Engine, **fields: object):
    return engine.process([dumps(valid_event(**fields))], DAYS)


# --- normalize_url -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://Shop.Example.JP:443/a?b#c", "https://shop.example.jp/a?b"),
        ("https://u:p@shop.example.jp/", "https://shop.example.jp/"),
        ("http://shop.example.jp", "http://shop.example.jp/"),
        (
            "https://shop.example.jp/u/taro%252540example.jp",
            "https://shop.example.jp/u/taro@example.jp",
        ),
        (
            "https://shop.example.jp/u/ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ",
            "https://shop.example.jp/u/taro@example.jp",
        ),
        (
            "https://shop.example.jp/a%2Fb/100%25?x%3Dy=1%262",
            "https://shop.example.jp/a%2Fb/100%25?x%3Dy=1%262",
        ),
        (
            "https://shop.example.jp/%E9%9D%B4?utm_term=%E9%9D%B4",
            "https://shop.example.jp/靴?utm_term=靴",
        ),
        ("https://shop.example.jp/%82%A0", "https://shop.example.jp/あ"),  # Shift_JIS escapes
        ("https:\\\\shop.example.jp\\a", "https://shop.example.jp/a"),
        ("http://3325256824/", "http://198.51.100.120/"),
        ("http://0xc0000201/", "http://192.0.2.1/"),
        ("http://0300.0000.0002.0001/", "http://192.0.2.1/"),
        ("http://192.0.513/", "http://192.0.2.1/"),
        ("http://192.1.1/", "http://192.1.0.1/"),
        ("http://192.0.2.1./", "http://192.0.2.1/"),
        ("http://[2001:DB8:0:0::7%25eth0]:8080/", "http://[2001:db8::7]:8080/"),
        ("mailto:taro%40example.jp", "mailto:taro@example.jp"),
        ("/relative/path", None),
        ("https//missing-colon.example.jp/", None),
        ("http://192.0.2.256/", None),  # ends in a number, no address: invalid, as in a browser
        ("http://2001:db8::7/", None),
        ("http://shop.example.jp:99999/", None),
    ],
)
def test_normalize_url(url: str, expected: str | None) -> None:
    assert normalize_url(url) == expected


urlish = st.text(alphabet=st.sampled_from("ab9Z%25@./?#&=;:+ ＠．％\\[]xX0"), max_size=40)


@SETTINGS
@given(st.sampled_from(["https://", "http://", "mailto:", "sms:", "HTTP://a.example.jp"]), urlish)
def test_normalize_url_is_idempotent(prefix: str, tail: str) -> None:
    once = normalize_url(prefix + tail)
    if once is not None:
        assert normalize_url(once) == once


# --- hosts -------------------------------------------------------------------------------------

ADDRESS_HOSTS = [
    "192.0.2.1", "3221225985", "0xc0000201", "0XC0000201", "0300.0000.0002.0001",
    "0xc0.0x00.0x02.0x01", "192.0.513", "192.513", "192.0.2.1.", "0xc0.0.2.1.",
    "[2001:db8::1]", "[2001:db8::1%25eth0]", "[::ffff:192.0.2.1]", "１９２．０．２．１",
    "192%2E0%2E2%2E1", "192。0。2。1",
]  # fmt: skip


@pytest.mark.parametrize("host", ADDRESS_HOSTS)
def test_an_address_host_in_any_form_is_an_address(host: str) -> None:
    assert scrub(f"http://{host}/p") == "http://[ip]/p"
    assert scrub(f"https://{host}:8080/p") == "https://[ip]:8080/p"  # the port is kept


def test_a_name_that_embeds_an_address_loses_it() -> None:
    assert scrub("https://192.0.2.1.nip.io/x") == "https://[ip].nip.io/x"


# --- path ----------------------------------------------------------------------------------------

S = "https://shop.example.jp"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/account/58213377/settings", "/account/[id]/settings"),
        ("/members/123e4567-e89b-12d3-a456-426614174000", "/members/[id]"),
        ("/card/4111-1111-1111-1111", "/card/[card]"),
        ("/tel/090-1234-5678", "/tel/[phone]"),
        ("/tel/+81-90-1234-5678/call", "/tel/[phone]/call"),
        ("/reset/k3J9xQ2mZ7pL", "/reset/[token]"),
        ("/reset/a3f9c2e17b4d8e6f", "/reset/[token]"),
        ("/reset/Zm9vYmFy+K3/x9Lq==/done", "/reset/[token]/done"),
        ("/map/34.702485,135.495951", "/map/[geo]"),
        ("/lat/34.702485/lng/135.495951", "/lat/[geo]/lng/[geo]"),
        ("/u/hanako%40example.jp/orders", "/u/[email]/orders"),
        ("/hosts/192.0.2.1", "/hosts/[ip]"),
        ("/hosts/0xc0000201", "/hosts/[ip]"),
        ("/hosts/0300.0000.0002.0001", "/hosts/[ip]"),
        ("/hosts/198.51.25607", "/hosts/[ip]"),
        ("/hosts/2001:db8::7", "/hosts/[ip]"),
        ("/cart;jsessionid=A1B2C3D4E5F6/items;foo", "/cart/items"),
        ("/order-58213377/receipt", "/order-[id]/receipt"),
        ("/tel/090/1234/5678/x", "/tel/[phone]/x"),
        ("/c/4111/1111/1111/1111", "/c/[card]"),
        # a segment of letters only is skipped unless it is non-ASCII: kanji names are letters
        ("/search/%E5%B1%B1%E7%94%B0%E5%A4%AA%E9%83%8E%E6%A7%98", "/search/[name]様"),
        ("/mypage/Smith%E3%81%95%E3%82%93", "/mypage/[name]さん"),
        ("/greeting/Yamada-san", "/greeting/[name]-san"),
        ("/category/%E5%95%86%E5%93%81%E4%B8%80%E8%A6%A7", "/category/商品一覧"),
        # a person named by position: after a collection of people, or a leading @handle
        ("/users/taro-yamada/profile", "/users/[id]/profile"),
        ("/u/yamada.taro", "/u/[id]"),
        ("/members/42", "/members/[id]"),
        ("/author/hanako", "/author/[id]"),
        ("/@taro_yamada/posts", "/[id]/posts"),
        ("/users/sign_in", "/users/sign_in"),  # the site's own pages stay
        ("/members/login", "/members/login"),
        ("/profile/edit", "/profile/edit"),
        ("/users/avatar.png", "/users/avatar.png"),
        ("/@vite/client", "/@vite/client"),
        ("/static/img/logo@2x.png", "/static/img/logo@2x.png"),
    ],
)
def test_identifiers_in_path_segments_become_markers(path: str, expected: str) -> None:
    assert scrub(S + path) == S + expected


# --- query ---------------------------------------------------------------------------------------


def test_query_names_must_be_clean_and_allowed_values_are_scrubbed() -> None:
    url = (
        f"{S}/p?hanako%40example.jp=1&utm_content=hanako%40example.jp&utm_term=090-1234-5678"
        "&utm_source=news&q=shoes&utm_token=x&%E5%90%8D=1&utm_campaign=winter_sale_2025"
    )
    out, counts = URLS.scrub_counted(url, 2048)
    assert out == f"{S}/p?utm_content=[email]&utm_term=[phone]&utm_source=news" + (
        "&utm_campaign=winter_sale_2025"
    )
    assert sorted(counts) == sorted([QUERY_NAME, QUERY_NAME, QUERY_PARAM, QUERY_PARAM])


def test_drops_are_counted_per_event_by_label_only(engine: Engine) -> None:
    url = f"{S}/p?hanako%40example.jp=1&q=1"
    for _ in range(2):  # the second batch hits the cache: still counted
        result = engine.process(
            [dumps(valid_event(url=url, referrer="sms:+819012345678"))] * 3, DAYS
        )
        assert len(result.records) == 3
        assert result.dropped[QUERY_NAME] == 3
        assert result.dropped[QUERY_PARAM] == 3
        assert result.dropped[REFERRER_SCHEME] == 3
        assert not any("hanako" in k or "sms" in k or "819" in k for k in result.dropped)


@pytest.mark.parametrize(
    "referrer",
    [
        "sms:+819012345678", "tel:09012345678", "mailto:hanako@example.jp", "data:text/plain,hi",
        "javascript:alert(1)", "android-app://com.google.android.gm/", "ftp://192.0.2.1/",
        "about:blank", "file:///C:/Users/hanako/Desktop/a.html",
    ],
)  # fmt: skip
def test_referrers_keep_http_and_https_only(engine: Engine, referrer: str) -> None:
    result = _event(engine, referrer=referrer)
    assert engine.as_dict(result.records[0])["referrer"] is None
    assert result.dropped[REFERRER_SCHEME] == 1


def test_a_page_url_of_another_scheme_is_still_rejected(engine: Engine) -> None:
    result = _event(engine, url="sms:+819012345678")
    assert not result.records and result.rejects[0].field == "url"


# --- cutting -----------------------------------------------------------------------------------


def test_what_straddles_the_input_limit_is_dropped_whole() -> None:
    padding = "/" + "%25252541" * 1000  # decodes to "A" * 1000: short output, long input
    url = f"{S}{padding}/hanako@example.jp/more"
    at = url.index("@example") + 4
    out = scrub(url[:at] + url[at:], 2048)
    assert out is not None and "hanako" not in out
    assert "hanako" not in (scrub(f"{S}{padding}"[: 4 * 2048 - 12] + "/hanako@example.jp") or "")


def test_the_cut_never_splits_a_marker_or_an_escape() -> None:
    text = "https://shop.example.jp/a/[email]/b%20c"
    for limit in range(len(text) + 1):
        out = cut(text, limit)
        assert len(out) <= limit and text.startswith(out)
        assert not re.search(r"\[[a-z]*$|%[0-9A-F]?$", out), out


@pytest.mark.parametrize(
    ("referrer", "expected"),
    [
        ("https://www.facebook.com/taro.yamada.5", "https://www.facebook.com/"),
        ("https://mail.example.com/mail/u/0/#inbox/FMfcgzQXKkN", "https://mail.example.com/"),
        ("https://www.google.co.jp/maps/@35.68,139.76,15z", "https://www.google.co.jp/"),
        ("https://shop.example.jp/cart?utm_source=x", "https://shop.example.jp/cart?utm_source=x"),
        ("http://shop.example.jp/products/326", "http://shop.example.jp/products/326"),
        ("https://shop.example.jp:8443/products/326", "https://shop.example.jp:8443/"),
    ],
)
def test_a_referrer_of_another_site_keeps_only_its_origin(
    engine: Engine, referrer: str, expected: str
) -> None:
    page = "https://shop.example.jp/products/shoes-123/blue"
    event = valid_event(url=page, referrer=referrer)
    assert only_record(engine, dumps(event))["referrer"] == expected
