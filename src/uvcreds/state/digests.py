"""Digests, from the C modules hashlib wraps: hashlib itself loads OpenSSL, which costs more
than the fast path's whole answer and a tenth of the full path's. Standard library only."""

from __future__ import annotations

import sys

try:
    from _blake2 import blake2b
except ImportError:  # another Python
    from hashlib import blake2b
try:
    if sys.version_info >= (3, 12):
        from _sha2 import sha256
    else:
        from _sha256 import sha256  # type: ignore[import-not-found]  # no stub, it is C
except ImportError:  # another Python
    from hashlib import sha256


def digest(value: str | None) -> str | None:
    """A short digest that changes with a variable's value; None for an unset variable."""
    if value is None:
        return None
    return str(blake2b(value.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest())


def sha256_hex(data: bytes) -> str:
    """sha256, as direnv keys its allows (trust.py) and as token cache keys are made."""
    return str(sha256(data).hexdigest())
