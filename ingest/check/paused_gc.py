"""Reading without Python's cyclic garbage collector, which would rescan every record read so far."""

import gc
from contextlib import contextmanager


@contextmanager
def garbage_collection_paused():
    """Reading makes millions of objects that all live until the database is built, so each run of
    the cyclic collector would scan them again and find nothing to free. Paused while reading; then
    what was read is frozen (gc.freeze) rather than scanned once more: the collector goes on with
    the objects made after it. Objects are still freed as usual when no longer used; only one left
    in a reference cycle would stay, and reading leaves none of size (latex.py breaks pylatexenc's)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()
