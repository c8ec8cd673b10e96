"""Each benchmark writes its own section of benchmarks/README.md, between two markers."""

from __future__ import annotations

import re
from pathlib import Path


def replace_section(readme: Path, start: str, end: str, section: str) -> None:
    """Put `section` (which begins with `start` and ends with `end`) in place of the text
    between those markers in `readme`, or at its end the first time."""
    text = readme.read_text() if readme.exists() else "# Benchmarks\n"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end) + r"\n?", re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    readme.write_text(text)
