"""Names in Latin letters where the text marks them as names: after a title (`Mr. John Smith`,
`Dr Tanaka`), before an honorific (`Yamada-san`, `Taro Yamada様`, `Smithさん`), or greeted
(`Welcome back, Hanako Sato`, `Dear Taro`).

As for kanji names (`names.py`), no list of names is needed: the marker says a person is meant.
Brands named like people (`Mr. Donut`, `Dr. Martens`) and greetings of nobody in particular
(`Dear Customer`, `Hello, World`) are told apart by a short list of such words.
"""

from __future__ import annotations

import re

from pipeline.core.detect.kinds import Finding, Kind

_WORD = r"[A-Za-z][A-Za-z'’\-]*"
_CAPITALIZED = r"[A-Z][A-Za-z'’\-]*"
_TITLES = "mr|mrs|ms|miss|mx|dr|prof|mister|madam|madame|sir|mlle|mme|herr|frau"
_NAME_AFTER_TITLE = (
    rf"(?P<name>{_WORD}(?:[ \t]+{_CAPITALIZED}){{0,2}}(?:[ \t]+(?P<second>[a-z][a-z'\-]+))?)"
)
# A title with its dot, then the name: its first word, and up to two more that are capitalized
# (or, in a text written all in lower case, one more word); without the dot, the title and the
# name capitalized (`Dr Tanaka`, not `200 ms delay`).
_TITLED = re.compile(rf"\b(?i:{_TITLES})\.[ \t]+{_NAME_AFTER_TITLE}")
_TITLED_NO_DOT = re.compile(
    rf"\b(?:{'|'.join(t.capitalize() for t in _TITLES.split('|'))})[ \t]+"
    rf"(?P<name>{_CAPITALIZED}(?:[ \t]+{_CAPITALIZED}){{0,2}})"
)
_HONORIFIC = re.compile(
    rf"(?P<name>{_WORD}(?:[ \t\u3000]+{_WORD}){{0,2}})"
    r"(?:[ \t\u3000]?(?:様|さま|さん|殿|氏|くん|君|ちゃん)"
    r"|-(?i:san|sama|kun|chan|sensei|senpai|dono)\b)"
)
_GREETED = re.compile(
    r"\b(?i:(?:welcome(?: back)?|hello|hi|hey|thanks|thank you|good (?:morning|afternoon|evening)"
    r"|congratulations|happy birthday)[ \t]*,|dear)[ \t]+"
    rf"(?P<name>{_CAPITALIZED}(?:[ \t]+{_CAPITALIZED}){{0,2}})"
)
# First words after a title or greeting that name no one: brands, roles, everybody.
_NOT_A_NAME = frozenset(
    [
        "donut",
        "children",
        "martens",
        "pepper",
        "bean",
        "clean",
        "potato",
        "coffee",
        "big",
        "max",
        "jart",
        "scholl",
        "ci",
        "brown",
        "customer",
        "customers",
        "guest",
        "guests",
        "member",
        "members",
        "friend",
        "friends",
        "everyone",
        "everybody",
        "all",
        "team",
        "world",
        "user",
        "users",
        "shopper",
        "shoppers",
        "visitor",
        "visitors",
        "valued",
        "sir",
        "madam",
        "there",
        "you",
        "folks",
        "reader",
        "readers",
        "subscriber",
        "subscribers",
        "partner",
        "partners",
        "client",
        "clients",
        "buyer",
        "buyers",
        "google",
        "amazon",
        "apple",
    ]
)
# Lower-case words that follow a lower-case name but are no part of it.
_NOT_A_SURNAME = frozenset(
    [
        "account",
        "page",
        "profile",
        "orders",
        "order",
        "cart",
        "my",
        "the",
        "and",
        "or",
        "of",
        "for",
        "to",
        "in",
        "on",
        "at",
        "is",
        "with",
        "s",
    ]
)
_HINTS = ("mr", "ms", "dr", "pro", "mis", "ma", "sir", "ml", "mme", "herr", "frau", "dear",
          "welcome", "hello", "hi", "hey", "thank", "good", "congrat", "happy", "-s", "-k",
          "-c", "-d")  # fmt: skip
_JA_HONORIFICS = ("様", "さま", "さん", "殿", "氏", "くん", "君", "ちゃん")


def could_have_latin_name(text: str, lowered: str) -> bool:
    """Cheap: a title, a greeting or an honorific could be there."""
    if any(h in lowered for h in _HINTS):
        return True
    return not text.isascii() and any(h in text for h in _JA_HONORIFICS)


def find_latin_names(text: str) -> list[Finding]:
    """Latin-letter names marked as such in normalized `text` (titles and honorifics kept)."""
    found = []
    for pattern in (_TITLED, _TITLED_NO_DOT, _HONORIFIC, _GREETED):
        for match in pattern.finditer(text):
            name = match.group("name")
            words = name.split()
            if words[0].lower().strip("'’-") in _NOT_A_NAME:
                continue
            end = match.start("name") + len(name)
            second = match.groupdict().get("second")
            if second and (not words[0].islower() or second in _NOT_A_SURNAME):
                end = match.start("second")
                name = text[match.start("name") : end].rstrip()
                end = match.start("name") + len(name)
            found.append(Finding(Kind.NAME, match.start("name"), end))
    return found
