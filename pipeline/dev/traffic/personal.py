"""Synthetic personal data planted where real tags leak it: queries, paths, titles, junk keys.

Every value is made up: names from a short list, e-mail domains reserved for documentation
(example.com / example.jp / example.org), random digits for phone numbers and tokens.
"""

from __future__ import annotations

import base64
import random

_GIVEN = ("taro", "hanako", "yuki", "kenta", "sakura", "haruto", "yui", "sota", "aoi", "ren")
_FAMILY = ("yamada", "suzuki", "tanaka", "sato", "takahashi", "ito", "watanabe", "nakamura")
_FULL_JA = ("山田 太郎", "鈴木 花子", "田中 健太", "佐藤 さくら", "高橋 陽翔", "伊藤 結衣")
_MAIL_DOMAINS = ("example.com", "example.jp", "example.org", "mail.example.co.jp")


def email(rng: random.Random) -> str:
    """A synthetic e-mail address on a reserved domain."""
    sep = rng.choice((".", "_", ""))
    return f"{rng.choice(_GIVEN)}{sep}{rng.choice(_FAMILY)}@{rng.choice(_MAIL_DOMAINS)}"


def phone(rng: random.Random) -> str:
    """A synthetic Japanese mobile or landline number."""
    if rng.random() < 0.7:
        head = rng.choice(("090", "080", "070"))
        return f"{head}-{rng.randrange(10_000):04d}-{rng.randrange(10_000):04d}"
    return f"03-{rng.randrange(10_000):04d}-{rng.randrange(10_000):04d}"


def jwt(rng: random.Random) -> str:
    """A JWT-shaped token (header.payload.signature, base64url)."""
    header = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
    body = base64.urlsafe_b64encode(
        f'{{"sub":"{rng.getrandbits(40)}","email":"{email(rng)}"}}'.encode()
    ).rstrip(b"=")
    sig = base64.urlsafe_b64encode(rng.getrandbits(256).to_bytes(32, "big")).rstrip(b"=")
    return f"{header}.{body.decode()}.{sig.decode()}"


def name(rng: random.Random) -> str:
    """A synthetic customer name (Japanese or romaji)."""
    if rng.random() < 0.5:
        return rng.choice(_FULL_JA)
    return f"{rng.choice(_GIVEN).title()} {rng.choice(_FAMILY).title()}"


def coordinates(rng: random.Random) -> tuple[float, float]:
    """A point somewhere in Japan, to six decimals."""
    return round(rng.uniform(31.0, 43.0), 6), round(rng.uniform(130.0, 145.0), 6)


def query_plant(rng: random.Random) -> str:
    """A query parameter that leaks something personal."""
    kind = rng.randrange(6)
    if kind == 0:
        return "email=" + email(rng).replace("@", "%40")
    if kind == 1:
        return "token=" + jwt(rng)
    if kind == 2:
        return f"access_token={rng.getrandbits(160):040x}"
    if kind == 3:
        return f"password=Passw0rd{rng.randrange(1000)}"
    if kind == 4:
        return "tel=" + phone(rng)
    return f"name={rng.choice(_GIVEN)}+{rng.choice(_FAMILY)}&zip={rng.randrange(100, 999)}-0001"


def path_plant(rng: random.Random) -> str:
    """A path segment that carries an e-mail address or a member id."""
    if rng.random() < 0.6:
        return f"/users/{email(rng)}/orders"
    return f"/members/{rng.randrange(10**7, 10**8)}/profile"


def title_plant(rng: random.Random) -> str:
    """A title suffix with an address in it (a confirmation page echoing the user)."""
    return f" - {email(rng)} 様のご注文"


def attributes(rng: random.Random) -> dict[str, object]:
    """A customer tag's free-form junk: cart state, ids, and some personal data."""
    attrs: dict[str, object] = {
        "gtm": f"GTM-{rng.getrandbits(24):06X}",
        "page_type": rng.choice(("top", "category", "product", "cart", "article")),
        "cart_items": rng.randrange(0, 6),
        "member_rank": rng.choice(("guest", "regular", "silver", "gold", "platinum")),
        "ab_bucket": rng.randrange(100),
        "consent": {"analytics": rng.random() < 0.8, "ads": rng.random() < 0.5},
    }
    r = rng.random()
    if r < 0.3:
        attrs["contact_email"] = email(rng)
    if rng.random() < 0.2:
        attrs["tel"] = phone(rng)
    if rng.random() < 0.2:
        lat, lon = coordinates(rng)
        attrs["geo"] = {"lat": lat, "lon": lon, "accuracy_m": rng.randrange(5, 2000)}
    if rng.random() < 0.15:
        attrs["customer"] = {
            "name": name(rng),
            "birthday": f"19{rng.randrange(50, 99)}-0{rng.randrange(1, 9)}-1{rng.randrange(0, 9)}",
        }
    if rng.random() < 0.3:
        attrs["dl"] = {
            "items": [
                {"sku": str(rng.randrange(10_000, 99_999)), "price": rng.randrange(300, 30_000)}
                for _ in range(rng.randrange(1, 4))
            ],
            "currency": "JPY",
        }
    return attrs


def extra_keys(rng: random.Random) -> dict[str, object]:
    """Unknown top-level keys a sloppy tag adds beside the schema's fields."""
    extra: dict[str, object] = {}
    for key in rng.sample(("email", "phone", "lat", "lng", "customer_name", "user_id"), 2):
        if key == "email":
            extra[key] = email(rng)
        elif key == "phone":
            extra[key] = phone(rng)
        elif key == "lat":
            extra["lat"], extra["lng"] = coordinates(rng)
        elif key == "lng":
            extra["lng"] = coordinates(rng)[1]
        elif key == "customer_name":
            extra[key] = name(rng)
        else:
            extra[key] = f"u{rng.randrange(10**9)}"
    return extra
