"""How the Parquet export types a stored date (:mod:`govscraper.publish.parquet`), without an archive."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from govscraper.publish.parquet import VIETNAM, arrow_schema, moment

PLUS7 = timezone(timedelta(hours=7))


@pytest.mark.parametrize(
    ("text", "zone", "instant", "day_only"),
    [
        ("2021-12-16T11:16:00+07:00", VIETNAM, datetime(2021, 12, 16, 4, 16, tzinfo=UTC), False),
        ("2021-12-16", VIETNAM, datetime(2021, 12, 15, 17, 0, tzinfo=UTC), True),  # midnight in Vietnam
        ("2021-12-16T11:16:00", VIETNAM, datetime(2021, 12, 16, 4, 16, tzinfo=UTC), False),  # no offset: Vietnam's
        ("2026-12-07T22:51:06+00:00", UTC, datetime(2026, 12, 7, 22, 51, 6, tzinfo=UTC), False),
    ],
)
def test_a_stored_date_becomes_its_instant(text, zone, instant, day_only):
    when, bare = moment(text, zone)
    assert when == instant
    assert bare is day_only
    assert when.astimezone(PLUS7).utcoffset() == timedelta(hours=7)


@pytest.mark.parametrize("text", [None, "", "ngày 16/12/2021", "2021-13-01"])
def test_text_that_is_not_a_date_is_null(text):
    assert moment(text, VIETNAM) == (None, False)


def test_the_schema_types_each_field():
    schema = arrow_schema(["id", "title", "published_at", "first_seen_at", "images", "attachments"], with_files=True)
    assert schema.names == ["id", "title", "published_at", "published_day_only", "first_seen_at", "images",
                            "attachments"]  # fmt: skip
    assert str(schema.field("id").type) == "int64"
    assert str(schema.field("published_at").type) == "timestamp[s, tz=+07:00]"
    assert str(schema.field("first_seen_at").type) == "timestamp[s, tz=UTC]"
    assert schema.field("images").type.value_type.names[-1] == "file"
    assert "file" not in arrow_schema(["images"]).field("images").type.value_type.names
    assert schema.field("attachments").type.value_type.field("size").type.bit_width == 64
