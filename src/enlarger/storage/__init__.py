"""Object storage: the ``ObjectStore`` protocol over obstore, the key layout, replication, sync."""

from enlarger.storage.keys import derivative_key, derivatives_prefix, original_key
from enlarger.storage.protocol import (
    InvalidKeyError,
    ObjectInfo,
    ObjectNotFound,
    ObjectStore,
    StorageError,
    StorageUnavailableError,
)
from enlarger.storage.replicated import ReplicatedStore
from enlarger.storage.sync import SyncReport, sync
from enlarger.storage.url import open_configured, open_store

__all__ = [
    "InvalidKeyError",
    "ObjectInfo",
    "ObjectNotFound",
    "ObjectStore",
    "ReplicatedStore",
    "StorageError",
    "StorageUnavailableError",
    "SyncReport",
    "derivative_key",
    "derivatives_prefix",
    "open_configured",
    "open_store",
    "original_key",
    "sync",
]
