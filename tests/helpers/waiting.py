"""Waiting for events, the one way tests synchronise with other processes and threads.

A test that needs a crawl to have started, a server to answer or a row to exist waits for exactly that: it asks
again and again until the answer is there. It never sleeps a fixed time and hopes: on a slow, busy machine (two
cores, a second test suite running beside this one) a crawl may need several seconds to open its run, and a test
that slept "long enough" on the developer's machine fails there.

The timeout is a safety net, not a measurement: generous (minutes), so that only a real hang fails, and never
asserted on. Timings belong in ``benchmarks/``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

#: How long a test waits for an event before it declares a hang. Generous: a busy 2-core machine is slow.
PATIENCE = 180.0


class NeverHappened(AssertionError):
    """The awaited event did not happen before the safety timeout: the message says which event."""


def wait_for(
    probe: Callable[[], T | None],
    what: str,
    *,
    timeout: float = PATIENCE,
    interval: float = 0.02,
    alive: Callable[[], bool] | None = None,
    details: Callable[[], str] | None = None,
) -> T:
    """Call ``probe`` until it returns something truthy, and return that.

    ``alive`` (for a process being watched) stops the wait early when it returns False: a crawl that exited can no
    longer produce the event. ``details`` adds context (a log's tail) to the failure message. Exceptions from the
    probe count as "not yet" (a database file still being created, a server not listening yet).
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            found = probe()
        except Exception:  # not there yet: a file being created, a port not yet open
            found = None
        if found:
            return found
        if alive is not None and not alive():
            # One last look: the event may have happened just before the process ended.
            try:
                found = probe()
            except Exception:
                found = None
            if found:
                return found
            raise NeverHappened(f"{what}: the process ended first" + (f"\n{details()}" if details else ""))
        if time.monotonic() > deadline:
            raise NeverHappened(f"{what}: not within {timeout:.0f} s" + (f"\n{details()}" if details else ""))
        time.sleep(interval)  # between two looks at the event; never a guess at how long something takes


__all__ = ["PATIENCE", "NeverHappened", "wait_for"]
