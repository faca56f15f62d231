"""The URL parts' caches (authority, path, query decoded and scrubbed once per distinct text)
change no result: a URL gives the same normalized view and the same scrub whether its parts were
seen before, in other URLs, or never; long parts bypass the caches and agree with them."""

from __future__ import annotations

import pytest

from pipeline.core.policy import load_policy
from pipeline.core.url import parts as url_parts
from pipeline.core.url import scrub as scrub_url
from pipeline.core.url.scrub import UrlScrubber
from tests.core.benign_urls import BENIGN_URLS

POLICY = load_policy()
HOSTS = ("https://shop.example.jp", "http://192.0.2.1:8080", "https://[::ffff:c000:201]")
PATHS = ("/", "/products/326", "/u/hanako%40example.jp", "/a;jsessionid=ABCDEF1234567890/b", "")
QUERIES = ("", "?utm_source=x&gclid=Cj0KCQiA7489b755986b1450494e0466", "?q=090-1234-5678&&a")
URLS = [h + p + q for h in HOSTS for p in PATHS for q in QUERIES] + list(BENIGN_URLS)


def _clear() -> None:
    for cache in (
        url_parts._authority,
        url_parts._path,
        url_parts._cached_query,
        url_parts.normalize_url,
        scrub_url._cached_path,
    ):
        cache.cache_clear()


def _fresh(url: str) -> tuple[str | None, object]:
    _clear()
    scrubber = UrlScrubber(POLICY.query_allowlist, POLICY.query_denylist)
    return url_parts.normalize_url(url), scrubber.scrub_counted(url, 2048)


def test_warm_caches_give_what_cold_ones_give() -> None:
    cold = {url: _fresh(url) for url in URLS}
    warm = UrlScrubber(POLICY.query_allowlist, POLICY.query_denylist)
    for url in URLS + URLS[::-1]:
        assert (url_parts.normalize_url(url), warm.scrub_counted(url, 2048)) == cold[url]


@pytest.mark.parametrize("part", ["path", "query", "authority"])
def test_long_parts_bypass_the_caches(part: str) -> None:
    long = "a" * (url_parts.CACHED_PART + 1)
    url = {
        "path": f"https://shop.example.jp/{long}/192.0.2.1",
        "query": f"https://shop.example.jp/p?utm_source={long}&email=a%40b.jp",
        "authority": f"https://{long}.example.jp/p",
    }[part]
    _clear()
    scrubber = UrlScrubber(POLICY.query_allowlist, POLICY.query_denylist)
    first = (url_parts.normalize_url(url), scrubber.scrub_counted(url, 100_000))
    assert url_parts._path.cache_info().currsize <= 1
    assert first == (url_parts.normalize_url(url), scrubber.scrub_counted(url, 100_000))
    assert "192.0.2.1" not in str(first[1]) and "a@b.jp" not in str(first[1])
