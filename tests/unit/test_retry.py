"""The one bounded compare-and-set retry."""

import random

import pytest

from freezer_api import exception
from freezer_api import retry


def test_attempts_are_bounded_and_end_with_too_many_writers():
    pauses, seen = [], []
    with pytest.raises(exception.TooManyWriters) as raised:
        for attempt in retry.attempts(4, 'jobs', 'j', sleep=pauses.append):
            seen.append(attempt)
    assert seen == [0, 1, 2, 3]
    assert raised.value.doc_id == 'j'
    # NOTE: no pause before the first try; a jittered one before each retry
    assert len(pauses) == 3
    assert all(0 <= p <= retry.MAX_PAUSE for p in pauses)


def test_a_body_that_succeeds_stops_the_retries():
    pauses = []
    for attempt in retry.attempts(10, 'jobs', 'j', sleep=pauses.append):
        if attempt == 2:
            break
    assert len(pauses) == 2


def test_pauses_grow_with_the_attempt_up_to_the_cap():
    bounds = []

    def record(pause):
        bounds.append(pause)

    state = random.getstate()
    try:
        random.seed(1)
        with pytest.raises(exception.TooManyWriters):
            for _ in retry.attempts(30, 'jobs', 'j', sleep=record):
                pass
    finally:
        random.setstate(state)
    assert max(bounds) <= retry.MAX_PAUSE
    assert max(bounds[:2]) <= retry.MAX_PAUSE * 0.2
