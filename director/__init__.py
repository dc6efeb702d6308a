"""counter-demo's director: plays the counter talk from scenes and proves what it claims."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""The repository: where `counter/` and `scenes/` live."""
