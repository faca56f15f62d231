"""URLs reduced to scheme, host and path; query parameters only when allowlisted."""

from __future__ import annotations

import re
from fnmatch import translate
from functools import lru_cache

from pipeline.core.client_ip import parse_ip
from pipeline.core.scrub_text import IP, scrub_text
from pipeline.core.url_parts import normalize_url

__all__ = ["UrlScrubber", "normalize_url"]

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{0,31}")


def _globs(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{translate(p.lower())})" for p in patterns))


class UrlScrubber:
    """Scrubs one URL; compiled once from the policy's allowlist and denylist."""

    def __init__(self, allowlist: tuple[str, ...], denylist: tuple[str, ...]) -> None:
        self._allow = _globs(allowlist)
        self._deny = _globs(denylist)
        self._keep_param = lru_cache(maxsize=4096)(self._match_param)

    def _match_param(self, name: str) -> bool:
        lowered = name.lower()
        if self._allow is None or not self._allow.match(lowered):
            return False
        return self._deny is None or not self._deny.match(lowered)

    def scrub(self, url: str, max_length: int, schemes: tuple[str, ...] = ()) -> str | None:
        """The reduced URL, or None when `url` is not an absolute URL (of an allowed scheme)."""
        text = url.strip()[: 4 * max_length]
        scheme, sep, rest = text.partition("://")
        if not sep or not _SCHEME.fullmatch(scheme):
            return None
        scheme = scheme.lower()
        if schemes and scheme not in schemes:
            return None
        rest = rest.partition("#")[0]
        cut = len(rest)
        for stop in "/?":
            at = rest.find(stop)
            if 0 <= at < cut:
                cut = at
        authority, remainder = rest[:cut], rest[cut:]
        host = _host(authority.rpartition("@")[2], max_length)
        if not host:
            return None
        path, _, query = remainder.partition("?")
        out = f"{scheme}://{host}{scrub_text(path, max_length)}"
        if query:
            kept = [self._param(p, max_length) for p in query.split("&") if p]
            kept = [p for p in kept if p is not None]
            if kept:
                out += "?" + "&".join(kept)
        return out if len(out) <= max_length else out[:max_length]

    def _param(self, param: str, max_length: int) -> str | None:
        name, sep, value = param.partition("=")
        if not self._keep_param(name):
            return None
        return f"{name}{sep}{scrub_text(value, max_length)}"


@lru_cache(maxsize=4096)
def _host(authority: str, max_length: int) -> str:
    """The host[:port], lower-cased; an address in place of a name becomes [ip]."""
    authority = authority.lower()
    if parse_ip(authority) is not None:
        port = authority.rpartition("]")[2] if authority.startswith("[") else ""
        if not authority.startswith("[") and authority.count(":") == 1:
            port = ":" + authority.partition(":")[2]
        return IP + port
    return scrub_text(authority, max_length)
