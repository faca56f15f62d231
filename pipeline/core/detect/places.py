"""Japanese postal codes and street addresses: location finer than the prefecture is `[geo]`.

Postal codes: `〒100-0001`, `〒1000001`, `郵便番号 100-0001`, `ZIP 100-0001`, and `NNN-NNNN`
directly followed by a Japanese place name (`100-0001 東京都千代田区`).
Street addresses: a town name followed by block numbers (`千代田1-1-1`, `梅田3丁目1番3号`,
`千代田区千代田1-1`). The rule: a prefecture (the 47 names) and a designated city (政令指定都市,
700,000+ people) stay; everything after them up to the end of the block numbers is `[geo]`
(ward, town and blocks). Without a prefecture or designated city the span starts at the start of
the place name (a run of kanji and kana, cut after a particle such as `は`).
Not addresses: `1-2人用`, `3-5営業日`, `第1-2章`, `型番12-345` (numbers followed by a counter,
or a name of one kanji, or a name ending in 番/号/第).
"""

from __future__ import annotations

import re

from pipeline.core.detect.kinds import Finding, Kind

_DASH = "\\-\u2010-\u2015\u2212\u30fc"
_POSTAL = re.compile(
    rf"(?i)(?:〒|〠|郵便番号|郵便|zip(?:\s*code)?|postal\s*code|post\s*code)\s*[:：]?\s*"
    rf"(?P<code>\d{{3}}[{_DASH}]?\d{{4}})(?!\d)"
)
_NAME = "\u3005\u3041-\u3096\u30a1-\u30fa\u30fc\u4e00-\u9fff"
_CODE_THEN_PLACE = re.compile(
    rf"(?<!\d)(?<!\d[{_DASH}])\d{{3}}[{_DASH}]\d{{4}}(?=\s?[\u4e00-\u9fff]{{1,6}}?[都道府県市区町村郡])"
)
_NUM = r"(?:\d{1,4}|[一二三四五六七八九十〇]{1,3})"
_UNIT = r"(?:丁目|番地|番|号|地割)"
_BLOCK = re.compile(
    rf"(?P<name>[{_NAME}]+)\s?(?P<block>{_NUM}\s?{_UNIT}?(?:\s?(?:[{_DASH}の]\s?)?{_NUM}\s?{_UNIT}?){{0,3}})"
    r"(?![\d人日章回個枚巻話位部年月時分秒点件円歳倍本冊台名階%])"
)
_CHARS = re.compile(rf"[〒〠郵丁番号{_DASH}]")  # one character class: the cheapest scan
_HINT = re.compile(rf"[〒〠郵]|丁目|番|号|\d[{_DASH}]\d")
_PREFECTURE = re.compile(
    r"北海道|青森県|岩手県|宮城県|秋田県|山形県|福島県|茨城県|栃木県|群馬県|埼玉県|千葉県|東京都"
    r"|神奈川県|新潟県|富山県|石川県|福井県|山梨県|長野県|岐阜県|静岡県|愛知県|三重県|滋賀県|京都府"
    r"|大阪府|兵庫県|奈良県|和歌山県|鳥取県|島根県|岡山県|広島県|山口県|徳島県|香川県|愛媛県|高知県"
    r"|福岡県|佐賀県|長崎県|熊本県|大分県|宮崎県|鹿児島県|沖縄県"
)
_CITY = re.compile(
    r"札幌市|仙台市|さいたま市|千葉市|横浜市|川崎市|相模原市|新潟市|静岡市|浜松市|名古屋市|京都市"
    r"|大阪市|堺市|神戸市|岡山市|広島市|北九州市|福岡市|熊本市"
)
_PARTICLES = "はをにでへともや"
_MUNICIPALITY = re.compile(r"[\u4e00-\u9fff]{1,5}[都道府県市区町村郡]")
_NOT_A_TOWN = ("番", "号", "第", "約", "全", "計", "各", "型", "品", "No")


def _place_start(text: str, start: int, end: int) -> int:
    """Where the redacted part of the place name `text[start:end]` starts (see module doc)."""
    for i in range(end - 1, start - 1, -1):
        if text[i] in _PARTICLES:
            start = i + 1
            break
    keep = start
    for pattern in (_PREFECTURE, _CITY):
        match = pattern.match(text, keep, end)
        if match is None:
            found = [m for m in pattern.finditer(text, keep, end)]
            match = found[-1] if found else None
        if match is not None and match.end() < end:
            keep = match.end()
    return keep


def _blocks(text: str) -> list[Finding]:
    found = []
    for match in _BLOCK.finditer(text):
        name, block = match.group("name", "block")
        units = re.search(_UNIT, block) is not None
        dashes = len(re.findall(rf"[{_DASH}の]", block))
        if not units and not dashes:
            continue
        if block.startswith("0"):
            continue  # block numbers never start with 0; phone numbers do (`電話 090-1234-5678`)
        if name.endswith(_NOT_A_TOWN) or (len(name) == 1 and not units):
            continue
        if not units and dashes == 1 and not _MUNICIPALITY.search(name):
            continue  # `型番12-345`: two numbers need a city, ward, town or village before
        if units and not re.search(r"丁目|番|号", block):
            continue
        start = _place_start(text, match.start("name"), match.end("name"))
        found.append(Finding(Kind.GEO, start, match.end("block")))
    return found


def could_have_place(text: str) -> bool:
    """Cheap: a postal mark, a block unit, or a digit-dash-digit (non-ASCII text only)."""
    return _CHARS.search(text) is not None and _HINT.search(text) is not None


def find_places(text: str) -> list[Finding]:
    """Postal codes and street addresses in normalized `text`."""
    found = [Finding(Kind.GEO, m.start("code"), m.end("code")) for m in _POSTAL.finditer(text)]
    if not text.isascii():
        found += [Finding(Kind.GEO, m.start(), m.end()) for m in _CODE_THEN_PLACE.finditer(text)]
        found += _blocks(text)
    return found
