"""Absolute URLs split into their parts, each decoded to one normalized view, and put back.

`normalize_url` is the structural normal form: scheme and host lower-cased (an address in any
form written canonically), userinfo, fragment, default port and empty query dropped; each path
segment and each query name and value percent-decoded to a fixed point, normalized like free text
(`normalize_text`), and re-encoded only where a character would change the structure. An address
or e-mail hidden by encoding is plain text in this view; it is idempotent.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import NamedTuple

from pipeline.core.normalize import normalize_text
from pipeline.core.url.host import Host, parse_host, parse_port

MAX_ROUNDS = 6
# Parts (authority, path, query) are decoded once per distinct text; longer ones each time.
PART_CACHE = 8192
CACHED_PART = 2048
OPAQUE = "[token]"
# Schemes whose URLs always have a host; `\` is `/` in them and extra slashes are ignored.
SPECIAL = frozenset({"http", "https", "ws", "wss", "ftp"})

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_TABS = str.maketrans("", "", "\t\n\r")
# HTML character references, as `normalize_text` decodes them; decoded before the URL is split
# (a URL copied from HTML), unless what they stand for would make structure (`&#35;` is not `#`).
_REFERENCE = re.compile(r"&(?:#[0-9]{1,8};?|#[xX][0-9A-Fa-f]{1,8};?|[A-Za-z][A-Za-z0-9]{1,31};)")
_STRUCTURAL = frozenset("#/?%\\[]")
_EDGES = "".join(map(chr, range(0x21)))
_SEGMENT_SPECIAL = frozenset("%/?#\\")
_QUERY_SPECIAL = frozenset("%&=#")


class Url(NamedTuple):
    """An absolute URL's parts, decoded. `host` is None for an opaque URL (`mailto:...`), whose
    text is then `segments[0]`."""

    scheme: str
    host: Host | None
    port: str
    segments: tuple[str, ...]
    query: tuple[tuple[str, str | None], ...]
    # The path and query as `render` writes them, when already known (from the parts' caches).
    path_text: str | None = None
    query_text: str | None = None


def _bytes_text(match: re.Match[str]) -> str:
    raw = bytes.fromhex(match.group().replace("%", ""))
    for codec in ("utf-8", "cp932"):  # Japanese pages still send Shift_JIS escapes
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "replace")  # never left encoded: it could hide anything


def decode(text: str) -> str:
    """`text` percent-decoded and normalized until nothing changes (OPAQUE if it never ends)."""
    if text.isascii() and "%" not in text and "&" not in text:
        return text  # already a fixed point (normalize_text's own fast path, without the call)
    for _ in range(MAX_ROUNDS):
        new = normalize_text(_ESCAPES.sub(_bytes_text, text) if "%" in text else text)
        if new == text:
            return text
        text = new
    return OPAQUE


def _encoder(special: frozenset[str]) -> re.Pattern[str]:
    chars = "".join(re.escape(c) for c in sorted(special))
    return re.compile(f"[{chars}\\s\\x00-\\x1f\\x7f-\\x9f]")


_SEGMENT_RE, _QUERY_RE = _encoder(_SEGMENT_SPECIAL), _encoder(_QUERY_SPECIAL)
_OPAQUE_RE = _encoder(frozenset("%?#"))


def _escape(match: re.Match[str]) -> str:
    return "".join(f"%{b:02X}" for b in match.group().encode("utf-8"))


def encode_segment(text: str) -> str:
    """A decoded path segment, escaped only where it would change the structure."""
    return _SEGMENT_RE.sub(_escape, text)


def encode_query(text: str) -> str:
    """A decoded query name or value, escaped only where it would change the structure."""
    return _QUERY_RE.sub(_escape, text)


def _reference(match: re.Match[str]) -> str:
    text = html.unescape(match.group())
    return match.group() if any(c in _STRUCTURAL for c in text) else text


def _clean(url: str) -> str:
    text = url.strip(_EDGES)
    if "\t" in text or "\n" in text or "\r" in text:
        text = text.translate(_TABS)
    # A reference is `&#...` or `&name;`: a query's plain `&`s need no regex pass.
    if "&" in text and ("&#" in text or ";" in text):
        return _REFERENCE.sub(_reference, text)
    return text


def scheme_of(url: str) -> str | None:
    """The lower-cased scheme `url` starts with, or None when it has none."""
    match = _SCHEME.match(_clean(url))
    return None if match is None else match.group(1).lower()


def split_url(url: str) -> Url | None:
    """The parts of absolute URL `url`, or None when it is not one (or its host is invalid).

    The authority, the path and the query are each decoded through a bounded cache of their
    own: page URLs are nearly all distinct (unique query values), their parts are not."""
    text = _clean(url)
    match = _SCHEME.match(text)
    if match is None:
        return None
    scheme = match.group(1).lower()
    rest = text[match.end() :].partition("#")[0]
    if scheme in SPECIAL:
        if "\\" in rest:
            rest = rest.replace("\\", "/")
        rest = rest.lstrip("/")
    elif rest.startswith("//"):
        rest = rest[2:]
    else:
        body, _, query = rest.partition("?")
        return Url(scheme, None, "", (decode(body),), _query(query)[0])
    cut = len(rest)
    for stop in "/?":
        at = rest.find(stop)
        if 0 <= at < cut:
            cut = at
    authority, remainder = rest[:cut], rest[cut:]
    where = _authority(authority, scheme) if len(authority) <= CACHED_PART else None
    if where is None:
        where = _parse_authority(authority, scheme)
        if where is None:
            return None
    elif where is _INVALID:
        return None
    host, port = where
    path, _, query = remainder.partition("?")
    if not path:
        segments, path_text = _ROOT
    else:
        segments, path_text = _path(path) if len(path) <= CACHED_PART else _split_path(path)
    pairs, query_text = _query(query)
    return Url(scheme, host, port, segments, pairs, path_text, query_text)


def _parse_authority(authority: str, scheme: str) -> tuple[Host, str] | None:
    """The host and canonical port of a special URL's authority, or None when invalid."""
    hostport = authority.rpartition("@")[2]
    if hostport.startswith("["):
        end = hostport.find("]") + 1
        raw_host, port_text = hostport[:end], hostport[end:]
        if not end or (port_text and port_text[0] != ":"):
            return None
    else:
        raw_host, _, port_text = hostport.partition(":")
        port_text = ":" + port_text if _ else ""
    host = parse_host(decode(raw_host))
    if host is None:
        return None
    try:
        port = parse_port(port_text[1:], scheme)
    except ValueError:
        return None
    return host, port


