"""The progress bar on stderr (rich), for runs long enough to want one.

Shown only when stderr is a terminal, the run has more than a few parts and --quiet
is not given; it then replaces the per-call lines. Otherwise messages stay plain
``summarizer: ...`` lines (or nothing with --quiet), so logs and pipes never receive
control characters.
"""

from __future__ import annotations

import sys
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)

MIN_PARTS_FOR_BAR = 4


class ProgressView:
    def __init__(self, *, quiet: bool, force_terminal: bool | None = None) -> None:
        self.quiet = quiet
        self._console = Console(stderr=True, force_terminal=force_terminal)
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    @property
    def wants_bar(self) -> bool:
        return not self.quiet and self._console.is_terminal

    def message(self, text: str) -> None:
        # With a bar, the bar is the progress; the per-call lines would scroll it away.
        if self.quiet or self._bar is not None:
            return
        sys.stderr.write(f"summarizer: {text}\n")
        sys.stderr.flush()

    def part_done(self, done: int, total: int) -> None:
        if not self.wants_bar or total < MIN_PARTS_FOR_BAR:
            return
        if self._bar is None:
            self._bar = Progress(
                TextColumn("extracting"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=self._console,
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task("parts", total=total)
        if self._task is not None:
            self._bar.update(self._task, completed=done, total=total)

    def __enter__(self) -> ProgressView:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
