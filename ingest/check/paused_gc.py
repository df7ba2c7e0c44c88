"""Reading without Python's cyclic garbage collector, which would rescan every record read so far."""

import gc
from contextlib import contextmanager


@contextmanager
def garbage_collection_paused():
    """Reading makes millions of objects that all live until the database is built, so each run of
    the cyclic collector would scan them again and find nothing to free. Paused, it collects the
    few reference cycles (pylatexenc's, left by its end-of-text exception) once afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
