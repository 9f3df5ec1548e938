"""Sending portal alerts: a JSON POST to a webhook and/or an e-mail over SMTP, configured once in the settings.

``GOVSCRAPER_ALERT_WEBHOOK`` (a URL: Slack-, Mattermost- or ntfy-style receivers, or any service that takes a JSON
POST), ``GOVSCRAPER_ALERT_SMTP`` (``host:port``), ``GOVSCRAPER_ALERT_FROM`` and ``GOVSCRAPER_ALERT_TO`` (addresses,
comma-separated). Each alert change (:class:`govscraper.archive.health.AlertChange`: a problem that opened or
cleared) is sent once on each channel: each channel that took it is recorded, and a channel that refused it (a
receiver down, an SMTP error) gets it after the next run, without the others getting it twice. Each send is bounded by
``GOVSCRAPER_ALERT_TIMEOUT`` (10 s); a failure is one warning line and never stops the crawl.
"""

from __future__ import annotations

import json
import logging
import smtplib
import urllib.request
from collections.abc import Iterable
from email.message import EmailMessage
from typing import Any

from govscraper.archive.health import EMAIL, WEBHOOK, AlertChange

logger = logging.getLogger(__name__)

#: No proxy: a webhook on this machine or the local network is reached directly, as the user configured it.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Channels:
    """The configured alert channels (none configured: nothing is sent and the changes stay pending)."""

    def __init__(
        self,
        webhook: str = "",
        smtp: str = "",
        sender: str = "",
        recipients: Iterable[str] = (),
        timeout: float = 10.0,
        user_agent: str = "govscraper",
    ):
        self.webhook = webhook.strip()
        host, _, port = smtp.strip().rpartition(":") if ":" in smtp else (smtp.strip(), "", "")
        self.smtp_host, self.smtp_port = host, int(port or 25)
        self.sender = sender.strip() or "govscraper@localhost"
        self.recipients = [r.strip() for r in recipients if r.strip()]
        self.timeout = timeout
        self.user_agent = user_agent

    @classmethod
    def from_settings(cls, settings: Any) -> Channels:
        return cls(
            webhook=settings.get("GOVSCRAPER_ALERT_WEBHOOK") or "",
            smtp=settings.get("GOVSCRAPER_ALERT_SMTP") or "",
            sender=settings.get("GOVSCRAPER_ALERT_FROM") or "",
            recipients=settings.getlist("GOVSCRAPER_ALERT_TO"),
            timeout=settings.getfloat("GOVSCRAPER_ALERT_TIMEOUT", 10.0),
            user_agent=settings.get("USER_AGENT") or "govscraper",
        )

    @property
    def configured(self) -> int:
        """The channels configured, as bits (:data:`WEBHOOK`, :data:`EMAIL`); 0 for none."""
        return (WEBHOOK if self.webhook else 0) | (EMAIL if self.smtp_host and self.recipients else 0)

    def send(self, change: AlertChange) -> int:
        """Send one change on each configured channel that has not taken it yet; the channels that took it now."""
        took = 0
        if self.configured & WEBHOOK and not change.sent & WEBHOOK and self._post(change):
            took |= WEBHOOK
        if self.configured & EMAIL and not change.sent & EMAIL and self._mail(change):
            took |= EMAIL
        return took

    def _post(self, change: AlertChange) -> bool:
        body = json.dumps({"source": "govscraper", **change.as_dict()}, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(
            self.webhook,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": self.user_agent},
        )
        try:
            with _OPENER.open(request, timeout=self.timeout) as response:
                response.read(64 * 1024)
                return 200 <= response.status < 300
        except (OSError, ValueError) as exc:
            logger.warning("alert not sent to the webhook %s: %s", self.webhook, exc)
            return False

    def _mail(self, change: AlertChange) -> bool:
        message = EmailMessage()
        state = "cleared" if change.state == "cleared" else "new problem"
        message["Subject"] = f"[govscraper] {change.portal_id}: {change.kind} ({state})"
        message["From"] = self.sender
        message["To"] = ", ".join(self.recipients)
        message.set_content(
            f"Portal: {change.portal_id}\nProblem: {change.kind}\nState: {change.state} at {change.at}\n\n"
            f"{change.detail}\n\n(govscraper health --portal {change.portal_id} shows the figures.)\n"
        )
        try:
            with smtplib.SMTP(self.smtp_host, self.smtp_port, timeout=self.timeout) as smtp:
                smtp.send_message(message)
            return True
        except (OSError, smtplib.SMTPException) as exc:
            logger.warning("alert not sent by e-mail through %s:%s: %s", self.smtp_host, self.smtp_port, exc)
            return False


def send_pending(conn: Any, changes: list[AlertChange], channels: Channels) -> int:
    """Send each pending change on the channels that have not taken it (each channel records what it took:
    :func:`govscraper.archive.health.mark_sent`); how many changes every configured channel has now."""
    from govscraper.archive.health import mark_sent

    done = 0
    for change in changes:
        took = channels.send(change)
        if took:
            mark_sent(conn, change, took)
        done += (change.sent | took) & channels.configured == channels.configured
    return done


__all__ = ["Channels", "send_pending"]
