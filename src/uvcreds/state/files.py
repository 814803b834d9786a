"""Reading files a hostile repository controls, and telling whether a file changed.

Project files (`pyproject.toml`, `uv.toml`, a script, `.env`) are read only when they are
regular files of bounded size: a FIFO, a device or `/proc/kmsg` would hang the prompt, a
2 GB `.env` would eat the memory. TOML is checked for nesting before tomllib sees it, since
tomllib recurses per level and is quadratic in the parts of a dotted key.

A fingerprint is what `stat` says of a path (inode and ctime too: `tar x` and `touch -r`
keep size and mtime), or that it is absent; a saved plan is valid while every fingerprint
it recorded is unchanged. Imported by the fast path: standard library only.
"""

from __future__ import annotations

import os
import stat

from uvcreds.errors import UvcredsError

# Larger than any real pyproject.toml, uv.toml or .env.
MAX_FILE_BYTES = 4 * 1024 * 1024
# Deeper than any real configuration: brackets and braces open at once, parts of one key.
MAX_TOML_DEPTH = 64
MAX_KEY_PARTS = 64
# Files the kernel makes up as they are read (`/proc/kmsg` even consumes what it gives).
KERNEL_FILES = ("/proc/", "/sys/", "/dev/")


def read_bounded(path: str, what: str, *, limit: int = MAX_FILE_BYTES, own: bool = False) -> bytes:
    """The bytes of a regular file of at most `limit` bytes, else a UvcredsError naming it.

    Opened non-blocking, so a FIFO or device is refused from its fstat, never waited on.
    `own`: one of uvcreds' own files, so not followed if a link and refused if another
    user's (FileNotFoundError passes through: absent is not an error there)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags | (getattr(os, "O_NOFOLLOW", 0) if own else 0))
    except FileNotFoundError:
        if own:
            raise
        raise UvcredsError(f"{path}: cannot read the {what}: no such file") from None
    except OSError as exc:
        raise UvcredsError(f"{path}: cannot read the {what}: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UvcredsError(f"{path}: the {what} is not a regular file; not read")
        if os.path.realpath(path).startswith(KERNEL_FILES):  # opening consumes nothing
            raise UvcredsError(f"{path}: the {what} is a kernel file; not read")
        if own and hasattr(os, "getuid") and info.st_uid != os.getuid():
            raise UvcredsError(f"{path}: the {what} belongs to another user; remove it")
        if info.st_size > limit:
            raise UvcredsError(f"{path}: the {what} is larger than {_size(limit)}; not read")
        if info.st_size == 0:  # empty, or a kernel file that only streams (/proc/kmsg)
            return b""
        return _read_all(fd, path, what, limit)
    except OSError as exc:
        raise UvcredsError(f"{path}: cannot read the {what}: {exc.strerror}") from None
    finally:
        os.close(fd)


def _read_all(fd: int, path: str, what: str, limit: int) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while total <= limit:
        try:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
        except BlockingIOError:  # a regular file that behaves like a stream (/proc/kmsg)
            raise UvcredsError(f"{path}: the {what} cannot be read now; not read") from None
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    if total > limit:
        raise UvcredsError(f"{path}: the {what} is larger than {_size(limit)}; not read")
    return b"".join(chunks)


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit} bytes"


def check_toml_shape(text: str) -> str | None:
    """Why tomllib should not be given this text (too deeply nested, a key of too many
    parts), or None. One pass that skips strings and comments."""
    depth = 0
    parts = 1
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            i = _skip_string(text, i)
            continue
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if c in "[{":
            depth += 1
            if depth > MAX_TOML_DEPTH:
                return f"nested more than {MAX_TOML_DEPTH} levels deep"
        elif c in "]}":
            depth = max(depth - 1, 0)
        elif c == ".":
            parts += 1
            if parts > MAX_KEY_PARTS:
                return f"a key or header of more than {MAX_KEY_PARTS} dotted parts"
        elif c in "\n=,":
            parts = 1
        i += 1
    return None


def _skip_string(text: str, start: int) -> int:
    """The index just past the TOML string starting at `start` (basic, literal, multi-line)."""
    quote = text[start]
    delimiter = quote * 3 if text.startswith(quote * 3, start) else quote
    i = start + len(delimiter)
    while i < len(text):
        if quote == '"' and text[i] == "\\":
            i += 2
            continue
        if text.startswith(delimiter, i):
            return i + len(delimiter)
        if len(delimiter) == 1 and text[i] == "\n":
            return i  # unterminated: tomllib will say so
        i += 1
    return i


def fingerprint(path: str) -> list[object]:
    """[path, type, dev, inode, size, mtime_ns, ctime_ns] from lstat, then the same of the
    target when the path is a symlink; [path] alone when nothing is there."""
    try:
        info = os.lstat(path)
    except OSError:
        return [path]
    found: list[object] = [path, *_fields(info)]
    if stat.S_ISLNK(info.st_mode):
        try:
            found.extend(_fields(os.stat(path)))
        except OSError:
            found.append("dangling")
    return found


def _fields(info: os.stat_result) -> list[object]:
    return [
        stat.S_IFMT(info.st_mode),
        info.st_dev,
        info.st_ino,
        info.st_size,
        info.st_mtime_ns,
        info.st_ctime_ns,
    ]