_INVALID: tuple[Host, str] = (Host("", False), "")  # an invalid authority, as cached


@lru_cache(maxsize=PART_CACHE)
def _authority(authority: str, scheme: str) -> tuple[Host, str]:
    return _parse_authority(authority, scheme) or _INVALID


Pairs = tuple[tuple[str, str | None], ...]
_ROOT: tuple[tuple[str, ...], str] = (("",), "")


def _split_path(path: str) -> tuple[tuple[str, ...], str]:
    """A path's decoded segments and their rendered text."""
    segments = tuple(decode(s) for s in path[1:].split("/"))
    return segments, "/".join(encode_segment(s) for s in segments)


_path = lru_cache(maxsize=PART_CACHE)(_split_path)


def _query(query: str) -> tuple[Pairs, str]:
    """A query's decoded pairs and their rendered text."""
    if not query:
        return (), ""
    return _cached_query(query) if len(query) <= CACHED_PART else _split_query(query)


def _split_query(query: str) -> tuple[Pairs, str]:
    pairs: list[tuple[str, str | None]] = []
    for param in query.split("&"):
        if param:
            name, sep, value = param.partition("=")
            pairs.append((decode(name), decode(value) if sep else None))
    return tuple(pairs), render_query(pairs)


_cached_query = lru_cache(maxsize=PART_CACHE)(_split_query)


def render_query(pairs: tuple[tuple[str, str | None], ...] | list[tuple[str, str | None]]) -> str:
    """`?name=value&...` (already decoded parts), or '' for no pairs."""
    if not pairs:
        return ""
    return "?" + "&".join(
        encode_query(n) if v is None else f"{encode_query(n)}={encode_query(v)}" for n, v in pairs
    )


def render(url: Url) -> str:
    """The URL's normalized text."""
    query = url.query_text
    if query is None:
        query = render_query(url.query)
    if url.host is None:
        return f"{url.scheme}:{_OPAQUE_RE.sub(_escape, url.segments[0])}{query}"
    path = url.path_text
    if path is None:
        path = "/".join(encode_segment(s) for s in url.segments)
    return f"{url.scheme}://{url.host.text}{url.port}/{path}{query}"


@lru_cache(maxsize=8192)
def normalize_url(url: str) -> str | None:
    """Structural normal form of absolute URL `url` (see the module's doc), or None."""
    parts = split_url(url)
    return None if parts is None else render(parts)
