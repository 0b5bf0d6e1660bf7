"""A circuit breaker per upstream service.

closed → (``threshold`` consecutive failures) → open → (after ``reset_s``) →
half-open: one probe goes through; success closes, failure re-opens.
"""

import enum
import time


class BreakerState(enum.StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    def __init__(self, threshold: int, reset_s: float) -> None:
        self.threshold = threshold
        self.reset_s = reset_s
        self.failures = 0
        self.opened_at: float | None = None
        self.probe_in_flight = False

    @property
    def state(self) -> BreakerState:
        if self.opened_at is None:
            return BreakerState.CLOSED
        if time.monotonic() - self.opened_at >= self.reset_s:
            return BreakerState.HALF_OPEN
        return BreakerState.OPEN

    def allow(self) -> bool:
        """Whether a call may go out now (in half-open, only the single probe)."""
        state = self.state
        if state is BreakerState.CLOSED:
            return True
        if state is BreakerState.HALF_OPEN and not self.probe_in_flight:
            self.probe_in_flight = True
            return True
        return False

    def record_success(self) -> None:
        self.failures = 0
        self.opened_at = None
        self.probe_in_flight = False

    def record_failure(self) -> None:
        self.failures += 1
        if self.probe_in_flight or self.failures >= self.threshold:
            self.opened_at = time.monotonic()
        self.probe_in_flight = False

    def abandon_probe(self) -> None:
        """The call never reached the service (the client's side failed): let another probe go."""
        self.probe_in_flight = False

    def retry_after(self) -> int:
        if self.opened_at is None:
            return 0
        return max(1, int(self.reset_s - (time.monotonic() - self.opened_at)) + 1)
