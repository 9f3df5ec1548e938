"""Portal health after each run, and its alerts at a real webhook receiver and a real SMTP server on loopback.

One replica portal, crawled in turn as a daily job would: the first crawl finds it quiet (its newest article is
years old) and alerts once; an unchanged re-crawl sends nothing; the portal's new theme (``site.redesign()``) makes
the layout canary fire on the five articles published in it and alerts once; the old theme back clears it, which is
sent once too; an alert that the webhook receiver refused (it was down) reaches it after the next run, while the
e-mail, sent at once, is not sent twice. The webhook receiver is an HTTP server in this process; the SMTP server is
aiosmtpd's, in this process, on a port it chose.
"""

from __future__ import annotations

import asyncio
import json
import threading
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
import sqlite_utils
from aiosmtpd.smtp import SMTP

from govscraper_replica import ReplicaServer, build_site
from tests.helpers.cli import registry_entry, run_cli


class Receiver(BaseHTTPRequestHandler):
    received: ClassVar[list[dict]] = []
    #: Answer 500 to every POST (a receiver that is down), and keep nothing.
    refusing: ClassVar[list[bool]] = [False]

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.refusing[0]:
            self.send_response(500)
            self.end_headers()
            return
        self.received.append({"type": self.headers["Content-Type"], "body": json.loads(body)})
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def webhook():
    Receiver.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", Receiver.received
    server.shutdown()
    server.server_close()


class Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture(scope="module")
def smtp():
    mailbox = Mailbox()
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(loop.create_server(lambda: SMTP(mailbox), "127.0.0.1", 0))
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.sockets[0].getsockname()[1]}", mailbox.messages
    loop.call_soon_threadsafe(server.close)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=30)


@pytest.fixture(scope="module")
def runs(tmp_path_factory, webhook, smtp):
    """The crawls in order; after each, the webhook posts and e-mails received so far."""
    site = build_site(articles=40, seed=61)
    newest = max(article.published_at for article in site.articles).date().isoformat()
    root = tmp_path_factory.mktemp("health")
    db_path = root / "archive.db"
    registry = root / "registry.toml"
    alerts = (
        "-s", f"GOVSCRAPER_ALERT_WEBHOOK={webhook[0]}", "-s", f"GOVSCRAPER_ALERT_SMTP={smtp[0]}",
        "-s", "GOVSCRAPER_ALERT_TO=luu-tru@example.org", "-s", "GOVSCRAPER_ALERT_FROM=govscraper@example.org",
    )  # fmt: skip
    seen = {}
    with ReplicaServer(site, host="127.0.0.1", port=0) as server:
        registry.write_text(registry_entry("qni-health", server, site), encoding="utf-8")
        steps = (
            ("first", None, False), ("again", None, False), ("redesigned", True, False), ("restored", False, False),
            ("receiver-down", True, True), ("receiver-back", None, False),
        )  # fmt: skip
        for name, change, refusing in steps:
            Receiver.refusing[0] = refusing
            if change is not None:
                site.redesign(change)
            if change:
                site.add(5)  # new articles in the new theme: their pages are what the profile can no longer read
            result = run_cli("crawl", "qni-health", "--db", str(db_path), "--loopback", *alerts, registry=registry)
            assert result.returncode in (0, 3), result.stderr[-3000:]  # 3: the layout canary, as designed
            seen[name] = {
                "result": result,
                "posts": [post["body"] for post in webhook[1]],
                "mails": list(smtp[1]),
            }
    return {"db": db_path, "seen": seen, "newest": newest}


def kinds(posts):
    return [(post["kind"], post["state"]) for post in posts]


def test_a_quiet_portal_raises_one_alert_on_each_channel(runs):
    first = runs["seen"]["first"]
    assert kinds(first["posts"]) == [("quiet", "open")]
    post = first["posts"][0]
    assert post["source"] == "govscraper"
    assert post["portal_id"] == "qni-health"
    assert f"no article published since {runs['newest']}" in post["detail"]  # the replica's newest article
    assert len(first["mails"]) == 1
    recipients, message = first["mails"][0]
    assert recipients == ["luu-tru@example.org"]
    assert message["Subject"] == "[govscraper] qni-health: quiet (new problem)"
    assert message["From"] == "govscraper@example.org"


def test_an_unchanged_recrawl_sends_nothing_more(runs):
    again = runs["seen"]["again"]
    assert kinds(again["posts"]) == [("quiet", "open")]
    assert len(again["mails"]) == 1


def test_a_layout_change_raises_one_alert_and_its_end_clears_it(runs):
    redesigned, restored = runs["seen"]["redesigned"], runs["seen"]["restored"]
    assert redesigned["result"].returncode == 3  # the canary: the new articles' pages could not be read
    assert kinds(redesigned["posts"]) == [("quiet", "open"), ("layout-changed", "open")]
    assert "5 of 5 article pages failed extraction" in redesigned["posts"][-1]["detail"]
    assert len(redesigned["mails"]) == 2
    assert restored["result"].returncode == 0
    assert kinds(restored["posts"]) == [("quiet", "open"), ("layout-changed", "open"), ("layout-changed", "cleared")]
    assert restored["mails"][-1][1]["Subject"] == "[govscraper] qni-health: layout-changed (cleared)"


def test_a_receiver_that_was_down_gets_the_alert_after_the_next_run_and_e_mail_gets_it_once(runs):
    down, back = runs["seen"]["receiver-down"], runs["seen"]["receiver-back"]
    before = kinds(runs["seen"]["restored"]["posts"])
    assert kinds(down["posts"]) == before  # the receiver answered 500: nothing kept
    assert len(down["mails"]) == 4  # the e-mail went out at once
    assert kinds(back["posts"]) == [*before, ("layout-changed", "open")]
    assert len(back["mails"]) == 4  # and is not sent again


def test_alerts_are_kept_in_the_archive_and_health_shows_the_problems(runs):
    db = sqlite_utils.Database(runs["db"])
    rows = list(db.query("SELECT kind, closed_at IS NULL AS open, notified_open, notified_close FROM portal_alerts"))
    both = 3  # the webhook (1) and e-mail (2) took it
    assert rows == [
        {"kind": "quiet", "open": 1, "notified_open": both, "notified_close": 0},
        {"kind": "layout-changed", "open": 0, "notified_open": both, "notified_close": both},
        {"kind": "layout-changed", "open": 1, "notified_open": both, "notified_close": 0},
    ]
    shown = run_cli("health", "--db", str(runs["db"]), "--portal", "qni-health")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.splitlines()[0] == "qni-health: layout-changed, quiet"
    report = json.loads(run_cli("health", "--db", str(runs["db"]), "--json").stdout)
    assert [p["kind"] for p in report[0]["problems"]] == ["layout-changed", "quiet"]
    assert [alert["sent"] for alert in report[0]["alerts"]] == [both, both]
    assert report[0]["figures"]["archived"] == 45  # the five read once the old theme was back (not the next five)
    statuses = json.loads(next(db.query("SELECT status_counts FROM crawl_runs WHERE id = 1"))["status_counts"])
    assert statuses["200"] > 40
