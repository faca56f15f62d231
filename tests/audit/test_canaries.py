"""Canaries: the engine's detectors over the emitted text; the scrubber's markers never count."""

from __future__ import annotations

from pipeline.audit.canaries import Canaries, findings_in
from pipeline.audit.measure import text_fields
from pipeline.core.policy import load_policy
from pipeline.core.scrub_text import scrub_text
from tests.audit.audit_records import record

FIELDS = text_fields(load_policy())


def _figures(records: list[dict]) -> dict:
    canaries = Canaries(FIELDS)
    for position, r in enumerate(records):
        canaries.add(position, r)
    return canaries.figures()


def test_the_text_fields_are_the_policys_scrubbed_outputs() -> None:
    assert set(FIELDS) == {"user_agent", "language", "charset", "platform", "url", "title",
                           "referrer", "experiment_id", "variant_id", "conversion_goal"}  # fmt: skip
    assert FIELDS["user_agent"] is True and FIELDS["title"] is False


def test_what_got_through_is_counted_by_field_and_kind() -> None:
    records = [
        record(),
        record(title="Order for taro.yamada@example.com"),
        record(title="Call 03-1234-5678", url="https://shop.example.jp/?m=hanako@example.org"),
        record(),
    ]
    figures = _figures(records)
    assert figures["findings"] == 3 and figures["records_with_findings"] == 2
    assert figures["by_kind"] == {"email": 2, "phone": 1}
    rows = {(r["field"], r["kind"]): (r["count"], r["first_records"])
            for r in figures["by_field_and_kind"]}  # fmt: skip
    assert rows == {("title", "email"): (1, [1]), ("title", "phone"): (1, [2]),
                    ("url", "email"): (1, [2])}  # fmt: skip


def test_the_scrubbers_markers_are_not_findings() -> None:
    assert findings_in("[email] [phone] [id] [token] [geo] [ip] [card] [name]") == ()
    assert findings_in("https://shop.example.jp/account/[id]/settings?utm_source=[email]") == ()
    assert findings_in("東京都[geo]") == ()
    scrubbed = scrub_text("mail taro.yamada@example.com or call 090-1234-5678", 512)
    assert "[email]" in scrubbed and "[phone]" in scrubbed
    assert findings_in(scrubbed) == ()


def test_text_is_normalized_before_the_detectors_look() -> None:
    assert findings_in("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ") == ("email",)  # full-width
    assert findings_in("taro%40example.com") == ("email",)  # percent-encoded


def test_user_agent_versions_are_not_identifiers() -> None:
    agent = "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0.6778.85 Safari/537.36"
    assert findings_in(agent, True) == ()
    assert _figures([record(user_agent=agent)])["findings"] == 0


def test_null_and_empty_text_is_skipped() -> None:
    assert _figures([record(referrer=None, title="")])["findings"] == 0
