"""Red-team classes of issue 9 (second pass): each class as a property and as written examples.

1. dots written out inside an address's local part; 2. long numbers in groups; 3. ids in user
agents; 4. IPv4 written in hex or octal; 5. Japanese postal codes and street addresses;
6. addresses spaced out letter by letter.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.core.scrub_text import scrub_text
from tests.core.test_detect import SETTINGS, _digits, _obfuscated, _scrubbed

MARKER = re.compile(r"\[(?:email|ip|phone|card|id|token|geo)\]")


def unmarked(text: str) -> str:
    return MARKER.sub(" ", text)


names = st.from_regex(r"[a-z]{3,7}", fullmatch=True)
DOTS = ["(dot)", "[dot]", " dot ", " (dot) ", "{dot}", "<dot>", "(DOT)", "(.)", "[.]", "(ドット)",
        "（ｄｏｔ）"]  # fmt: skip
ATS = ["(at)", "[at]", " at ", " (at) ", "{at}", "(AT)", "(aT)", "[@]", "(@)", "@", " @ ",
       "(アットマーク)", "★"]  # fmt: skip

# --- 1. dots written out inside the local part ---------------------------------------------------


@st.composite
def dotted_locals(draw: st.DrawFn) -> tuple[str, list[str]]:
    parts = draw(st.lists(names, min_size=2, max_size=4, unique=True))
    dot = draw(st.sampled_from(DOTS))
    at = draw(st.sampled_from(ATS))
    domain_dot = draw(st.sampled_from([".", *DOTS])) if at.strip() not in ("at",) else " dot "
    domain = domain_dot.join(["example", draw(st.sampled_from(["jp", "com", "co" + dot + "jp"]))])
    written = dot.join(parts) + at + domain
    return _obfuscated(draw, written), parts


@SETTINGS
@given(st.data(), dotted_locals())
def test_a_local_part_joined_by_written_dots_is_consumed_whole(data, planted) -> None:
    written, parts = planted
    out = unmarked(_scrubbed(data.draw, written))
    assert not any(part in out for part in parts), (written, out)
    assert "example" not in out, (written, out)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("taro(dot)yamada(at)gmail(dot)com", "[email]"),
        ("taro[dot]yamada[at]example[dot]jp", "[email]"),
        ("taro dot yamada at example dot jp", "[email]"),
        ("taro(dot)yamada@example.jp", "[email]"),
        ("taro(.)yamada(at)example(.)jp", "[email]"),
        ("taro＠example。jp", "[email]"),
        ("お問い合わせはtaro@example。jpまで", "お問い合わせは[email]まで"),
        ("Look at this offer", "Look at this offer"),
    ],
)
def test_dotted_local_parts(text: str, expected: str) -> None:
    assert scrub_text(text, 512) == expected


# --- 6. spaced out letter by letter --------------------------------------------------------------


def spaced(text: str, gap: str) -> str:
    return gap.join(text)


@SETTINGS
@given(st.data(), names, names, st.sampled_from([" ", "  ", "\u3000", "\u00a0", " \t"]))
def test_an_address_spaced_out_never_comes_out(data, local: str, host: str, gap: str) -> None:
    form = data.draw(st.sampled_from(["both", "local", "domain", "words"]))
    domain = f"{host}.example.jp"
    if form == "both":
        written = spaced(f"{local}@{domain}", gap)
    elif form == "local":
        written = f"{spaced(local, gap)}{gap}@{gap}{domain}"
    elif form == "domain":
        written = f"{local}{gap}@{gap}{spaced(domain, gap)}"
    else:
        written = f"{local} . {local[::-1]} @ {host} . example . jp"
    out = unmarked(_scrubbed(data.draw, _obfuscated(data.draw, written)))
    assert host not in out.replace(" ", "") and local not in out.replace(" ", ""), (written, out)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("u s e r @ e x a m p l e . c o m", "[email]"),
        ("mail: u s e r @ e x a m p l e . c o m まで", "mail: [email] まで"),
        ("u s e r (at) e x a m p l e (dot) c o m", "[email]"),
        ("Contact us at taro . yamada @ example . jp now.", "Contact us at [email] now."),
        ("Price @ 3.50", "Price @ 3.50"),
        ("Meet at 5 @ the cafe", "Meet at 5 @ the cafe"),
        ("a @ b", "a @ b"),
    ],
)
def test_spaced_addresses(text: str, expected: str) -> None:
    assert scrub_text(text, 512) == expected


# --- 4. IPv4 written in hex or octal -------------------------------------------------------------


def _octet_forms(octet: int) -> list[str]:
    return [str(octet), f"0x{octet:02X}", f"0x{octet:x}", f"0{octet:o}", f"00{octet:o}"]


@SETTINGS
@given(
    st.data(), st.sampled_from([(192, 0, 2), (198, 51, 100), (203, 0, 113)]), st.integers(1, 254)
)
def test_an_ip_in_hex_or_octal_never_comes_out(data, net: tuple[int, int, int], host: int) -> None:
    octets = [*net, host]
    parts = [data.draw(st.sampled_from(_octet_forms(o))) for o in octets]
    if all(p == str(o) for p, o in zip(parts, octets, strict=True)):
        parts[0] = f"0x{octets[0]:X}"
    dot = data.draw(st.sampled_from([".", "[.]", "(.)"]))
    integer = int.from_bytes(bytes(octets), "big")
    written = data.draw(st.sampled_from([dot.join(parts), f"0x{integer:08X}", f"0x{integer:x}"]))
    out = _scrubbed(data.draw, _obfuscated(data.draw, written)).lower()
    assert "[ip]" in out and written.lower().replace("[.]", ".") not in out, (written, out)


@pytest.mark.parametrize(
    ("text", "expected", "versions"),
    [
        ("host 0xC0.0xA8.1.2", "host [ip]", False),
        ("0300.0250.01.02", "[ip]", False),
        ("0xC0A80102", "[ip]", False),
        ("ip 0xC0[.]0xA8[.]1[.]2", "ip [ip]", False),
        ("MicroMessenger/8.0.44(0x18002c2f)", "MicroMessenger/8.0.44(0x18002c2f)", True),
        ("Foo/1.02.3.4", "Foo/1.02.3.4", True),
        ("0xdeadbeef0", "0xdeadbeef0", False),
    ],
)
def test_non_canonical_ipv4(text: str, expected: str, versions: bool) -> None:
    assert scrub_text(text, 512, versions=versions) == expected


# --- 2. long numbers in groups -------------------------------------------------------------------

GROUP_SEPS = [" ", "-", ".", "_", "/", " - ", "  ", "・", "−", "ー", "‐", "\u3000", "－", "．"]


@SETTINGS
@given(st.data(), st.from_regex(r"[1-9][0-9]{9,15}", fullmatch=True))
def test_a_grouped_number_never_comes_out(data, number: str) -> None:
    cuts = sorted(data.draw(st.sets(st.integers(2, len(number) - 2), min_size=1, max_size=4)))
    groups = [number[a:b] for a, b in zip([0, *cuts], [*cuts, len(number)], strict=True)]
    if any(len(g) < 2 for g in groups) or all(
        len(g) == 4 and g[:2] in ("19", "20") for g in groups
    ):
        return  # groups of one digit, or a list of years: not this class
    sep = data.draw(st.sampled_from(GROUP_SEPS))
    written = sep.join(groups)
    if any(len(g) == 4 and g[:2] in ("19", "20") for g in groups):
        return  # may read as a date (documented)
    if sep in ".．" and len(groups) == 2:
        return  # a decimal number such as 1000.000000 (documented as kept)
    out = _scrubbed(data.draw, _obfuscated(data.draw, written))
    assert number not in _digits(out), (written, out)


@pytest.mark.parametrize(
    "text",
    ["My Number 1234 5678 9012", "1234-5678-9012", "12.3456.7890", "1234/5678/9012",
     "1234 - 5678 - 9012", "12 3456 7890 12", "会員番号：１２３４－５６７８－９０１２"],
)  # fmt: skip
def test_grouped_numbers(text: str) -> None:
    assert "[id]" in scrub_text(text, 512), text


@pytest.mark.parametrize(
    "text",
    ["2025-11-24", "2025 11 24", "2025-11-24 2025-11-30", "2025/11/24 - 2025/12/25", "¥12,800",
     "1,299.00", "¥1 280 000 000", "1 280 000 000円", "24.11.2025 10:30", "2023 2024 2025",
     "Version 120.10.6099.230", "ISBN 978-4-06-512345-6", "11.24 - 12.25 (v2.0)", "1-2人用",
     "3-5営業日", "第1-2章"],
)  # fmt: skip
def test_dates_prices_and_versions_are_not_grouped_numbers(text: str) -> None:
    assert scrub_text(text, 512) == text


# --- 5. Japanese postal codes and street addresses -----------------------------------------------

TOWNS = ["千代田", "丸の内", "西新宿", "梅田", "道玄坂", "栄", "天神", "霞が関", "市ヶ谷"]
WARDS = ["千代田区", "新宿区", "北区", "中央区", "渋谷区", "大和市", "鎌倉市", "那須町"]


@SETTINGS
@given(st.data(), st.integers(100, 999), st.integers(0, 9999))
def test_a_postal_code_never_comes_out(data, head: int, tail: int) -> None:
    code = f"{head}{data.draw(st.sampled_from(['-', '−', 'ー', '', '‐']))}{tail:04d}"
    label = data.draw(
        st.sampled_from(["〒", "〒 ", "郵便番号 ", "郵便番号：", "ZIP ", "Postal code: "])
    )
    written = data.draw(st.sampled_from([f"{label}{code}", f"{head}-{tail:04d} 東京都千代田区"]))
    out = _scrubbed(data.draw, _obfuscated(data.draw, written))
    assert f"{head}{tail:04d}" not in _digits(out), (written, out)


@SETTINGS
@given(st.data(), st.lists(st.integers(1, 40), min_size=2, max_size=3))
def test_a_street_address_never_comes_out(data, blocks: list[int]) -> None:
    town, ward = data.draw(st.sampled_from(TOWNS)), data.draw(st.sampled_from(WARDS))
    dash = data.draw(st.sampled_from(["-", "−", "ー", "－", "‐"]))
    numbers = dash.join(map(str, blocks))
    if data.draw(st.booleans()):
        numbers = f"{blocks[0]}丁目{blocks[1]}番" + (f"{blocks[2]}号" if len(blocks) > 2 else "")
    head = data.draw(st.sampled_from(["東京都", "", "大阪市", "神奈川県"]))
    written = f"{head}{ward}{town}{numbers}"
    out = unmarked(_scrubbed(data.draw, _obfuscated(data.draw, written)))
    assert town not in out and _digits(numbers) not in _digits(out), (written, out)
    assert ward not in out or (ward.endswith("市") and head == ""), (written, out)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("〒100-0001", "〒[geo]"),
        ("郵便番号 100-0001", "郵便番号 [geo]"),
        ("〒1000001", "〒[geo]"),
        ("100-0001 東京都千代田区", "[geo] 東京都千代田区"),
        ("東京都千代田区千代田1-1", "東京都[geo]"),
        ("大阪市北区梅田3丁目1番3号", "大阪市[geo]"),
        ("千代田1-1-1", "[geo]"),
        ("ご住所は東京都千代田区千代田1-1です", "ご住所は東京都[geo]です"),
        ("千代田区丸の内一丁目1番1号", "[geo]"),
        ("1-2人用", "1-2人用"),
        ("3-5営業日", "3-5営業日"),
        ("第1-2章", "第1-2章"),
        ("型番12-345", "型番12-345"),
        ("スコア 3-2 で勝利", "スコア 3-2 で勝利"),
        ("ALWAYS 三丁目の夕日", "ALWAYS 三丁目の夕日"),
        ("電話 ０９０－１２３４－５６７８ まで", "電話 [phone] まで"),  # a phone, not a block
    ],
)
def test_places(text: str, expected: str) -> None:
    assert scrub_text(text, 512) == expected
