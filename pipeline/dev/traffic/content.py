"""Page content pools: sites, pages and titles, referrers, utm parameters (precomputed once)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from urllib.parse import quote

from pipeline.dev.traffic import personal

_DOMAINS = (
    "www.sakura-zakka.example.jp",
    "shop.kumo-books.example.jp",
    "news.hikari-media.example.jp",
    "store.nami-outdoor.example.com",
    "www.tsubaki-cosme.example.jp",
    "m.kaze-travel.example.jp",
    "www.mori-furniture.example.com",
    "shop.yuki-foods.example.jp",
)
_PRODUCTS_JA = (
    "ふわふわ今治タオル 3枚セット",
    "北海道産 ゆめぴりか 5kg",
    "ステンレス 真空断熱タンブラー 420ml",
    "国産ひのき まな板",
    "薬用 美白美容液 30mL",
    "撥水 ウィンドブレーカー メンズ",
    "はじめてのPython 第3版",
    "京都 抹茶チョコレート 12個入",
    "折りたたみ傘 晴雨兼用",
    "ワイヤレスイヤホン ノイズキャンセリング",
)
_PRODUCTS_EN = (
    "Organic Cotton Towel Set",
    "Insulated Steel Tumbler 420ml",
    "Waterproof Hiking Jacket",
    "Matcha Chocolate Gift Box",
    "Noise Cancelling Earbuds",
    "Oak Dining Chair",
)
_CATEGORIES = ("kitchen", "bath", "outdoor", "books", "cosme", "food", "furniture", "sale")
_SEARCH_WORDS = ("タオル", "抹茶", "セール", "ギフト", "jacket", "tumbler", "送料無料", "新作")
_SEARCH_QUERIES = tuple("?q=" + quote(w) for w in _SEARCH_WORDS)
_REFERRERS = (
    "https://www.google.com/",
    "https://www.google.co.jp/",
    "https://search.yahoo.co.jp/search?p=%E3%82%BF%E3%82%AA%E3%83%AB&ei=UTF-8",
    "https://www.bing.com/search?q=tumbler+420ml&form=QBLH",
    "https://t.co/",
    "https://www.facebook.com/",
    "https://l.instagram.com/",
    "https://line.me/R/",
    "https://www.youtube.com/",
    "https://duckduckgo.com/",
    "https://www.google.com/search?q=%E6%8A%B9%E8%8C%B6+%E3%83%81%E3%83%A7%E3%82%B3",
    "android-app://com.google.android.gm/",
)
_UTM_SOURCES = (
    ("google", "cpc"),
    ("yahoo", "cpc"),
    ("newsletter", "email"),
    ("line", "social"),
    ("instagram", "social"),
    ("x", "social"),
    ("affiliate_a8", "affiliate"),
)
_CAMPAIGNS = ("winter_sale_2025", "black_friday", "new_arrivals", "retargeting_q4", "brand")
_PLAIN_PARAMS = ("ref=top", "page=2", "sort=price_asc", "color=navy", "size=M", "lang=ja")


@dataclass(frozen=True, slots=True)
class Page:
    """A page of one site: its URL without query, its title, whether it is a product page."""

    url: str
    title: str
    product: bool


def _pages(rng: random.Random, domain: str, english: bool) -> tuple[Page, ...]:
    """About 150 pages of one site."""
    brand = domain.split(".")[1].replace("-", " ").title()
    base = f"https://{domain}"
    pages = [
        Page(
            f"{base}/", f"{brand} 公式オンラインストア" if not english else f"{brand} Store", False
        ),
        Page(f"{base}/cart", "ショッピングカート" if not english else "Your cart", False),
        Page(f"{base}/checkout/complete", "ご注文ありがとうございました", False),
        Page(f"{base}/mypage/orders", "注文履歴 | マイページ", False),
    ]
    for cat in _CATEGORIES:
        pages.append(Page(f"{base}/category/{cat}", f"{cat.title()} | {brand}", False))
    for _ in range(140):
        sku = rng.randrange(10_000, 99_999)
        if english or rng.random() < 0.2:
            name = rng.choice(_PRODUCTS_EN)
        else:
            name = rng.choice(_PRODUCTS_JA)
        path = f"/products/{rng.choice(_CATEGORIES)}/{sku}"
        pages.append(Page(f"{base}{path}", f"{name}【公式】| {brand}", True))
    for word in _SEARCH_WORDS:
        pages.append(Page(f"{base}/search", f"「{word}」の検索結果 | {brand}", False))
    return tuple(pages)


def site_ids(count: int) -> tuple[str, ...]:
    """Site ids `site-0001` ... in order."""
    return tuple(f"site-{i + 1:04d}" for i in range(count))


def site_pages(rng: random.Random, count: int) -> tuple[tuple[Page, ...], ...]:
    """The pages of each of `count` sites (domains repeat with a suffix past the list's end)."""
    out = []
    for i in range(count):
        domain = _DOMAINS[i % len(_DOMAINS)]
        if i >= len(_DOMAINS):
            domain = domain.replace(".example.", f"{i}.example.", 1)
        out.append(_pages(rng, domain, english=(i % 4 == 3)))
    return tuple(out)


def query_pool(rng: random.Random, size: int = 400) -> tuple[str, ...]:
    """Query strings (with the leading '?'), empty for about half; some carry planted data."""
    out: list[str] = []
    for _ in range(size):
        parts: list[str] = []
        r = rng.random()
        if r < 0.35:
            source, medium = rng.choice(_UTM_SOURCES)
            parts += [
                f"utm_source={source}",
                f"utm_medium={medium}",
                f"utm_campaign={rng.choice(_CAMPAIGNS)}",
            ]
            if medium == "cpc":
                parts.append(f"gclid=Cj0KCQiA{rng.getrandbits(96):024x}")
        elif r < 0.5:
            parts.append(rng.choice(_PLAIN_PARAMS))
        if rng.random() < 0.12:
            parts.append(personal.query_plant(rng))
        out.append("?" + "&".join(parts) if parts else "")
    return tuple(out)


def search_query(rng: random.Random) -> str:
    """The query of a site-search page."""
    return _SEARCH_QUERIES[int(rng.random() * len(_SEARCH_QUERIES))]


def referrer_pool() -> tuple[str | None, ...]:
    """External referrers and None (direct), weighted."""
    return (None,) * 8 + _REFERRERS + _REFERRERS[:4] * 2
