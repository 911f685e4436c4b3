from __future__ import annotations

from nlu.circuit import CircuitBreaker


def test_opens_after_the_threshold_and_probes_after_the_pause() -> None:
    now = [0.0]
    breaker = CircuitBreaker(failure_threshold=3, reset_after_s=5.0, clock=lambda: now[0])
    for _ in range(2):
        breaker.record_failure()
    assert breaker.allows_call()
    breaker.record_failure()
    assert breaker.state == "open" and not breaker.allows_call()
    now[0] = 5.0
    assert breaker.state == "half_open" and breaker.allows_call()
    breaker.record_failure()  # the probe failed: open again for a full pause
    assert breaker.state == "open"
    now[0] = 10.0
    breaker.record_success()
    assert breaker.state == "closed"


def test_a_success_forgets_earlier_failures() -> None:
    breaker = CircuitBreaker(failure_threshold=2)
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    assert breaker.state == "closed"
