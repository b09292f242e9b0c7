"""Python's cyclic garbage collector held off while a large piece of work makes its objects.

A 100,000-row read, a page's search text or a city's pay run makes hundreds of thousands of records, tuples and
strings; their allocations set off full collections, each walking every object the program has (the imported
modules, SQLAlchemy's metadata, in the application the window too): about a third of a page's open or a pay run.
Those objects form no cycles, so reference counting frees them all the same. Collections resume afterwards.
"""
from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_PAUSES = {"count": 0, "enabled": False}
_LOCK = threading.Lock()


@contextmanager
def paused() -> Iterator[None]:
    """Hold off collections for the block (also a decorator); pieces of work in several threads at once resume
    them when the last one ends."""
    with _LOCK:
        if _PAUSES["count"] == 0:
            _PAUSES["enabled"] = gc.isenabled()
            gc.disable()
        _PAUSES["count"] += 1
    try:
        yield
    finally:
        with _LOCK:
            _PAUSES["count"] -= 1
            if _PAUSES["count"] == 0 and _PAUSES["enabled"]:
                gc.enable()


def settle() -> None:
    """Once an application is up: what it started with (modules, classes, the window) lives as long as it does, so
    it is moved out of the collector's way (gc.freeze) after one last collection of the start's garbage. No later
    collection walks those objects again: a full collection over them took 60–90 ms, and the first one fell due
    while the first page a clerk opened was loading. Objects frozen are still freed when no longer referenced;
    only a cycle among them would stay, and they are the application's own for its whole run."""
    gc.collect()
    gc.freeze()
