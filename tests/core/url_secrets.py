"""Personal data to plant in URLs (issue 9): kinds, written forms, encodings, places."""

from __future__ import annotations

import base64
import re

from hypothesis import strategies as st

from pipeline.core.normalize import normalize_text
from pipeline.core.url.scrub import normalize_url


def _fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s)


def _percent(s: str, times: int, only: str | None = None) -> str:
    for _ in range(times):
        s = "".join(
            "".join(f"%{b:02X}" for b in c.encode()) if only is None or c in only else c for c in s
        )
    return s


def _entities(s: str) -> str:
    return s.replace("@", "&#64;").replace(".", "&period;")


ENCODINGS = {
    "plain": lambda s: s,
    "fullwidth": _fullwidth,
    "pct1": lambda s: _percent(s, 1),
    "pct2": lambda s: _percent(s, 2),
    "pct3": lambda s: _percent(s, 3),
    "pct@3": lambda s: _percent(s, 3, only="@.:+"),
    "entities": _entities,
    "fullwidth+pct": lambda s: _percent(_fullwidth(s), 1),
}

DOC_V4 = st.sampled_from([0xC0000200, 0xC6336400, 0xCB007100]).flatmap(
    lambda base: st.integers(1, 254).map(lambda n: base + n)
)


def _v4_forms(n: int) -> list[str]:
    a, b, c, d = n.to_bytes(4, "big")
    return [
        f"{a}.{b}.{c}.{d}", str(n), hex(n), f"0x{n:X}", f"0{a:o}.0{b:o}.0{c:o}.0{d:o}",
        f"{a:#x}.{b:#x}.{c:#x}.{d:#x}", f"{a}.{b}.{(c << 8) + d}", f"{a}.{(b << 16) + (c << 8) + d}",
        f"{a}.{b}.{c}.{d}.",
    ]  # fmt: skip


KINDS = ("email", "phone", "card", "mynumber", "id", "token", "geo", "ip")


@st.composite
def secrets(draw: st.DrawFn, kinds: tuple[str, ...] = KINDS) -> tuple[str, list[str], bool]:
    """(written, needles, digits): the needles must not appear in the view (digits: compared on
    digits only)."""
    kind = draw(st.sampled_from(kinds))
    if kind == "email":
        local = draw(st.from_regex(r"[a-z]{3,6}[0-9]{2,4}(\.[a-z]{2,5})?", fullmatch=True))
        domain = draw(st.sampled_from(["example.jp", "example.com", "mail.example.co.jp"]))
        return f"{local}@{domain}", [f"{local}@", local], False
    if kind in ("phone", "card", "mynumber", "id"):
        if kind == "phone":
            digits = draw(st.sampled_from(["090", "080", "070", "03", "06"]))
            digits += draw(st.from_regex(r"[0-9]{8}", fullmatch=True))
            written = draw(
                st.sampled_from(
                    [digits, f"{digits[:3]}-{digits[3:7]}-{digits[7:]}", f"+81-{digits[1:]}"]
                )
            )
        else:
            size = {"card": 15, "mynumber": 11, "id": draw(st.integers(7, 12))}[kind]
            digits = draw(st.from_regex(rf"[1-9][0-9]{{{size - 1}}}", fullmatch=True))
            if kind == "card":
                digits = "4" + digits[1:] + str(_luhn_digit("4" + digits[1:]))
            if kind == "mynumber":
                digits += str(_my_number_digit(digits))
            sep = draw(st.sampled_from(["", "-", " "]))
            written = sep.join(digits[i : i + 4] for i in range(0, len(digits), 4))
        return written, [re.sub(r"\D", "", written)], True
    if kind == "token":
        token = draw(
            st.one_of(
                st.from_regex(r"[A-Za-z0-9]{19,30}[0-9]", fullmatch=True),
                st.from_regex(r"[0-9a-f]{11,40}[0-9]", fullmatch=True),
                st.binary(min_size=12, max_size=30).map(_b64).filter(lambda t: "+" in t),
                st.binary(min_size=13, max_size=29).filter(lambda b: len(b) % 3).map(_b64),
            ).filter(lambda t: len(set(t)) >= 8)  # random, not `AAAAAAAA==`
        )
        return token, [token, *[p for p in re.split(r"[+/=]", token) if len(p) >= 8]], False
    if kind == "geo":
        lat = draw(st.integers(-89_000_000, 89_000_000)) / 1_000_000
        lon = draw(st.integers(-179_000_000, 179_000_000)) / 1_000_000
        text = f"{lat:.6f},{lon:.6f}"
        return text, [f"{lat:.6f}", f"{lon:.6f}"], False
    n = draw(DOC_V4)
    forms = _v4_forms(n)
    v6 = f"2001:db8::{n & 0xFFFF:x}"
    written = draw(st.sampled_from([*forms, v6, f"[{v6}]", f"fe80::{n & 0xFFFF:x}%25eth0"]))
    return written, [written.strip("[]."), forms[0]], False


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _luhn_digit(partial: str) -> int:
    total = 0
    for i, c in enumerate(reversed(partial)):
        d = int(c) * (1 if i % 2 else 2)
        total += d - 9 if d > 9 else d
    return (10 - total % 10) % 10


def _my_number_digit(eleven: str) -> int:
    weights = [6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
    total = sum(int(d) * w for d, w in zip(eleven, weights, strict=True))
    r = total % 11
    return 0 if r <= 1 else 11 - r


PLACES = {
    "path": ("url", "https://shop.example.jp/users/{}/orders"),
    "last segment": ("url", "https://shop.example.jp/u/{}"),
    "query name": ("url", "https://shop.example.jp/p?{}=1&utm_source=news"),
    "utm value": ("url", "https://shop.example.jp/p?utm_content={}&utm_medium=email"),
    "utm value alone": ("url", "https://shop.example.jp/p?utm_term={}"),
    "host": ("url", "http://{}:8080/p"),
    "referrer path": ("referrer", "https://ref.example.com/q/{}/"),
    "referrer query": ("referrer", "https://ref.example.com/?utm_term={}"),
    "referrer host": ("referrer", "https://{}/"),
    "referrer sms": ("referrer", "sms:{}"),
    "referrer tel": ("referrer", "tel:{}"),
    "referrer mailto": ("referrer", "mailto:{}"),
    "referrer data": ("referrer", "data:text/plain,{}"),
    "referrer javascript": ("referrer", "javascript:void('{}')"),
    "referrer app": ("referrer", "android-app://{}/"),
}


def views(out: str) -> list[str]:
    views = [out.lower(), normalize_text(out).lower()]
    normal = normalize_url(out)
    if normal is not None:
        views.append(normal.lower())
    return views
