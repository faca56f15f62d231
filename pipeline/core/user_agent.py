"""User agents reduced to what analytics uses, as browsers reduce their own.

Chrome's User-Agent Reduction sends `Chrome/131.0.0.0` and `Android 10; K`; Safari freezes macOS
at `10_15_7`. The output keeps browser, engine and operating system with their major versions and
drops what makes a user agent a fingerprint: minor versions and builds, device models, build ids,
in-app browser blocks (`[FBAN/...]`). The audit measured it: the full user agent was the largest
single contributor to visitors whose quasi-identifier tuple is unique in their site-day.
"""

from __future__ import annotations

import re

# Engine tokens whose versions are frozen and parsers read as they are.
_FROZEN = frozenset({"Mozilla", "AppleWebKit", "Safari", "Gecko", "KHTML", "Version/4.0"})
_TOKEN_VERSION = re.compile(r"(?<![\w.])([A-Za-z][\w.-]*)/(\d+)((?:\.\w+)+)")
_PAREN = re.compile(r"\(([^()]*)\)")
# In-app blocks (`[FBAN/FBIOS;FBAV/450.0.0.23.108;FBDV/iPhone14,5]`), not the scrubber's `[email]`.
_BRACKETS = re.compile(r"\s*\[[^\[\]]*[/;][^\[\]]*\]")
_ANDROID = re.compile(r"Android (\d+)(?:[._]\d+)*")
_APPLE_OS = re.compile(r"\bOS (\d+)(?:_\d+)+(?= like Mac OS X)")
_RV = re.compile(r"\brv:(\d+)(?:\.\d+)+")
_ANDROID_KEEP = frozenset({"Linux", "U", "wv", "Mobile", "Tablet"})


def _token(match: re.Match[str]) -> str:
    """`Chrome/131.0.6778.81` -> `Chrome/131.0.0.0`: the major version, in the shape parsers read."""
    name = match.group(1)
    if name in _FROZEN:
        return match.group(0)
    return f"{name}/{match.group(2)}" + re.sub(r"\.\w+", ".0", match.group(3))


def _platform(match: re.Match[str]) -> str:
    """One parenthesized comment: an Android device becomes `K`, OS versions their major."""
    items = [i.strip() for i in match.group(1).split(";")]
    android = next((i for i in items if _ANDROID.match(i)), None)
    if android is not None:
        version = _ANDROID.match(android).group(1)  # type: ignore[union-attr]
        kept = [i for i in items if i in _ANDROID_KEEP and i != "Mobile"]
        head = [i for i in kept if i == "Linux"] or ["Linux"]
        tail = [i for i in kept if i not in ("Linux", "U")]
        return "(" + "; ".join([*head, f"Android {version}", "K", *tail]) + ")"
    text = _APPLE_OS.sub(lambda m: f"OS {m.group(1)}_0", match.group(1))
    return "(" + _RV.sub(lambda m: f"rv:{m.group(1)}.0", text) + ")"


def reduce_user_agent(text: str) -> str:
    """The reduced form of a (scrubbed) user agent."""
    text = _BRACKETS.sub("", text)
    text = _PAREN.sub(_platform, text)
    return _TOKEN_VERSION.sub(_token, text)
