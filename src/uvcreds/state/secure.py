"""uvcreds' own directories and files, safe from other local users.

On a shared machine another user can plant files in any directory left writable: a
symlink where the cache's plans go, an allow record in the trust store. So every
directory uvcreds reads or writes must be a real directory, ours, not writable by group or
others; a file it trusts must be a regular file of ours; files are opened without
following symlinks and created 0600. A refused directory is neither read nor written.

Imported by the fast path: standard library only.
"""

from __future__ import annotations

import os
import stat

from uvcreds.errors import UvcredsError
from uvcreds.state.files import read_bounded

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def _ours(info: os.stat_result) -> bool:
    return not hasattr(os, "getuid") or info.st_uid == os.getuid()


def check_directory(path: str, what: str) -> bool:
    """True when `path` is a safe directory of ours, False when it does not exist; raises
    UvcredsError (naming it and the fix) when another user could read or plant files in it."""
    info = _stat(path, path, what, follow=False)
    if info is None:
        return False
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise UvcredsError(f"{path}: the {what} must be a real directory, not a link or file")
    if not _ours(info):
        raise UvcredsError(f"{path}: the {what} belongs to another user; remove it")
    if info.st_mode & 0o022:
        raise UvcredsError(f"{path}: the {what} is writable by others; run chmod 700 on it")
    return True


def trusted_file(path: str, what: str) -> bool:
    """Whether `path` may be trusted like `~/.ssh/config` (DESIGN.md, "Personal configuration
    is trusted like ~/.ssh"): False when nothing is there; True when it is a regular file
    owned by us or root, not writable by group or others, reached through links of ours or
    root's and directories no one else can write (a world-writable one only with the sticky
    bit, as /tmp: others cannot replace what is ours there); else UvcredsError naming it."""
    absolute = os.path.abspath(path)
    info = _stat(absolute, path, what, follow=True)
    if info is None:
        return False
    if not hasattr(os, "getuid"):  # Windows: no POSIX owners or modes; ACLs guard the profile
        return True
    if not stat.S_ISREG(info.st_mode):
        # As files.read_bounded says it of any TOML file: one wording for a FIFO or device.
        raise UvcredsError(f"{path}: the TOML file is not a regular file; not read")
    if not _ours_or_root(info):
        raise UvcredsError(f"{path}: the {what} belongs to another user")
    if info.st_mode & 0o022:
        raise UvcredsError(f"{path}: the {what} is writable by others (run chmod 600 on it)")
    real = os.path.realpath(absolute)
    for link in _components(absolute):
        _check_link(link, path, what)
    for directory in dict.fromkeys([*_parents(absolute), *_parents(real)]):
        _check_parent(directory, path, what)
    return True


def _stat(path: str, shown: str, what: str, *, follow: bool) -> os.stat_result | None:
    """The file's status, None when nothing is there, UvcredsError when it cannot be read."""
    try:
        return os.stat(path) if follow else os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UvcredsError(f"{shown}: cannot use the {what}: {exc.strerror}") from None


def _ours_or_root(info: os.stat_result) -> bool:
    return _ours(info) or info.st_uid == 0


def _components(path: str) -> list[str]:
    """`path` and each of its ancestors, as written."""
    found = [path]
    while os.path.dirname(path) != path:
        path = os.path.dirname(path)
        found.append(path)
    return found


def _parents(path: str) -> list[str]:
    return _components(path)[1:]


def _check_link(component: str, path: str, what: str) -> None:
    """A link on the way must be ours or root's: another user's link points where they like."""
    try:
        info = os.lstat(component)
    except OSError:
        return  # gone meanwhile: the stat of the directories says the rest
    if stat.S_ISLNK(info.st_mode) and not _ours_or_root(info):
        raise UvcredsError(
            f"{path}: the {what} is reached through {component}, a link of another user"
        )


def _check_parent(directory: str, path: str, what: str) -> None:
    try:
        info = os.stat(directory)
    except OSError as exc:
        raise UvcredsError(f"{path}: cannot use the {what}: {directory}: {exc.strerror}") from None
    if not _ours_or_root(info):
        raise UvcredsError(f"{path}: the {what} is in {directory}, a directory of another user")
    if info.st_mode & 0o022 and not info.st_mode & stat.S_ISVTX:
        raise UvcredsError(
            f"{path}: the {what} is in {directory}, which others can write (run chmod go-w on it)"
        )


def make_directory(path: str, what: str) -> None:
    """Create `path` 0700 (its missing parents too) unless it exists, then check it."""
    if not check_directory(path, what):
        try:
            os.makedirs(path, mode=0o700, exist_ok=True)
        except OSError as exc:
            raise UvcredsError(f"{path}: cannot create the {what}: {exc.strerror}") from None
        check_directory(path, what)


def read_private(path: str, what: str, *, limit: int = 16 * 1024 * 1024) -> bytes | None:
    """The bytes of a file of ours (not followed if a link), None when absent. A link, a
    FIFO or another user's file raises UvcredsError."""
    try:
        return read_bounded(path, what, limit=limit, own=True)
    except FileNotFoundError:
        return None


def is_own_file(path: str) -> bool:
    """Whether `path` is a regular file of ours (a link or another user's file is not)."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and _ours(info)


def create_empty(path: str) -> None:
    """A new 0600 file; never follows or reuses what is there."""
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | _NOFOLLOW | _CLOEXEC, 0o600))


def write_atomically(path: str, data: bytes, *, durable: bool) -> None:
    """A temporary 0600 file beside `path`, renamed over it: readers see the old file or the
    new one, never half; a failed write leaves nothing behind. `durable` syncs it first, for
    what cannot be derived again (a minted token). The directory must have been checked."""
    directory, name = os.path.split(path)
    temporary = os.path.join(directory, f".{name}.{os.getpid()}.{os.urandom(4).hex()}")
    fd = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY | _NOFOLLOW | _CLOEXEC, 0o600)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def unlink_own(path: str) -> bool:
    """Remove `path` only when it is a regular file of ours; True when it was removed."""
    if not is_own_file(path):
        return False
    try:
        os.unlink(path)
    except OSError:
        return False
    return True
