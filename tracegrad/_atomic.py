"""Atomic file writes: a temporary file in the same directory, written, flushed, fsynced
and renamed over the target, so that an interrupted write never leaves a broken file in
place of a good one. Used by ``save``, ``utils.safetensors.save_file`` and the apps."""

from __future__ import annotations

import os
import tempfile


def default_mode(path: str) -> int:
    """The permission bits the new file gets: the old file's, else 0o666 minus the umask."""
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        pass
    try:
        with open("/proc/self/status") as status:  # reads the umask without changing it
            for line in status:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomically(path, write) -> None:
    """Call ``write(binary_file)`` on a temporary file, then rename it to ``path``."""
    path = os.path.abspath(os.fsdecode(path))
    directory, base = os.path.split(path)
    mode = default_mode(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{base}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:  # make the rename itself durable
        dir_fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
