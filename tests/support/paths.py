"""Where the project is, for tests at any depth: never `Path(__file__).parents[N]`."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LIBRARY = PROJECT_ROOT / "standards" / "library"
DOCS = PROJECT_ROOT / "docs"
