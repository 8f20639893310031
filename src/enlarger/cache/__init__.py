"""Result caches: rendered bytes kept in memory and in a store every node shares.

``ResultCache`` is the protocol of one layer; ``LayeredResults`` puts the bounded
in-memory LRU (``memory.py``) in front of the shared result store (``store.py``),
coalesces concurrent identical misses (``flight.py``) and spreads purges to every node
(``purges.py``).
"""

from enlarger.cache.entry import Entry, ResultCache, ResultKey
from enlarger.cache.layered import Answered, CacheObserver, LayeredResults, Render, open_results
from enlarger.cache.memory import MemoryCache
from enlarger.cache.store import StoreCache

__all__ = [
    "Answered",
    "CacheObserver",
    "Entry",
    "LayeredResults",
    "MemoryCache",
    "Render",
    "ResultCache",
    "ResultKey",
    "StoreCache",
    "open_results",
]
