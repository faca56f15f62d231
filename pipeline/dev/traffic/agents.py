"""Browser profiles: a long tail of user-agent strings with their platform, screens and languages.

The mix is a snapshot of Japanese web traffic around late 2024, made by hand from public
statistics pages and stated as approximate (no data was fitted; there is no network here):

- device and OS shares: StatCounter GlobalStats, Japan (gs.statcounter.com: "Desktop vs Mobile
  vs Tablet", "Mobile Operating System", "Desktop OS" market share): mobile about 55-60% of page
  views, iOS about two thirds of mobile, Windows about 60% and macOS about 20-25% of desktop;
- browsers: StatCounter "Browser Market Share Japan": Chrome first, then Safari, Edge, Firefox,
  Samsung Internet; in-app browsers (LINE, Instagram, Yahoo! JAPAN) as seen in the user-agent
  lists of public UA databases (useragents.me, whatmyuseragent.com);
- version tails: Apple's "App Store - Support" iOS adoption page (about 2/3 of iPhones on the
  newest major a few months after release), StatCounter "iOS Version Market Share" and the
  Chrome release calendar (chromiumdash.appspot.com: a new major every 4 weeks, most users within
  two majors of the newest; Windows 7/8 frozen at Chrome 109).

The strings follow the Chrome and Safari user-agent reduction (frozen `Windows NT 10.0`, `Mac OS
X 10_15_7`, `Android 10; K`), so versions, not models, make most of the tail; WebView and
Samsung Internet strings still name the device model. Screens live in `screens`.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.dev.traffic import screens

_WEBKIT = "AppleWebKit/537.36 (KHTML, like Gecko)"
_SAFARI_WEBKIT = "AppleWebKit/605.1.15 (KHTML, like Gecko)"
_WIN = "Windows NT 10.0; Win64; x64"
_MAC = "Macintosh; Intel Mac OS X 10_15_7"


@dataclass(frozen=True, slots=True)
class Device:
    """A browser/OS combination as the tag reports it; `weight` is its share in per mille."""

    user_agent: str
    platform: str
    screens: tuple[tuple[int, int], ...]
    mobile: bool
    weight: float
    kind: str = "desktop"  # screens.KINDS: which screen and viewport distribution applies


def _tail(versions: tuple[str, ...], total: float, decay: float = 0.55) -> list[tuple[str, float]]:
    """`versions`, newest first, sharing `total` with geometrically falling weights."""
    raw = [decay**i for i in range(len(versions))]
    scale = total / sum(raw)
    return [(v, w * scale) for v, w in zip(versions, raw, strict=True)]


_CHROME = tuple(str(v) for v in range(131, 119, -1))  # 131 ... 120
_EDGE = tuple(str(v) for v in range(131, 123, -1))
_FIREFOX = ("133", "132", "131", "128", "115")  # 128 and 115 are ESR releases
_MAC_SAFARI = ("18.1.1", "18.1", "18.0.1", "17.6", "17.5", "17.4.1", "16.6", "15.6.1")
# iOS versions as they appear in the UA (underscores) and the Safari `Version/` they carry.
_IOS = ("18_1_1", "18_1", "18_0_1", "17_6_1", "18_0", "17_7", "17_5_1", "16_7_10", "17_4_1",
        "16_6_1", "17_3_1", "15_8_3", "16_3_1", "15_7", "14_8_1", "17_2_1", "16_1_2", "12_5_7")  # fmt: skip
_ANDROID_CHROME = tuple(f"{v}.0.0.0" for v in range(131, 121, -1))
_ANDROID_MODELS = ("SO-51C", "SH-53C", "SC-51D", "Pixel 8", "Pixel 7a", "SOG10", "A302SH",
                   "SM-S918B", "SH-M26", "XQ-DQ44", "A201SO", "Pixel 6a", "SO-41B", "SHG11")  # fmt: skip
_ANDROID_VERSIONS = ("14", "13", "12", "15", "11", "10")
_LINE = ("14.19.1", "14.18.0", "14.17.0", "14.15.0", "14.13.2", "13.23.0")


def _safari_version(ios: str) -> str:
    parts = ios.split("_")
    return ".".join(parts[:2]) if parts[0] != "18" else ".".join(parts)


def _desktop() -> list[Device]:
    out: list[Device] = []
    for v, w in _tail(_CHROME, 150):
        out.append(Device(f"Mozilla/5.0 ({_WIN}) {_WEBKIT} Chrome/{v}.0.0.0 Safari/537.36",
                          "Win32", (), False, w, "windows"))  # fmt: skip
    out.append(Device(f"Mozilla/5.0 (Windows NT 6.1; Win64; x64) {_WEBKIT} Chrome/109.0.0.0 "
                      "Safari/537.36", "Win32", (), False, 3, "windows"))  # fmt: skip
    for v, w in _tail(_EDGE, 80):
        out.append(Device(f"Mozilla/5.0 ({_WIN}) {_WEBKIT} Chrome/{v}.0.0.0 Safari/537.36 "
                          f"Edg/{v}.0.0.0", "Win32", (), False, w, "windows"))  # fmt: skip
    for v, w in _tail(_FIREFOX, 22):
        out.append(Device(f"Mozilla/5.0 ({_WIN}; rv:{v}.0) Gecko/20100101 Firefox/{v}.0",
                          "Win32", (), False, w, "windows"))  # fmt: skip
        out.append(Device(f"Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:{v}.0) "
                          f"Gecko/20100101 Firefox/{v}.0", "MacIntel", (), False, w / 6, "mac"))  # fmt: skip
    for v, w in _tail(_MAC_SAFARI, 50):
        out.append(Device(f"Mozilla/5.0 ({_MAC}) {_SAFARI_WEBKIT} Version/{v} Safari/605.1.15",
                          "MacIntel", (), False, w, "mac"))  # fmt: skip
    for v, w in _tail(_CHROME[:8], 50):
        out.append(Device(f"Mozilla/5.0 ({_MAC}) {_WEBKIT} Chrome/{v}.0.0.0 Safari/537.36",
                          "MacIntel", (), False, w, "mac"))  # fmt: skip
    for v, w in _tail(_CHROME[:6], 12):
        out.append(Device(f"Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) {_WEBKIT} Chrome/{v}.0.0.0 "
                          "Safari/537.36", "Linux x86_64", (), False, w, "windows"))  # fmt: skip
    for v, w in _tail(_CHROME[:4], 5):
        out.append(Device(f"Mozilla/5.0 (X11; Linux x86_64) {_WEBKIT} Chrome/{v}.0.0.0 "
                          "Safari/537.36", "Linux x86_64", (), False, w, "windows"))  # fmt: skip
    return out


def _iphone() -> list[Device]:
    out: list[Device] = []
    ios = _tail(_IOS, 380, decay=0.72)
    for v, w in ios:
        head = f"Mozilla/5.0 (iPhone; CPU iPhone OS {v} like Mac OS X) {_SAFARI_WEBKIT}"
        out.append(Device(f"{head} Version/{_safari_version(v)} Mobile/15E148 Safari/604.1",
                          "iPhone", (), True, w * 0.82, "iphone"))  # fmt: skip
        if v.startswith(("18", "17")):
            out.append(Device(f"{head} CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
                              "iPhone", (), True, w * 0.07, "iphone"))  # fmt: skip
            for line, lw in _tail(_LINE[:3], w * 0.07):
                out.append(Device(f"{head} Mobile/15E148 Safari Line/{line}", "iPhone", (),
                                  True, lw, "iphone"))  # fmt: skip
            out.append(Device(f"{head} Mobile/15E148 YJApp-IOS jp.co.yahoo.ipn.appli/4.64.0",
                              "iPhone", (), True, w * 0.04, "iphone"))  # fmt: skip
    for v, w in _tail(_IOS[:8], 30, decay=0.6):
        out.append(Device(f"Mozilla/5.0 (iPad; CPU OS {v} like Mac OS X) {_SAFARI_WEBKIT} "
                          f"Version/{_safari_version(v)} Mobile/15E148 Safari/604.1",
                          "iPad", (), True, w, "ipad"))  # fmt: skip
    return out


def _android() -> list[Device]:
    out: list[Device] = []
    for v, w in _tail(_ANDROID_CHROME, 150):
        out.append(Device(f"Mozilla/5.0 (Linux; Android 10; K) {_WEBKIT} Chrome/{v} "
                          "Mobile Safari/537.36", "Linux armv81", (), True, w, "android"))  # fmt: skip
    for i, (model, mw) in enumerate(_tail(_ANDROID_MODELS, 40, decay=0.8)):
        android = _ANDROID_VERSIONS[i % len(_ANDROID_VERSIONS)]
        for line, lw in _tail(_LINE, mw * 0.8, decay=0.5):
            out.append(Device(f"Mozilla/5.0 (Linux; Android {android}; {model}; wv) {_WEBKIT} "
                              "Version/4.0 Chrome/131.0.6778.81 Mobile Safari/537.36 "
                              f"Line/{line}/IAB", "Linux armv8l", (), True, lw, "android"))  # fmt: skip
        if model.startswith(("SM-", "SC-")):
            out.append(Device(f"Mozilla/5.0 (Linux; Android {android}; SAMSUNG {model}) "
                              f"{_WEBKIT} SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile "
                              "Safari/537.36", "Linux armv8l", (), True, mw * 0.6, "android"))  # fmt: skip
    for v, w in _tail(_ANDROID_CHROME[:4], 10):
        out.append(Device(f"Mozilla/5.0 (Linux; Android 10; K) {_WEBKIT} Chrome/{v} Safari/537.36",
                          "Linux armv81", (), True, w, "android_tablet"))  # fmt: skip
    return out


def _with_screens(devices: list[Device]) -> tuple[Device, ...]:
    """Each device with the screens of its kind (kept on the device for older callers)."""
    return tuple(
        Device(d.user_agent, d.platform, screens.common(d.kind), d.mobile, d.weight, d.kind)
        for d in devices
    )


DEVICES: tuple[Device, ...] = _with_screens(_desktop() + _iphone() + _android())

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
