"""When a failed delivery is tried again: exponential backoff with jitter, then give up.

Standard Webhooks asks senders to retry with exponential backoff for a few days; this
schedule doubles from 5 seconds up to a cap of 6 hours, each wait drawn between half and all
of its nominal value (jitter: receivers coming back after an outage are not hit by every
sender's retries at the same instant), and gives up 3 days after the first try. A pure
function of its inputs, so tests drive it forward without waiting.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Final

BASE: Final = dt.timedelta(seconds=5)
CAP: Final = dt.timedelta(hours=6)
GIVE_UP: Final = dt.timedelta(days=3)


def nominal_delay(attempts: int) -> dt.timedelta:
    """The wait after `attempts` failed tries (1: 5 s, 2: 10 s, ... capped at 6 h)."""
    exponent = min(max(attempts, 1) - 1, 32)
    delay: dt.timedelta = min(CAP, BASE * (2**exponent))
    return delay


def next_attempt(
    attempts: int, window_start: dt.datetime, now: dt.datetime, rng: random.Random | None = None
) -> dt.datetime | None:
    """When to try again after `attempts` failures, or None: give up."""
    nominal = nominal_delay(attempts)
    jitter = (rng or random).uniform(0.5, 1.0)
    when = now + nominal * jitter
    return None if when > window_start + GIVE_UP else when
