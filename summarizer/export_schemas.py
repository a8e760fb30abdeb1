"""Rewrite schemas/*.json from the pydantic models: ``python -m summarizer.export_schemas``."""

from __future__ import annotations

import sys
from pathlib import Path

from .models import export_schemas

if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("schemas")
    for written in export_schemas(target):
        print(written)
