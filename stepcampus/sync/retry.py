"""When to try again: exponential back-off with full jitter, bounded per call."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


@dataclass
class RetryPolicy:
    """attempts counts the first try; sleep and rand are injectable so tests need not wait."""

    attempts: int = 6
    base: float = 0.5
    cap: float = 30.0
    # A Retry-After longer than this ends the call: better to say so than to hang a sync.
    longest_wait: float = 120.0
    sleep: Callable[[float], None] = time.sleep
    rand: Callable[[], float] = field(default=random.random)

    def delay(self, retry: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number retry (0 first): the server's word, if it gave one.

        Full jitter, a uniform draw below the exponential ceiling, spreads the retries of many
        desktops that lost the same server at the same moment.
        """
        if retry_after is not None:
            return retry_after
        return self.rand() * min(self.cap, self.base * 2**retry)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None if unusable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())
