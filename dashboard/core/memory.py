"""Keep the server's resident memory near what it actually holds (glibc on Linux; elsewhere,
including macOS and musl, every function here does nothing).

Streamlit runs each session's script in its own thread, and glibc gives busy threads their own
malloc arenas (up to 8 per core), each keeping freed memory for reuse. With 20 sessions that
is tens of MB that no frame uses; Community Cloud allows as little as 690 MB per app.
"""

import ctypes
import ctypes.util
import functools

M_ARENA_MAX = -8  # glibc mallopt parameter number


@functools.cache
def _libc():
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        libc = ctypes.CDLL(name)
        return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


def limit_arenas(arenas: int = 2) -> bool:
    """Cap the number of malloc arenas new threads may create; True when applied."""
    libc = _libc()
    return bool(libc and libc.mallopt(M_ARENA_MAX, arenas))


def trim() -> bool:
    """Hand freed heap pages back to the system (after loading tables, for instance)."""
    libc = _libc()
    return bool(libc and libc.malloc_trim(0))


def arrow_uses_system_malloc() -> None:
    """Let Arrow allocate through malloc, not its own mimalloc pool: the pool keeps pages of
    every buffer it decoded, about 30 MB more resident memory for the snapshot's tables; with
    malloc, ``trim`` can hand them back. Costs nothing measurable on reads of this size."""
    import pyarrow as pa

    pa.set_memory_pool(pa.system_memory_pool())
