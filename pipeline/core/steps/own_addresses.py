"""The event's own addresses, in any textual form, removed from its free text.

Runs while the client address is still in hand: the raw `ip`, the resolved client and every hop
of `forwarded_for` are the event's own addresses. Each `scrub` field's normalized view (the one
the scrub step will see) is scanned once per distinct value for address forms
(`address_forms`); per event, only a set comparison remains. Where a form of an own address is
found, the field becomes its normalized view with `[ip]` in its place (in a URL's host, `ip`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from pipeline.core.address_forms import (
    SMALLEST,
    Form,
    address_values,
    cut,
    denoted,
    find_forms,
    may_have_forms,
)
from pipeline.core.client_ip import parse_ip
from pipeline.core.normalize import normalize_text
from pipeline.core.policy import Action, Policy
from pipeline.core.steps.base import Context, Setup, Step, Work
from pipeline.core.steps.compiled import compile_function, field_name
from pipeline.core.url.scrub import normalize_url

MARKER, HOST_MARKER = "[ip]", "ip"
CACHE_SIZE = 8192
CACHED_LENGTH = 4096  # longer values are scanned each time: the caches stay small
_ADDRESS_TEXT = 100  # longer text is never an address (as `parse_ip` says)
_AUTHORITY = re.compile(r"[a-z][a-z0-9+.\-]*://([^/?#]*)")
# What a normalized URL still escapes: structure characters (space, `/`, `?`, `%`...), never
# part of an address; blanked (same length) for the scan so `%20` does not glue to a number.
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
# A view with address forms: its text, the forms, all they may denote, a URL's authority span.
View = tuple[str, tuple[Form, ...], frozenset[int], tuple[int, int] | None]


def _view(view: str, host: tuple[int, int] | None = None, scan: str | None = None) -> View | None:
    forms = find_forms(view if scan is None else scan)
    return (view, forms, denoted(forms), host) if forms else None


def _text_view(text: str) -> View | None:
    """None too when `text` is `plainly_free` (it may hold forms of 0.0.0.0/8: `_small_view`)."""
    return None if plainly_free(text) else _view(normalize_text(text))


def _url_view(text: str) -> View | None:
    """The normalized view of a URL (free text if it is none), if it holds any address form;
    None too when `text` is `plainly_free`."""
    if plainly_free(text):
        return None
    url = normalize_url(text)
    if url is None:
        return _view(normalize_text(text))
    match = _AUTHORITY.match(url)
    scan = _ESCAPE.sub("   ", url) if "%" in url else url
    return _view(url, match.span(1) if match else None, scan)


_cached_text_view = lru_cache(maxsize=CACHE_SIZE)(_text_view)
_cached_url_view = lru_cache(maxsize=CACHE_SIZE)(_url_view)


def plainly_free(text: str) -> bool:
    """True proves that neither `text`'s URL view nor its text view holds a form of an address
    of 1.0.0.0 or above, without normalizing it: plain ASCII without `%`, `\\`, a character
    reference (`&#`, or `&` with `;`) or a line break is its own view in all that forms are made
    of (digits, dots, dashes, colons, `0x`). A URL's view only lower-cases the scheme and host,
    drops userinfo, fragment and a default port, and escapes spaces, control characters and
    `=` (blanked for the scan: none of them is part of a form). The one rewrite that makes a
    form, an address host written another way (`3325256824`, `0xc6.0x33.0x64.0x18`, `[::1]`),
    is itself a form in the text, found by the same gates."""
    return (
        text.isascii()
        and "%" not in text
        and "\\" not in text
        and "\n" not in text
        and "\r" not in text
        and "\t" not in text
        and not ("&" in text and ("#" in text or ";" in text))
        and not may_have_forms(text)
    )


def text_view(text: str) -> View | None:
    """The normalized view of free text, if it holds any address form (cached unless long)."""
    return _cached_text_view(text) if len(text) <= CACHED_LENGTH else _text_view(text)


def url_view(text: str) -> View | None:
    """The normalized view of a URL (free text if it is none), if it holds any address form."""
    return _cached_url_view(text) if len(text) <= CACHED_LENGTH else _url_view(text)


def forget(view: View, own: frozenset[int]) -> str:
    """The view's text without the forms of `own` addresses."""
    text, forms, _, host = view
    return cut(text, forms, own, MARKER, host, HOST_MARKER)


def _small_view(view: View | None, text: str, url: bool) -> View | None:
    """The view with lone small numbers too (only for an own address in 0.0.0.0/8; uncached)."""
    if view is None:
        full = normalize_url(text) if url else None
        view = (full or normalize_text(text), (), frozenset(), None)
    scan = _ESCAPE.sub("   ", view[0]) if url else view[0]
    forms = find_forms(scan, small=True)
    return (view[0], forms, denoted(forms), view[3]) if forms else None


@lru_cache(maxsize=1 << 14)
def _values_of(text: str) -> frozenset[int]:
    address = parse_ip(text)
    if address is None or address.is_unspecified:
        return frozenset()
    return address_values(address)


def own_addresses(ip: str | None, forwarded_for: str | None) -> frozenset[int]:
    """Every address of the event: its `ip` and each hop of `forwarded_for`, all forms."""
    values = _values_of(ip) if ip and len(ip) <= _ADDRESS_TEXT else frozenset()
    if forwarded_for:
        hops = (h for h in forwarded_for.split(",") if len(h) <= _ADDRESS_TEXT)
        values = values.union(*(_values_of(hop) for hop in hops))
    return values


class ForgetAddresses(Step):
    """Removes the event's own addresses from every `scrub` field; never rejects."""

    name = "forget_addresses"
    holds_raw_ip = True

    @classmethod
    def build(cls, setup: Setup) -> ForgetAddresses:
        return cls(setup.policy)

    def __init__(self, policy: Policy) -> None:
        namespace: dict[str, Any] = {
            "_forget": forget,
            "_small": _small_view,
            "_url": _cached_url_view,
            "_url_long": _url_view,
            "_text": _cached_text_view,
            "_text_long": _text_view,
        }
        lines, small = [], []
        for rule in policy.with_action(Action.SCRUB):
            name, url = field_name(rule.name), rule.format == "url"
            namespace[f"_v_{name}"] = url_view if url else text_view
            # `url_view` / `text_view` inlined (one call less per field and event).
            view = "_url" if url else "_text"
            lines += [
                f"v = e.{name}",
                f"if v is not None and (f := ({view}(v) if len(v) <= {CACHED_LENGTH} else"
                f" {view}_long(v))) is not None and not own.isdisjoint(f[2]):",
                f"    e.{name} = _forget(f, own)",
            ]
            small += [
                f"v = e.{name}",
                f"if v is not None and (f := _small(_v_{name}(v), v, {url})) is not None:",
                f"    e.{name} = _forget(f, own)",
            ]
        self.forget = compile_function("forget", "e, own", lines, namespace)
        self.forget_small = compile_function("forget_small", "e, own", small, namespace)

    def run(self, batch: list[Work], ctx: Context) -> list[Work]:
        forget_in, own_of = self.forget, own_addresses
        for work in batch:
            event = work.event
            # The resolved client is `ip` or one of the hops: it is in this set.
            own = own_of(event.ip, event.forwarded_for)
            if own:
                if min(own) < SMALLEST:  # an address in 0.0.0.0/8: every lone number counts
                    self.forget_small(event, own)
                else:
                    forget_in(event, own)
        return batch
