"""The window's cache of base64-encoded attachments is bounded in bytes."""

from __future__ import annotations

import base64
import hashlib

from desktop.core.records import blobs
from desktop.core.records.model import Attachment


def _file(size: int, fill: int) -> Attachment:
    data = bytes([fill]) * size
    return Attachment("f.bin", "application/octet-stream", data, hashlib.sha256(data).hexdigest())


def test_the_cache_keeps_base64_up_to_its_budget_in_bytes_dropping_the_least_recent() -> None:
    cache = blobs.Base64Cache(budget=10_000)
    a, b, c = (_file(3_000, n) for n in range(3))  # 4,000 bytes of base64 each
    assert cache.encode(a) == base64.b64encode(a.data)
    cache.encode(b)
    assert cache.size == 8_000
    cache.encode(a)  # a is now the most recently used
    cache.encode(c)  # 12,000 > 10,000: b goes
    assert cache.size == 8_000
    assert cache.encode(a) is cache.encode(a), "a kept"
    assert cache.encode(c) is cache.encode(c), "c kept"
    assert cache.encode(b) == base64.b64encode(b.data)
    assert cache.size <= cache.budget


def test_a_file_bigger_than_the_budget_is_encoded_but_never_kept() -> None:
    cache = blobs.Base64Cache(budget=1_000)
    big = _file(2_000, 7)
    assert cache.encode(big) == base64.b64encode(big.data)
    assert cache.size == 0


def test_the_shared_cache_stays_within_its_budget_however_many_big_files() -> None:
    # Counted in entries (64), the old cache would have kept all of these: 270 MB.
    for n in range(10):
        blobs.base64_of(_file(20 * 1024 * 1024, n))
        assert blobs.cached_bytes() <= blobs.CACHE_BUDGET
