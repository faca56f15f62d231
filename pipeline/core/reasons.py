"""The closed set of reasons a record is rejected (the dead letters' reason codes)."""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    """Why a record could not be anonymized. Append only: consumers switch on these."""

    TOO_LARGE = "too_large"  # payload over the size limit
    NOT_JSON = "not_json"  # not parseable JSON (incl. invalid UTF-8, truncation, too deep)
    NOT_AN_OBJECT = "not_an_object"  # valid JSON, but not an object
    MISSING_FIELD = "missing_field"  # a required field is absent or null
    BAD_TYPE = "bad_type"  # a field has the wrong JSON type
    BAD_VALUE = "bad_value"  # right type, malformed value (uuid, enum, url, site id)
    OUT_OF_RANGE = "out_of_range"  # number outside its documented bounds
    INCONSISTENT = "inconsistent"  # fields contradict each other (e.g. a tap without x/y)
    BAD_ENCODING = "bad_encoding"  # text that cannot be encoded as UTF-8 (lone surrogates)
    OUTPUT_TOO_LARGE = "output_too_large"  # the record exceeds what the output topic accepts
