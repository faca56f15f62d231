"""The policy rendered as a Markdown table (the README's copy is checked against this)."""

from __future__ import annotations

from datetime import UTC, datetime

from pipeline.core.policy import Action, FieldRule, Policy

DAY_MS = 86_400_000

START = "<!-- policy-table:start -->"
END = "<!-- policy-table:end -->"


CLOSED_FORMATS = {
    "language": "reduced to `language[-Script][-REGION]` of known codes (`ja-JP`), else `und`",
    "charset": "reduced to a known character set's IANA name (`UTF-8`), else `[other]`",
    "platform": "reduced to a known platform (`Win32`, `Linux x86_64`), else `[other]`",
}


def _limits(rule: FieldRule) -> str:
    parts = []
    if rule.min is not None and rule.name.endswith("_time"):
        low, high = (datetime.fromtimestamp(v / 1000, UTC).date() for v in (rule.min, rule.max))
        parts.append(f"epoch ms, {low} to {high}")
    elif rule.min is not None:
        parts.append(f"{rule.min:,} to {rule.max:,}")
    if rule.max_length:
        parts.append(f"at most {rule.max_length:,} characters")
    if rule.pattern:
        parts.append(f"pattern `{rule.pattern}`")
    if rule.choices:
        parts.append("one of " + ", ".join(f"`{c}`" for c in rule.choices))
    if rule.format == "url":
        if rule.schemes:  # required: a URL of another scheme rejects the event
            parts.append("URL reduced (" + "/".join(rule.schemes) + ", else rejected)")
        else:
            parts.append("URL reduced (http/https; any other scheme becomes null)")
        if rule.cross_site == "origin":
            parts.append("another site's URL keeps only its origin")
    if rule.bucket == DAY_MS and rule.name.endswith("_time"):
        parts.append("to its UTC day (00:00 UTC)")
    elif rule.bucket:
        parts.append(f"rounded down to a multiple of {rule.bucket:,}")
    if rule.format == "user_agent":
        parts.append("reduced: major versions only, no device model or build (`Chrome/131.0.0.0`, "
                     "`Android 14; K`)")  # fmt: skip
    if rule.format in CLOSED_FORMATS:
        parts.append(CLOSED_FORMATS[rule.format])
    if rule.versions:
        parts.append("`Name/1.2.3.4` is a version")
    if rule.note:
        parts.append(rule.note)
    return "; ".join(parts)


def _output(rule: FieldRule) -> str:
    if rule.action is Action.DROP:
        return "(none)"
    return ", ".join(f"`{o}`" for o in rule.outputs)


def markdown(policy: Policy) -> str:
    """The table, with a heading line naming the policy version."""
    lines = [
        f"Policy `{policy.label}`: {len(policy.fields)} input fields.",
        "",
        "| input field | action | policy item | limits | output |",
        "|---|---|---|---|---|",
    ]
    for rule in policy.fields.values():
        lines.append(
            f"| `{rule.name}` | {rule.action.value} | {rule.item} | {_limits(rule)} | {_output(rule)} |"
        )
    lines += [
        "",
        f"Geography: countries, regions and cities only with at least "
        f"{policy.min_city_population:,} people; cities never in "
        + ", ".join(sorted(policy.no_city_countries))
        + ". Query parameters kept: "
        + ", ".join(f"`{p}`" for p in policy.query_allowlist)
        + " (never a name matching "
        + ", ".join(f"`{p}`" for p in policy.query_denylist)
        + "). Any other key: dropped and counted, by name only if it is one of "
        + ", ".join(f"`{k}`" for k in sorted(policy.known_unknown_keys))
        + "; any other name as `(other)`.",
    ]
    return "\n".join(lines)


def readme_block(policy: Policy) -> str:
    return f"{START}\n{markdown(policy)}\n{END}"
