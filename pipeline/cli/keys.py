"""`anonymizer keys`: make, check and rotate the key ring. Secrets go to stdout only."""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
from datetime import UTC, datetime

from pipeline.cli.common import add_kafka_options, add_keys_file, kafka_settings, key_ring
from pipeline.core.keys import MIN_KEY_BYTES, KeyRing
from pipeline.errors import UsageError


def _default_id() -> str:
    now = datetime.now(UTC)
    return f"{now.year}q{(now.month - 1) // 3 + 1}"


def fingerprint(secret: bytes) -> str:
    """A short, one-way tag to tell keys apart in output; reveals nothing about the key."""
    return hashlib.blake2b(secret, digest_size=4, person=b"key-fingerprint").hexdigest()


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "keys",
        help="make, check and rotate keys",
        description="Keys live in $ANONYMIZER_KEYS (or a file given with --keys-file) as "
        "ID:BASE64,ID:BASE64 (first one active).",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    gen = actions.add_parser(
        "generate", help="print a new random key as ID:BASE64", description="Print a new key."
    )
    gen.add_argument(
        "--id", default=None, help="key id (default: the current quarter, e.g. 2026q4)"
    )
    gen.set_defaults(func=generate)
    check = actions.add_parser(
        "check",
        help="validate $ANONYMIZER_KEYS (or --keys-file) and list key ids",
        description="Validate the key ring of --keys-file, else $ANONYMIZER_KEYS; print each "
        "key's id and fingerprint, never the key.",
    )
    add_keys_file(check)
    check.set_defaults(func=check_keys)
    status = actions.add_parser(
        "status",
        help="master keys and the day secrets held in Kafka: which days, until when",
        description="List the master keys (ids and fingerprints) and the day secrets of the "
        "day-secret topic: each day, the master key it is wrapped under, when it will be "
        "destroyed, and the live days that have none yet. No secret is ever printed. Exit 1 "
        "when a destruction is overdue.",
    )
    add_keys_file(status)
    add_kafka_options(status)
    status.set_defaults(func=status_keys)
    rotate = actions.add_parser(
        "rotate",
        help="print a new ring: a new active key, then the current ones",
        description="Print the key ring ($ANONYMIZER_KEYS, or --keys-file) with a new active key "
        "in front; older keys stay for opening dead letters sealed under them. Store the output "
        "in your secret store.",
    )
    add_keys_file(rotate)
    rotate.add_argument("--id", required=True, help="id of the new key")
    rotate.add_argument(
        "--keep", type=int, default=3, help="keys to keep in all, the new one included (default 3)"
    )
    rotate.set_defaults(func=rotate_keys)


def _new_secret() -> str:
    return base64.b64encode(os.urandom(MIN_KEY_BYTES)).decode()


def generate(args: argparse.Namespace) -> int:
    key_id = args.id or _default_id()
    KeyRing.parse(f"{key_id}:{_new_secret()}", source="--id")  # validates the id
    print(f"{key_id}:{_new_secret()}")
    return 0


def check_keys(args: argparse.Namespace) -> int:
    ring = key_ring(args)
    for position, key in enumerate(ring.keys):
        role = "active" if position == 0 else "previous"
        print(
            f"{key.key_id}\t{role}\t{len(key.secret)} bytes\tfingerprint {fingerprint(key.secret)}"
        )
    return 0


def rotate_keys(args: argparse.Namespace) -> int:
    ring = key_ring(args)
    if args.keep < 2:
        raise UsageError("--keep must be at least 2")
    if ring.get(args.id):
        raise UsageError(f"key id {args.id!r} is already in the ring")
    entries = [f"{args.id}:{_new_secret()}"]
    entries += [f"{k.key_id}:{base64.b64encode(k.secret).decode()}" for k in ring.keys]
    new_ring = ",".join(entries[: args.keep])
    KeyRing.parse(new_ring)
    print(new_ring)
    return 0


def _utc(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M UTC")


def status_keys(args: argparse.Namespace) -> int:
    from pipeline.secrets.access import open_store
    from pipeline.secrets.days import expired

    ring = key_ring(args)
    settings = kafka_settings(args)
    print("master keys:")
    for position, key in enumerate(ring.keys):
        role = "active" if position == 0 else "previous"
        print(f"  {key.key_id}\t{role}\tfingerprint {fingerprint(key.secret)}")
    with open_store(settings, ring) as store:  # a store that cannot answer: exit 2, or 4
        rows, now = store.status(), store.now_ms()
    window = settings.replay_window_hours
    print(f"day secrets in {settings.day_secrets_topic} (window {window} h):")
    overdue = 0
    for row in rows:
        if row.key_id is None:
            state = "MISSING (made by the first worker that needs it)"
        elif expired(row.day, now, settings.replay_window_ms):
            state, overdue = "OVERDUE: destruction pending", overdue + 1
        else:
            state = f"wrapped under {row.key_id}"
        print(f"  {row.label}\t{state}\tdestroyed at {_utc(row.destroy_at_ms)}")
    if not rows:
        print("  (none)")
    return 1 if overdue else 0
