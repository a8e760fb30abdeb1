"""Look at a report as a reader would: Markdown -> HTML -> headless Chromium screenshot.

    python scripts/render_report.py REPORT.md --html out.html [--png docs/report.png]

The HTML comes from markdown-it-py (CommonMark + GitHub tables, raw HTML disabled, as
GitHub and GitLab sanitise it) with a plain GitHub-like stylesheet. The screenshot needs
Debian's `chromium` package; it is a development aid, not part of the test suite.
"""

from __future__ import annotations

import argparse
import html
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from markdown_it import MarkdownIt

STYLE = """
body { font: 15px/1.5 -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: #1f2328;
       max-width: 1180px; margin: 24px auto; padding: 0 24px; }
h1 { font-size: 2em; border-bottom: 1px solid #d1d9e0; padding-bottom: .3em; }
h2 { font-size: 1.5em; border-bottom: 1px solid #d1d9e0; padding-bottom: .3em; margin-top: 1.6em; }
h3 { font-size: 1.25em; } h4 { font-size: 1.05em; }
table { border-collapse: collapse; margin: 0 0 16px; display: block; overflow-x: auto; }
th, td { border: 1px solid #d1d9e0; padding: 6px 12px; vertical-align: top;
         overflow-wrap: break-word; }
th { background: #f6f8fa; } tr:nth-child(2n) td { background: #f6f8fa; }
code { background: #eff1f3; padding: .1em .3em; border-radius: 4px; font-size: 90%; }
"""

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--hide-scrollbars",
]


def render_html(markdown: str, title: str) -> str:
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    body = md.render(markdown)
    return (
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
        f"<body>\n{body}</body></html>\n"
    )


def screenshot(page: Path, png: Path, width: int, height: int) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        sys.exit("chromium not found: apt-get install chromium")
    png.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                browser,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                f"--screenshot={png.resolve()}",
                page.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path)
    parser.add_argument("--html", type=Path, required=True)
    parser.add_argument("--png", type=Path)
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=1500)
    args = parser.parse_args()
    markdown = args.report.read_text(encoding="utf-8")
    args.html.write_text(render_html(markdown, args.report.name), encoding="utf-8")
    if args.png is not None:
        screenshot(args.html, args.png, args.width, args.height)
        print(args.png)


if __name__ == "__main__":
    main()
