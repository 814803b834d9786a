"""Digests: a cheap one for the fast path's change checks, sha256 for everything kept long.

`digest` tells whether a variable changed since a plan was made. The plan sits in the same
0600 directory as the tokens themselves, so this only keeps values (a password in a
`UV_INDEX` URL) from lying about in plain text; it guards against no one who can read the
plan. zlib's two checksums give 64 bits without hashlib, whose OpenSSL costs more than the
fast path's whole answer. sha256 keys what must not collide even on purpose: allows and
cache keys, on the full path only.
"""

from __future__ import annotations

import zlib


def digest(value: str | None) -> str | None:
    """A short digest that changes with a variable's value; None for an unset variable."""
    if value is None:
        return None
    data = value.encode("utf-8", "surrogateescape")
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"


def sha256_hex(data: bytes) -> str:
    """sha256, as direnv keys its allows (trust.py) and as token cache keys are made."""
    import hashlib

    return hashlib.sha256(data).hexdigest()
