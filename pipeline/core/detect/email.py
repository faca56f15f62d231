"""E-mail addresses, written plainly or obfuscated, in normalized text."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pipeline.core.detect.kinds import Finding, Kind

# Characters that end an address on either side of the @: these ASCII ones, and any non-ASCII
# space, punctuation or symbol (brackets and colons in Japanese text).
_STOP = frozenset(" \t\r\n\f\v<>()[]{},;:\"'@/?#&=|\\!*`^~")
_DOMAIN = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:[A-Za-z]{2,}|[Xx][Nn]--[A-Za-z0-9-]+)")
_BARE = re.compile(r"[A-Za-z0-9-]*[A-Za-z][A-Za-z0-9-]*")
_SCALE = re.compile(r"\d+(?:\.\d+)?x(?:\.|\Z)")
_ADDRESS_LITERAL = re.compile(r"\[(?:IPv6:)?[0-9A-Fa-f:.]{2,45}\]")
_QUOTED = re.compile(r'"[^"\n]{1,64}"\Z')
_SPACES = " \t"
# Obfuscated: `name (at) example (dot) jp`, `name [at] example.jp`, `name★example.jp`, and
# `name at example dot jp` (plain words only when the domain is written with `dot` too).
_BR_AT = (
    r"\s*(?:[(\[{<]\s*(?:at|@|アット(?:マーク)?|あっと)\s*[)\]}>]|[★☆@]|アットマーク|あっと)\s*"
)
_DOT_WORD = r"\s*[(\[{<]\s*(?:dot|ドット|period|\.)\s*[)\]}>]\s*|\s+dot\s+"
_BR_DOT = rf"(?:{_DOT_WORD}|\.)"
# A local part joined by written dots is one: `taro(dot)yamada`, `taro dot yamada`.
_ATOM = r"[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}"
_LOCAL = rf"(?<![A-Za-z0-9]){_ATOM}(?:(?:{_DOT_WORD}){_ATOM}){{0,8}}"
_LABEL = r"[A-Za-z0-9][A-Za-z0-9-]{0,62}"
_OBFUSCATED = re.compile(
    rf"(?i){_LOCAL}(?:{_BR_AT}{_LABEL}(?:{_BR_DOT}{_LABEL})+"
    rf"|\s+at\s+{_LABEL}(?:(?:\s+dot\s+|\s*[(\[{{<]\s*dot\s*[)\]}}>]\s*){_LABEL})+)"
    r"(?![A-Za-z0-9-])"
)
# Hosts only of mail, where the writer can only mean an address: `hanako.yamada @gmail.com`,
# `hanako at gmail.com` (not `Available at yahoo.co.jp`: a portal is not named here).
_MAIL_HOSTS = (
    r"(?:gmail\.com|googlemail\.com|ymail\.com|hotmail\.(?:com|co\.jp)|icloud\.com"
    r"|proton(?:mail)?\.(?:me|com)|docomo\.ne\.jp|ezweb\.ne\.jp|i\.softbank\.jp"
    r"|softbank\.ne\.jp)"
)
_AT_WORD = re.compile(rf"(?i){_LOCAL}\s+(?:at\s+|@){_MAIL_HOSTS}(?![A-Za-z0-9-])")
_HINT = re.compile(
    r"(?i)[(\[{<]\s*(?:at|@|dot|period|\.|アット|ドット|あっと)|[★☆]|アットマーク|あっと|\sdot\s"
)


@lru_cache(maxsize=4096)
def _stops(char: str) -> bool:
    if char in _STOP:
        return True
    return char > "\x7f" and unicodedata.category(char)[0] in "PZS"


def _left(text: str, at: int, floor: int) -> int:
    """Where the local part before `text[at] == '@'` starts (== at: none)."""
    end = at
    while end > floor and text[end - 1] in _SPACES and at - end < 3:
        end -= 1
    if end > floor and text[end - 1] == '"':
        quoted = _QUOTED.search(text, max(floor, end - 66), end)
        if quoted:
            return quoted.start()
    ascii_only = end > floor and text[end - 1].isascii()
    left = end
    while left > floor and not _stops(text[left - 1]):
        if ascii_only and not text[left - 1].isascii():
            break
        left -= 1
    return left if left < end else at


def _right(text: str, at: int) -> int:
    """Where the domain after `text[at] == '@'` ends (== at + 1: none)."""
    start = at + 1
    while start < len(text) and text[start] in _SPACES and start - at <= 3:
        start += 1
    ascii_only = start < len(text) and text[start].isascii()
    right = start
    while right < len(text):
        char = text[right]
        if char == "。" and right + 1 < len(text) and text[right + 1].isascii():
            char = "."  # `example。jp`: an ideographic full stop written for the dot
        if _stops(char) or (ascii_only and not char.isascii()):
            break
        right += 1
    while right > start and text[right - 1] in ".-":
        right -= 1
    return right if right > start else at + 1


def _is_domain(domain: str, local: str, spaced: bool) -> bool:
    """Whether `domain` after `local@` makes an address (`@handle` and `logo@2x.png` do not)."""
    if _SCALE.match(domain):
        return False
    if _DOMAIN.match(domain):
        return True
    if spaced:  # `name @ example.jp`: only a well-formed domain
        return False
    if "." in domain:
        return True
    return local.isascii() and _BARE.fullmatch(domain) is not None  # `taro@localhost`


def _plain(text: str) -> list[Finding]:
    found: list[Finding] = []
    floor = 0
    at = text.find("@")
    while at >= 0:
        left, right = _left(text, at, floor), _right(text, at)
        domain = text[at + 1 : right].strip().replace("。", ".")
        local = text[left:at].strip()
        before = at > 0 and text[at - 1] in _SPACES
        after = at + 1 < len(text) and text[at + 1] in _SPACES
        spaced = before or after
        literal = _ADDRESS_LITERAL.match(text, at + 1) if not domain else None
        if literal is not None and local:  # `taro@[192.0.2.1]`: an address as the domain
            found.append(Finding(Kind.EMAIL, left, literal.end()))
            floor = literal.end()
        elif not domain or (before and not after):
            pass  # `follow @shop`: a handle
        elif (local and _is_domain(domain, local, spaced)) or (
            not local and not spaced and _DOMAIN.match(domain)  # `/@example.jp`
        ):
            found.append(Finding(Kind.EMAIL, left, right))
            floor = right
        at = text.find("@", max(at + 1, floor))
    return found


# Spaced out: `u s e r @ e x a m p l e . c o m`, `taro . yamada @ example . jp`.
_SPACED_AT = re.compile(r"@|[(\[{<]\s*(?:at|@)\s*[)\]}>]", re.IGNORECASE)
_DOT_TOKEN = re.compile(r"[(\[{<]\s*(?:dot|\.)\s*[)\]}>]", re.IGNORECASE)
_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")
_DOMAIN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
_SPACED_DOMAIN = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


def _joined(token: str, nearer: str, step: int) -> bool:
    """Whether `token` belongs to the same spaced-out address as the `nearer` token."""
    if len(token) == 1 and len(nearer) == 1:
        return True  # `u s e r`
    left, right = (token, nearer) if step < 0 else (nearer, token)
    return left.endswith(".") or right.startswith(".")  # `taro . yamada`, `taro. yamada`


def _chain(text: str, pos: int, step: int, chars: frozenset[str]) -> list[tuple[str, int]]:
    """Whitespace-separated tokens of an address from `pos` going `step` (-1 left, +1 right),
    each with where it ends (its far edge)."""
    tokens: list[tuple[str, int]] = []
    while True:
        gap = pos
        while 0 <= gap + min(step, 0) < len(text) and text[gap + min(step, 0)] in _SPACES:
            gap += step
            if abs(gap - pos) > 3:
                return tokens
        match = _DOT_TOKEN.match(text, gap) if step > 0 else None
        if match:
            end, token = match.end(), "."
        else:
            end = gap
            while 0 <= end + min(step, 0) < len(text) and text[end + min(step, 0)] in chars:
                end += step
            token = text[min(gap, end) : max(gap, end)]
            if step > 0 and len(token) > 1 and token.endswith("-"):
                end -= len(token) - len(token.rstrip("-"))  # `j p-`: a dash after, not in it
                token = token.rstrip("-")
        if not token or (tokens and (gap == pos or not _joined(token, tokens[-1][0], step))):
            return tokens
        tokens.append((token, end))
        pos = end


def _spaced(text: str) -> list[Finding]:
    found = []
    for at in _SPACED_AT.finditer(text):
        local = _chain(text, at.start(), -1, _LOCAL_CHARS)
        domain = _chain(text, at.end(), 1, _DOMAIN_CHARS)
        while domain and not _SPACED_DOMAIN.fullmatch("".join(t for t, _ in domain)):
            domain.pop()
        if not local or not domain or len(local) + len(domain) < 3:
            continue  # not spaced out (the other detectors' business), or no address
        found.append(Finding(Kind.EMAIL, local[-1][1], domain[-1][1]))
    return found


def find_emails(text: str) -> list[Finding]:
    """E-mail addresses in normalized `text`."""
    found = _plain(text) if "@" in text else []
    if " " in text and ("@" in text or _HINT.search(text)):
        found += _spaced(text)
    if _HINT.search(text):
        found += [Finding(Kind.EMAIL, m.start(), m.end()) for m in _OBFUSCATED.finditer(text)]
    if " at " in text.lower() or " @" in text:
        found += [Finding(Kind.EMAIL, m.start(), m.end()) for m in _AT_WORD.finditer(text)]
    return found
