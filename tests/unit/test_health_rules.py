"""The rules of portal health, on figures written by hand (no archive, no crawl)."""

from __future__ import annotations

from datetime import date

from govscraper.archive.health import Figures, problems, usual_gap
from govscraper.crawl.alerts import Channels


def kinds(figures: Figures) -> list[str]:
    return [problem.kind for problem in problems(figures)]


def test_a_healthy_portal_has_no_problem():
    figures = Figures("qni-moduc", last_run={"id": 7}, newest="2026-12-06", usual_gap_days=1.0, days_since_newest=2)
    assert kinds(figures) == []


def test_quiet_is_relative_to_the_portals_own_rate():
    daily = Figures("a", newest="2026-11-20", usual_gap_days=1.0, days_since_newest=15)
    assert kinds(daily) == ["quiet"]
    monthly = Figures("b", newest="2026-11-20", usual_gap_days=30.0, days_since_newest=15)
    assert kinds(monthly) == []  # 15 days is usual for a portal that publishes monthly
    assert kinds(Figures("c", usual_gap_days=30.0, days_since_newest=91)) == ["quiet"]


def test_usual_gap_is_the_median_gap_between_publication_days():
    days = [date(2026, 11, d) for d in (1, 2, 2, 3, 5, 6, 20)]
    assert usual_gap(days) == 1.0  # gaps 1, 1, 2, 1, 14 between the six distinct days
    assert usual_gap(days[:4]) is None  # too few to say


def test_fields_that_stop_being_read_after_a_redesign():
    figures = Figures(
        "a", last_run={"id": 9}, new_articles=12, earlier_articles=300,
        fill_new={"date": 0.0, "author": 0.9, "photos": 0.5}, fill_before={"date": 1.0, "author": 0.95, "photos": 0.7},
    )  # fmt: skip
    found = problems(figures)
    assert [p.kind for p in found] == ["fields-dropped"]
    assert found[0].detail == "run 9: date 100% -> 0%"
    few = Figures("a", new_articles=3, earlier_articles=300, fill_new={"date": 0.0}, fill_before={"date": 1.0})
    assert kinds(few) == []  # three articles say too little


def test_rate_limiting_redirected_start_pages_incomplete_and_unreachable():
    assert kinds(Figures("a", last_run={"id": 1}, answers=100, throttled=10)) == ["rate-limited"]
    assert kinds(Figures("a", answers=100, throttled=9)) == []
    assert kinds(Figures("a", answers=10, throttled=10)) == []  # too few answers to say
    assert kinds(Figures("a", start_redirects=["https://x.gov.vn/: off-site redirect to https://parked.example/"])) == [
        "start-redirected"
    ]
    assert kinds(Figures("a", archived=70, announced=100)) == ["incomplete"]
    assert kinds(Figures("a", archived=80, announced=100)) == []
    assert kinds(Figures("a", outage="down since 2026-12-01: DNS lookup failed")) == ["unreachable"]


def test_alert_channels_from_their_settings():
    channels = Channels(smtp="mail.example.org:2525", recipients=["a@example.org", " ", "b@example.org"])
    assert (channels.smtp_host, channels.smtp_port) == ("mail.example.org", 2525)
    assert channels.recipients == ["a@example.org", "b@example.org"]
    assert channels.configured
    assert Channels(smtp="mail.example.org").smtp_port == 25
    assert not Channels(smtp="mail.example.org").configured  # nobody to write to
    assert not Channels().configured
