"""A/B experiments with a known truth: each variant's conversion rate is set here.

Every site runs one experiment (experiment `i` on the sites whose index is `i` modulo their
number). A visitor's variant is fixed by who they are (a hash of the visitor and the experiment:
equal shares, sticky across days, as cookie-based assignment is). The first exposure of a
visitor address on a site and UTC day decides, with the variant's rate, whether that visitor
converts; if so, a conversion event with the experiment's goal follows from the same address on
the same site, 20 seconds to 40 minutes later and before that UTC day ends. That is exactly the
attribution `pipeline.analytics.abtest` measures, so the rate it finds on generated traffic is
an estimate of the rate set here (a binomial sample of it). Other conversions happen at random
with goals no experiment uses (`BACKGROUND_GOALS`).
"""

from __future__ import annotations

from dataclasses import dataclass

import mmh3

DAY_MS = 86_400_000
MIN_DELAY_MS = 20_000
MAX_DELAY_MS = 40 * 60_000


@dataclass(frozen=True, slots=True)
class Experiment:
    """An experiment, its goal, and its variants with their true conversion rates."""

    experiment_id: str
    goal: str
    control: str
    variants: tuple[tuple[str, float], ...]  # (variant id, true conversion rate)

    def rate(self, variant: str) -> float:
        """The true conversion rate of `variant`."""
        return dict(self.variants)[variant]


EXPERIMENTS: tuple[Experiment, ...] = (
    Experiment(
        "exp-hero-banner-2025q4",
        "add_to_cart",
        "control",
        (("control", 0.10), ("A", 0.13), ("B", 0.08)),
    ),
    Experiment("exp-free-shipping", "purchase", "off", (("off", 0.04), ("on", 0.06))),
    Experiment("exp-checkout-button", "signup", "blue", (("blue", 0.20), ("green", 0.20))),
)
BACKGROUND_GOALS: tuple[str, ...] = ("newsletter", "contact_form", "coupon_download")


def for_site(site: int) -> Experiment:
    """The experiment a site (by index) runs."""
    return EXPERIMENTS[site % len(EXPERIMENTS)]


def variant_of(visitor: int, experiment: Experiment, seed: int) -> str:
    """The variant `visitor` (an index into the population) sees: equal shares by an mmh3 bucket of
    the experiment and the visitor (bucketing is what mmh3 is for; it is never a pseudonym)."""
    bucket = mmh3.hash(f"{experiment.experiment_id}:{visitor}", seed & 0xFFFFFFFF, signed=False)
    return experiment.variants[bucket % len(experiment.variants)][0]


def conversion_time(exposed_ms: int, delay_ms: int, end_ms: int) -> int:
    """When a decided conversion happens: `delay_ms` after exposure, but within the exposure's
    UTC day and before `end_ms` (the stream's end), never before the exposure."""
    day_end = (exposed_ms // DAY_MS + 1) * DAY_MS - 1
    return max(exposed_ms, min(exposed_ms + delay_ms, day_end, end_ms - 1))


def ground_truth() -> dict[str, dict[str, float]]:
    """Experiment id -> variant -> true conversion rate."""
    return {e.experiment_id: dict(e.variants) for e in EXPERIMENTS}
