"""Browser profiles: modern user-agent strings with a matching platform, screens and languages."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Device:
    """A browser/OS combination as the tag reports it."""

    user_agent: str
    platform: str
    screens: tuple[tuple[int, int], ...]
    mobile: bool
    weight: int


_WIN_SCREENS = ((1920, 1080), (1366, 768), (1536, 864), (2560, 1440), (1280, 720))
_MAC_SCREENS = ((1440, 900), (1512, 982), (1728, 1117), (2560, 1440), (1680, 1050))
_IPHONE_SCREENS = ((390, 844), (393, 852), (430, 932), (375, 667), (414, 896))
_ANDROID_SCREENS = ((412, 915), (360, 800), (384, 854), (412, 892), (360, 780))
_IPAD_SCREENS = ((820, 1180), (768, 1024), (1024, 1366))

DEVICES: tuple[Device, ...] = (
    Device(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36",
        "Win32",
        _WIN_SCREENS,
        False,
        22,
    ),
    Device(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/130.0.0.0 Safari/537.36",
        "Win32",
        _WIN_SCREENS,
        False,
        6,
    ),
    Device(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
        "Win32",
        _WIN_SCREENS,
        False,
        8,
    ),
    Device(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
        "Win32",
        _WIN_SCREENS,
        False,
        3,
    ),
    Device(
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/18.1.1 Safari/605.1.15",
        "MacIntel",
        _MAC_SCREENS,
        False,
        7,
    ),
    Device(
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36",
        "MacIntel",
        _MAC_SCREENS,
        False,
        6,
    ),
    Device(
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:133.0) Gecko/20100101 Firefox/133.0",
        "MacIntel",
        _MAC_SCREENS,
        False,
        1,
    ),
    Device(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1_1 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/18.1.1 Mobile/15E148 Safari/604.1",
        "iPhone",
        _IPHONE_SCREENS,
        True,
        26,
    ),
    Device(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6_1 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
        "iPhone",
        _IPHONE_SCREENS,
        True,
        8,
    ),
    Device(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
        "iPhone",
        _IPHONE_SCREENS,
        True,
        3,
    ),
    Device(
        "Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/18.1 Mobile/15E148 Safari/604.1",
        "iPad",
        _IPAD_SCREENS,
        True,
        3,
    ),
    Device(
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Mobile Safari/537.36",
        "Linux armv81",
        _ANDROID_SCREENS,
        True,
        14,
    ),
    Device(
        "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/130.0.6723.102 Mobile Safari/537.36",
        "Linux armv8l",
        _ANDROID_SCREENS,
        True,
        4,
    ),
    Device(
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36",
        "Linux x86_64",
        _WIN_SCREENS,
        False,
        1,
    ),
)

# (language, weight) for Japanese visitors and for foreign ones, by country.
JP_LANGUAGES: tuple[tuple[str, int], ...] = (("ja-JP", 90), ("ja", 6), ("en-US", 3), ("ko-KR", 1))
FOREIGN_LANGUAGES: dict[str, tuple[str, ...]] = {
    "US": ("en-US",),
    "GB": ("en-GB", "en-US"),
    "DE": ("de-DE", "en-US"),
    "FR": ("fr-FR",),
    "KR": ("ko-KR",),
    "CN": ("zh-CN",),
    "TW": ("zh-TW",),
    "BR": ("pt-BR",),
    "AU": ("en-AU",),
    "IN": ("en-IN", "hi-IN"),
    "JP": ("ja-JP",),
}
CHARSETS: tuple[str, ...] = ("UTF-8",) * 30 + ("utf-8", "Shift_JIS", "EUC-JP")
COLOR_DEPTHS: tuple[int, ...] = (24,) * 12 + (30, 32, 48)
