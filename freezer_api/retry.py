"""The one bounded retry of compare-and-set steps.

Every loop that reads a document, changes it and writes it back only if
nobody wrote it in between retries through ``attempts``: a bounded number
of tries, a short random pause between them (so that writers that collided
do not collide again in step), and one clear error when it gives up.
"""

import random
import time

from freezer_api import exception

#: Longest pause between two attempts, in seconds (reached after ten).
MAX_PAUSE = 0.02


def attempts(limit, kind, doc_id, sleep=time.sleep):
    """Yield the attempt numbers ``0 .. limit - 1``; pause a random,
    growing while before each retry. The loop body ends with ``return``
    or ``break`` when its compare-and-set succeeded.

    :raises TooManyWriters: the body went through all ``limit`` attempts
        (the caller answers 409: try again).
    """
    for attempt in range(limit):
        if attempt:
            sleep(random.uniform(0, MAX_PAUSE * min(attempt, 10) / 10))
        yield attempt
    raise exception.TooManyWriters(kind=kind, doc_id=doc_id)
