"""Process-wide tweaks for the length of an import: the cycle collector paused, quicker thread switches.

Both are settings of the whole process, so they are counted (``ProcessWide``): overlapping imports in one web
worker put the original value back when the last of them ends.
"""

import contextlib
import gc
import sys
import threading


class ProcessWide:
    """A process-wide setting changed while any import runs, and put back when the last one ends.

    Imports in the threads of one web worker overlap: if each saved the value it found and put it back when it
    ended, the one that started second would save the first one's value and, ending last, leave it behind for
    good. So the count of running imports is kept under a lock: the first one in saves the original value and
    sets the import's, the last one out restores the original. ``get``/``set``: the setting's accessors.
    """

    def __init__(self, get, set):
        self.get, self.set = get, set
        self.lock = threading.Lock()
        self.users = 0
        self.original = None

    @contextlib.contextmanager
    def changed_to(self, value, enabled=True):
        if not enabled:
            yield
            return
        with self.lock:
            if self.users == 0:
                self.original = self.get()
                self.set(value)
            self.users += 1
        try:
            yield
        finally:
            with self.lock:
                self.users -= 1
                if self.users == 0:
                    self.set(self.original)


def _collector_enabled(enabled):
    if enabled:
        gc.enable()
    else:
        gc.disable()


# Looked up on each use, not bound here, so that a test can watch the calls.
COLLECTOR = ProcessWide(lambda: gc.isenabled(), _collector_enabled)
SWITCH_INTERVAL = ProcessWide(lambda: sys.getswitchinterval(), lambda value: sys.setswitchinterval(value))


def collector_paused():
    """Python's cycle collector off for the length of an import: rows make no reference cycles (reference
    counting frees them), but each collection scans the chunk's thousands of objects; a fifth of the import's
    time went there. Process-wide, so counted (``ProcessWide``): it comes back on when the last import ends."""
    return COLLECTOR.changed_to(False)


def quick_thread_switches(enabled=True, interval=0.0005):
    """A pipelined import hands the GIL between its two threads every ``interval`` seconds instead of Python's 5 ms.

    The writing thread waits for PostgreSQL with the GIL released, and when the answer comes it must wait for the
    checking thread to give the GIL back: up to one switch interval per query, dozens of queries per chunk. With
    5 ms that waiting cost a fifth of the wall clock (20,000 rows into 100,000 monuments on 2 idle cores: 4.3 s
    at 5 ms, 3.6 s at 0.5 ms; bench/README.md).

    The interval is process-wide. In a threaded web worker two admin imports may overlap, so the change is
    reference-counted (``ProcessWide``): the original interval comes back when the last running import ends,
    whatever order they end in. Counted rather than left alone in web workers, because an admin import of a
    large file gains the same fifth there; the price, while an import runs, is that the worker's other threads
    switch more often too (more, cheap switches; the interval decides only when a thread must let go).
    """
    return SWITCH_INTERVAL.changed_to(interval, enabled)
