"""A small progress bar for long work on the command line (stderr, only on a terminal)."""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TextIO


class ProgressBar:
    def __init__(self, *, label: str, stream: TextIO | None = None, width: int = 30) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self.started = time.monotonic()
        self.active = self.stream.isatty()

    def update(self, stage: str, pct: int) -> None:
        if not self.active:
            return
        filled = int(self.width * pct / 100)
        elapsed = time.monotonic() - self.started
        bar = "█" * filled + "·" * (self.width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {pct:3d}% {elapsed:5.1f}s {stage[:40]:<40}")
        self.stream.flush()

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.active:
            self.stream.write("\n")
            self.stream.flush()
