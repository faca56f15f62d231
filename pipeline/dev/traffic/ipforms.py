"""How the collector hands over the client address: plain, with ports, mapped, via a proxy, junk."""

from __future__ import annotations

import random

ABSENT = object()  # the `ip` key is left out entirely

_GARBAGE_IPS = ("unknown", "-", "999.12.1.1", "localhost", "", "1.2.3", "not-an-ip", "::zz")
_INNER_PROXIES = ("10.0.0.2", "172.16.0.5", "192.168.0.1")


def _odd_form(rng: random.Random, ip: str, v6: bool, r: float) -> str | object | None:
    """An unusual but legal spelling of `ip` (or a junk / missing value), chosen by `r`."""
    if r < 0.25:
        port = rng.randrange(1024, 65536)
        return f"[{ip}]:{port}" if v6 else f"{ip}:{port}"
    if r < 0.42:
        return f"{ip}%eth0" if v6 else f"::ffff:{ip}"
    if r < 0.55:
        return f" {ip} " if rng.random() < 0.5 else f"\t{ip}  "
    if r < 0.62 and v6:
        return ip.upper()
    if r < 0.75:
        return rng.choice(_GARBAGE_IPS)
    if r < 0.88:
        return None
    return ABSENT


def render(
    rng: random.Random, ip: str, v6: bool, proxy: str | None, usable: bool = False
) -> tuple[str | object | None, str | None]:
    """(`ip` field, `forwarded_for` field) for one event of a client at `ip`; when `usable`,
    always a form the client can be found from (no junk, no missing address)."""
    if proxy is not None:
        if rng.random() < 0.7:
            return proxy, f"{ip}, {rng.choice(_INNER_PROXIES)}"
        return proxy, ip
    r = rng.random()
    if r < 0.88:
        return ip, (None if r < 0.87 else "unknown")
    return _odd_form(rng, ip, v6, (r - 0.88) / 0.12 * (0.55 if usable else 1.0)), None
