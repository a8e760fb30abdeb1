"""Where the article body ends and the page around it begins.

Pasted pages carry chrome (social and newsletter prompts, image credits, "google cta")
and blocks of unrelated stories ("In World", "More stories", "keep reading"). A fact
whose evidence sits there is set aside, whatever the model said about it. Rules are
line-based, deterministic and named, so the report can say which one fired.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A line that is page chrome wherever it appears.
_CHROME = [
    ("social prompt", r"follow us( on [\w ]+)?|share (this|on)\b.*|like us on facebook"),
    ("newsletter prompt", r"(subscribe|sign up)\b.*|newsletter|get the latest .* email.*"),
    ("image credit", r"(top )?image credit:.*|photo:.*|\(photo by .*\)"),
    ("call to action", r"google cta|leave a review|click here.*|want more of our .*\?"),
    ("navigation", r"latest|qiosk|advertisement.*|keep reading\s*show less|show (more|less)"),
    ("cookie banner", r".*\bcookies?\b.*(accept|consent|preferences).*"),
]
# A line that opens a block of other stories: everything after it is set aside.
_TAIL = [
    ("more-stories block", r"in world|more stories|more from .*|related( stories| articles)?"),
    ("more-stories block", r"read (more|next)|recommended( for you)?|most (read|popular)"),
    ("more-stories block", r"discover more from .*|you may also like|top image credit:.*"),
]
_CHROME_RE = [(name, re.compile(rf"^\s*(?:{rx})\s*$", re.IGNORECASE)) for name, rx in _CHROME]
_TAIL_RE = [(name, re.compile(rf"^\s*(?:{rx})\s*$", re.IGNORECASE)) for name, rx in _TAIL]
# A tail marker in the first part of a page is a menu, not the end of the story.
_TAIL_MIN_FRACTION = 0.4
_MAX_CHROME_LINE = 160


@dataclass(frozen=True)
class Region:
    start: int
    end: int
    rule: str


@dataclass(frozen=True)
class PageLayout:
    """Chrome lines and the unrelated tail of one article text."""

    chrome: tuple[Region, ...]
    tail: Region | None

    def rule_for(self, start: int, end: int) -> str | None:
        """The rule that sets aside evidence at [start, end), or None if it is body text."""
        if self.tail is not None and start >= self.tail.start:
            return self.tail.rule
        for region in self.chrome:
            if start >= region.start and end <= region.end:
                return region.rule
        return None


def analyse_layout(text: str) -> PageLayout:
    chrome: list[Region] = []
    tail: Region | None = None
    offset = 0
    for line in text.splitlines(keepends=True):
        start, end = offset, offset + len(line.rstrip("\n"))
        offset += len(line)
        stripped = line.strip()
        if not stripped or len(stripped) > _MAX_CHROME_LINE:
            continue
        if tail is None and start >= _TAIL_MIN_FRACTION * len(text):
            rule = next((name for name, rx in _TAIL_RE if rx.match(stripped)), None)
            if rule is not None:
                tail = Region(start, len(text), f"{rule} (after {stripped[:40]!r})")
                continue
        rule = next((name for name, rx in _CHROME_RE if rx.match(stripped)), None)
        if rule is not None:
            chrome.append(Region(start, end, rule))
    return PageLayout(tuple(chrome), tail)
