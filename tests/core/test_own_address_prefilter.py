"""`plainly_free`, the cheap test that lets `forget_addresses` skip normalizing a value, never
skips one whose normalized view holds a form of an address of 1.0.0.0 or above."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.core.address_forms import SMALLEST
from pipeline.core.steps.own_addresses import _text_view, _url_view, plainly_free

SETTINGS = settings(max_examples=3000, deadline=None, suppress_health_check=list(HealthCheck))
# What forms are made of, what normalizing decodes or rewrites, and URL structure.
ALPHABET = "0123456789....::--__xXabcdefABCDEF/?=&#;@[] %\\\t\nu\x0b"
PREFIXES = ("", "http://", "https://", "HTTP://", "https://user:pw@", "mailto:", "ws://", "x://")


@SETTINGS
@given(prefix=st.sampled_from(PREFIXES), body=st.text(ALPHABET, max_size=40))
def test_a_plainly_free_value_has_no_form_in_any_view(prefix: str, body: str) -> None:
    text = prefix + body
    if plainly_free(text):
        # `http://0` is `http://0.0.0.0/`: forms below 1.0.0.0 may appear (0.0.0.0/8 is
        # never a client's; an own address there takes the full scan, which skips no value).
        for view in (_url_view(text), _text_view(text)):
            assert view is None or max(view[2]) < SMALLEST


@SETTINGS
@given(
    host=st.sampled_from(
        ("3325256824", "0xc6336418", "0306.063.0144.030", "198.3368216", "[::1]", "[2001:db8::1]",
         "198.51.100.24.", "0100000000", "16777216", "1.0x", "ec2-198-51-100-24.example.jp")
    ),
    rest=st.sampled_from(("", "/", "/p?q=1", ":8080/", "#frag")),
)  # fmt: skip
def test_address_hosts_are_never_plainly_free(host: str, rest: str) -> None:
    text = f"http://{host}{rest}"
    assert not plainly_free(text)
    assert _url_view(text) is not None


def test_ordinary_page_urls_are_plainly_free() -> None:
    assert plainly_free("https://shop.example.jp/products/outdoor/40676?utm_source=a8&lang=ja")
    assert plainly_free("Mozilla/5.0 (Windows NT 10.0; Win64; x64)") is False  # `10.0`
