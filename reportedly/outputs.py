"""Writing into an output folder: one run at a time, every name checked, all files or none.

:class:`FolderLock` makes a second run into the same folder refuse (``RPT-OUT-LOCKED``) instead of
both claiming success while one run's files replace the other's. The lock is an advisory
``flock`` on the folder itself (no lock file is left in it): the system releases it when its
process ends, even by SIGKILL, so a crashed run never leaves a folder locked.

:func:`write_files` is the batch writer: it joins every name to the folder first
(:func:`reportedly.names.join_inside`, so nothing lands outside it), writes every file under a
temporary name, and only then renames them all into place. A run that fails or is killed before
the renames leaves the old files as they were; a file is never seen half-written.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import TracebackType

from reportedly.incidents import Incident, ReportedlyError
from reportedly.names import join_inside

TEMP_SUFFIX = ".reportedly-tmp"


def _refusal(code: str, message: str, file: str) -> ReportedlyError:
    from reportedly.incidents import REGISTRY

    return ReportedlyError(Incident(code, message, file), f"{file}: {message}. Fix: {REGISTRY[code].fix}.")


def ensure_folder(folder: Path, *, what: str = "output folder") -> Path:
    """``folder``, created if missing; refused (``RPT-PATH-KIND``) when a file is in the way."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise _refusal("RPT-PATH-KIND", f"the {what} is a file, not a folder", str(folder))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _refusal("RPT-IO", f"cannot create the {what}: {exc.strerror or exc}", str(folder)) from None
    return folder


class FolderLock:
    """``with FolderLock(out):`` holds ``out`` for this run; a second holder is refused at once."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._fd: int | None = None

    def __enter__(self) -> FolderLock:
        ensure_folder(self.folder)
        try:
            fd = os.open(self.folder, os.O_RDONLY | os.O_DIRECTORY)
        except OSError as exc:
            raise _refusal("RPT-IO", f"cannot open the folder: {exc.strerror or exc}", str(self.folder)) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise
            message = "another run is writing into this folder"
            raise _refusal("RPT-OUT-LOCKED", message, str(self.folder)) from None
        self._fd = fd
        _remove_stale_temporaries(self.folder)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing releases the flock
            self._fd = None


def _remove_stale_temporaries(folder: Path) -> None:
    """Temporary files of a run that was killed before its renames (we hold the lock: none is live)."""
    for stale in folder.rglob(f".*{TEMP_SUFFIX}"):
        with contextlib.suppress(OSError):
            stale.unlink()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_files(
    folder: Path, files: Mapping[str, str] | Mapping[tuple[str, ...], str], *, lock: bool = True
) -> list[Path]:
    """Write ``files`` (name or path parts -> content) into ``folder``, all or none; returns the
    paths whose content changed (an unchanged file is not rewritten)."""
    folder = Path(folder)
    targets: dict[Path, str] = {
        join_inside(folder, *((name,) if isinstance(name, str) else name)): content for name, content in files.items()
    }
    with FolderLock(folder) if lock else contextlib.nullcontext():
        changed = {path: content for path, content in targets.items() if not _same(path, content)}
        with _staged(changed) as staged:
            for temporary, path in staged:
                os.replace(temporary, path)
    return list(changed)


def _same(path: Path, content: str) -> bool:
    if not path.is_file():
        if path.exists():
            raise _refusal("RPT-PATH-KIND", "a folder is where this file would be written", str(path))
        return False
    data = content.encode("utf-8")
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


@contextlib.contextmanager
def _staged(files: Mapping[Path, str]) -> Iterator[list[tuple[Path, Path]]]:
    """Every file written under a temporary name beside its target; removed again on failure."""
    staged: list[tuple[Path, Path]] = []
    mode = 0o666 & ~_umask()
    try:
        for path, content in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
            staged.append((Path(name), path))
            with os.fdopen(fd, "wb") as handle:
                handle.write(content.encode("utf-8"))
            os.chmod(name, path.stat().st_mode & 0o7777 if path.exists() else mode)
        yield staged
    except OSError as exc:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise _refusal("RPT-IO", f"cannot write: {exc.strerror or exc}", str(exc.filename or "")) from None
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
