"""URLs reduced to what the policy keeps: normalize, generalize, then detect.

A URL is split into its parts and each part decoded to one normalized view (`parts`), so
nothing hides behind encoding. Then: only http and https survive (a referrer of another scheme is
null, a page URL of another scheme a bad value); the host is kept unless it is an address in any
form a browser reads as one (`[ip]`, port kept: it names the service, not the visitor); userinfo,
fragment and path parameters (`;jsessionid=...`) are dropped; each path segment is classified
(`classify`: identifiers become markers, ordinary page paths are untouched); a query parameter
survives only if its name is a clean identifier, allowlisted and not denylisted, and its value is
classified like a segment. What is dropped is counted under fixed labels, never by name.
"""

from __future__ import annotations

import re
from fnmatch import translate
from functools import lru_cache

from pipeline.core.detect import MARKERS, Kind
from pipeline.core.url.classify import scrub_part, scrub_segments
from pipeline.core.url.parts import (
    CACHED_PART,
    PART_CACHE,
    Pairs,
    encode_segment,
    normalize_url,
    render_query,
    scheme_of,
    split_url,
)

__all__ = ["KEPT_SCHEMES", "UrlScrubber", "cut", "normalize_url"]

KEPT_SCHEMES = ("http", "https")
_IP = MARKERS[Kind.IP]
_CLEAN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]{0,63}")
# Labels of the drop counter (`Context.dropped`); fixed, so no input ever becomes a label.
QUERY_NAME = "url.query_name"  # a parameter name that is not a clean identifier
QUERY_PARAM = "url.query_param"  # a clean name the policy does not keep
REFERRER_SCHEME = "referrer.scheme"  # a referrer of a scheme other than http/https
REFERRER_INVALID = "referrer.invalid"  # a referrer that is no absolute URL
_MARKER_OR_ESCAPE = re.compile(r"\[[a-z]{2,5}\]|%[0-9A-F]{2}")

Counts = tuple[str, ...]


def _globs(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{translate(p.lower())})" for p in patterns))


def cut(text: str, max_length: int) -> str:
    """`text` cut to `max_length` characters, never inside a marker or a percent-escape."""
    if len(text) <= max_length:
        return text
    end = max_length
    for match in _MARKER_OR_ESCAPE.finditer(text, max(0, max_length - 8), max_length + 8):
        if match.start() < max_length < match.end():
            end = match.start()
    return text[:end]


class UrlScrubber:
    """Scrubs one URL; compiled once from the policy's allowlist and denylist."""

    def __init__(self, allowlist: tuple[str, ...], denylist: tuple[str, ...]) -> None:
        self._allow = _globs(allowlist)
        self._deny = _globs(denylist)
        self._keep_param = lru_cache(maxsize=4096)(self._match_param)
        self._cached_query = lru_cache(maxsize=PART_CACHE)(self._scrub_query)

    def _match_param(self, name: str) -> bool:
        lowered = name.lower()
        if self._allow is None or not self._allow.match(lowered):
            return False
        return self._deny is None or not self._deny.match(lowered)

    def scrub(
        self, url: str, max_length: int, schemes: tuple[str, ...] = KEPT_SCHEMES
    ) -> str | None:
        """The reduced URL, or None when it is not an absolute URL of one of `schemes`."""
        return self.scrub_counted(url, max_length, schemes)[0]

    def scrub_counted(
        self, url: str, max_length: int, schemes: tuple[str, ...] = KEPT_SCHEMES
    ) -> tuple[str | None, Counts]:
        """The reduced URL (or None) and the labels of what was dropped, one per drop."""
        text = url
        if len(url) > 4 * max_length:  # what straddles the cut is dropped whole
            text = url[: 4 * max_length]
            text = text[: max(text.rfind("/"), text.rfind("&"), text.rfind("?"))]
        scheme = scheme_of(text)
        if scheme is None:
            return None, (REFERRER_INVALID,) if text.strip() else ()
        if scheme not in schemes or scheme not in KEPT_SCHEMES:
            return None, (REFERRER_SCHEME,)
        parts = split_url(text)
        if parts is None or parts.host is None:
            return None, (REFERRER_INVALID,)
        host = _IP if parts.host.address else scrub_part(parts.host.text)
        # Paths and queries repeat far more than whole URLs: each is scrubbed once (if short).
        small = parts.path_text is not None and len(parts.path_text) <= CACHED_PART
        path = (_cached_path if small else _scrub_path)(parts.segments)
        small = parts.query_text is not None and len(parts.query_text) <= CACHED_PART
        query, dropped = (self._cached_query if small else self._scrub_query)(parts.query)
        out = f"{parts.scheme}://{host}{parts.port}/{path}{query}"
        return cut(out, max_length), dropped

    def _scrub_query(self, pairs: Pairs) -> tuple[str, Counts]:
        """The kept parameters (values scrubbed), rendered, and the labels of those dropped."""
        kept: list[tuple[str, str | None]] = []
        dropped: list[str] = []
        for name, value in pairs:
            if not _CLEAN_NAME.fullmatch(name):
                dropped.append(QUERY_NAME)
            elif not self._keep_param(name):
                dropped.append(QUERY_PARAM)
            else:
                kept.append((name, None if value is None else scrub_part(value)))
        return render_query(kept), tuple(dropped)


def _scrub_path(segments: tuple[str, ...]) -> str:
    """Decoded path segments scrubbed (path parameters cut) and rendered."""
    scrubbed = scrub_segments(tuple(s.partition(";")[0] for s in segments))
    return "/".join(encode_segment(s) for s in scrubbed)


_cached_path = lru_cache(maxsize=PART_CACHE)(_scrub_path)
