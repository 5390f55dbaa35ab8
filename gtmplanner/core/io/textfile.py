"""A big text file read where needed, for the CSV fast path.

:class:`FileText` answers the few questions the layout sniffer asks of a file
(its length, a slice, where the next line end is) with positioned reads, and
hands pyarrow the data rows as a :class:`BodyStream` that it reads on its own
I/O thread while it parses. The stream counts line ends and zero bytes as the
blocks go by, so no Python code reads the file twice and no buffer holds it all.
The file is never memory-mapped: a map of a file that another program cuts
short while we read it kills the process (SIGBUS); a read just comes up short.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

_BLOCK = 1 << 20


def count_byte(buf: Any, byte: int, *, zero: bool = False) -> int:
    """How often ``byte`` occurs in ``buf``, a MB at a time (no buffer as big as ``buf``).

    ``zero=True`` returns -1 instead when ``buf`` holds a zero byte.
    """
    u = np.frombuffer(buf, np.uint8)
    hits = np.empty(min(len(u), _BLOCK), bool)
    n = 0
    for lo in range(0, len(u), _BLOCK):
        block = u[lo : lo + _BLOCK]
        if zero and block.min() == 0:
            return -1
        out = hits[: len(block)]
        np.equal(block, byte, out=out)
        n += int(np.count_nonzero(out))
    return n


class FileText:
    """The bytes of a file, read on demand: ``len``, slices, ``find``/``rfind``/``count``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh = path.open("rb")
        self._fh.seek(0, 2)
        self.size = self._fh.tell()

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> FileText:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, key: slice) -> bytes:
        start, stop, step = key.indices(self.size)
        if step != 1:
            raise ValueError("FileText slices have no step")
        if stop <= start:
            return b""
        self._fh.seek(start)
        return self._fh.read(stop - start)

    def find(self, sub: bytes, start: int = 0, end: int | None = None) -> int:
        """Like ``bytes.find``, reading a MB at a time from ``start``."""
        end = self.size if end is None else min(end, self.size)
        pos = max(start, 0)
        while pos < end:
            hi = min(end, pos + _BLOCK)
            block = self[pos : min(end, hi + len(sub) - 1)]
            i = block.find(sub)
            if i >= 0:
                return pos + i
            pos = hi
        return -1

    def rfind(self, sub: bytes, start: int = 0, end: int | None = None) -> int:
        """Like ``bytes.rfind`` (reads the whole window: meant for the 64 KB sample)."""
        i = self[start:end].rfind(sub)
        return -1 if i < 0 else max(start, 0) + i

    def count(self, byte: bytes, start: int = 0, end: int | None = None) -> int:
        """How often the single byte ``byte`` occurs in ``self[start:end]``."""
        end = self.size if end is None else min(end, self.size)
        return sum(count_byte(self[lo : min(end, lo + _BLOCK)], byte[0])
                   for lo in range(max(start, 0), end, _BLOCK))

    def stream(self, start: int, end: int) -> BodyStream:
        return BodyStream(self.path, start, end)


class BodyStream:
    """Bytes ``start:end`` of a file as a stream for pyarrow, counting as they go by.

    After reading: ``newlines`` (line ends seen), ``zero`` (a zero byte was seen),
    ``last`` (the last byte, -1 if none) and ``short`` (the file ended early).
    """

    def __init__(self, path: Path, start: int, end: int) -> None:
        self._fh = path.open("rb")
        self._fh.seek(start)
        self._left = end - start
        self._pos = 0
        self.newlines = 0
        self.zero = False
        self.last = -1
        self.short = False

    def read(self, n: int | None = -1) -> bytes:
        if self._left <= 0:
            return b""
        n = self._left if n is None or n < 0 else min(n, self._left)
        chunk = self._fh.read(n)
        if not chunk:
            self.short, self._left = True, 0
            return b""
        self._left -= len(chunk)
        self._pos += len(chunk)
        seen = count_byte(chunk, 10, zero=True)
        if seen < 0:
            self.zero = True
        else:
            self.newlines += seen
        self.last = chunk[-1]
        return chunk

    def tell(self) -> int:
        return self._pos

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def writable(self) -> bool:
        return False

    @property
    def closed(self) -> bool:
        return self._fh.closed

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> BodyStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
