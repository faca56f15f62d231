"""Japanese personal names where the text marks them as such: a name with an honorific.

A logged-in page's title often greets its visitor (`山田太郎様のマイページ`, `鈴木 花子さん`).
No list of names is needed: the honorific says a person is meant. Words that end in the same
character as a name would but are not names (`お客様`, `仕様`, `皆さん`, `担当者様`, `会員様`)
are told apart by the character before the honorific. Kanji names only: katakana before `様`
is mostly a role or a brand (`オーナー様`), and hiragana before `さん` a word (`たくさん`).
"""

from __future__ import annotations

import re

from pipeline.core.detect.kinds import Finding, Kind

_HONORIFIC = ("様", "さま", "さん", "殿", "氏")
_NAME = re.compile(
    r"(?<![\u3005\u4e00-\u9fff])"
    r"(?P<name>[\u4e00-\u9fff\u3005]{1,4}(?:[ \u3000][\u4e00-\u9fff\u3005]{1,4})?)"
    r"[ \u3000]?(?:様|さま|さん|殿|氏)(?![\u3005子式相態])"
)
# One kanji that with an honorific is a word, not a name (お客様, 皆さん, 仕様, 神様, お子様).
_WORD_ALONE = frozenset("仕同模異多一外殿神仏王奥客皆各今左有貴上若姫母父兄姉弟妹屋子嬢宮方人様中")
# Kanji that end words made with 様 (新仕様, 同様, 模様, お客様) but never a name.
_NEVER_LAST = frozenset("仕同模異多外殿神仏王奥客皆各貴姫嬢様")
# Endings of longer words that are roles, places or things (担当者様, 会員様, 店長さん, 学生さん,
# 本屋さん, ご主人様, 観音様): a name never ends so.
_WORD_ENDINGS = (
    "者",
    "員",
    "長",
    "客",
    "様",
    "生",
    "師",
    "医",
    "手",
    "族",
    "達",
    "職",
    "僚",
    "官",
    "役",
    "社",
    "位",
    "嬢",
    "那",
    "坊",
    "主人",
    "管理人",
    "恋人",
    "友人",
    "本人",
    "個人",
    "法人",
    "夫人",
    "婦人",
    "大人",
    "他人",
    "新人",
    "職人",
    "芸人",
    "美人",
    "先方",
    "奥方",
    "親方",
    "相方",
    "観音",
    "天道",
    "大家",
    "作家",
    "農家",
    "本屋",
    "花屋",
    "魚屋",
    "肉屋",
    "酒屋",
    "八百屋",
    "床屋",
    "薬屋",
    "部屋",
    "問屋",
    "仕様",
    "同様",
    "模様",
    "皆様",
    "神様",
    "王様",
    "殿様",
)


def could_have_name(text: str) -> bool:
    """Cheap: an honorific character is there at all."""
    return any(h in text for h in _HONORIFIC)


def find_names(text: str) -> list[Finding]:
    """Kanji names followed by an honorific in normalized `text` (the honorific is kept)."""
    found = []
    for match in _NAME.finditer(text):
        name = match.group("name").rstrip(" \u3000")
        if name in _WORD_ALONE or (
            len(name) > 1 and (name[-1] in _NEVER_LAST or name.endswith(_WORD_ENDINGS))
        ):
            continue
        found.append(Finding(Kind.NAME, match.start("name"), match.start("name") + len(name)))
    return found
