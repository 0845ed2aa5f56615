"""What the benchmarks and the load test share in writing BENCHMARKS.md: percentiles, and sections of the
file that one writer replaces while keeping the other's."""
from __future__ import annotations

import math

LOAD_TEST = "## Load test"
API_FUZZING = "## API fuzzing"
SYNC_HISTORY = "## Sync push: what issue 21 changed"
PAGES_BEFORE_AFTER = "## Desk pages before and after issue 21"  # measured once, the old code beside the new
ISSUE_21_TARGETS = "## Issue 21's targets"  # each target beside its figure, and what stands in the way of those not met
PHONE_BEFORE_AFTER = "## The phone's first list before and after issue 21"  # likewise
# written by make loadtest and make fuzz, and by hand (issue 21's targets, the sync push, the desk's pages and the
# phone's first list before and after issue 21); make bench writes the rest
SECTIONS = (ISSUE_21_TARGETS, LOAD_TEST, API_FUZZING, SYNC_HISTORY, PAGES_BEFORE_AFTER, PHONE_BEFORE_AFTER)


def percentile(values, q: float) -> float:
    """The q-th percentile (0–100) by the nearest-rank method: the smallest value with at least q % of the
    values at or below it."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("percentile of no values")
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def split_section(text: str, heading: str) -> tuple[str, str, str]:
    """(before, section, after): the section runs from the line `heading` to the next heading of the same or
    a higher level (or the end); ("text", "", "") when the heading is not there."""
    level = len(heading) - len(heading.lstrip("#"))
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == heading), None)
    if start is None:
        return text, "", ""
    end = next((i for i in range(start + 1, len(lines))
                if lines[i].startswith("#") and len(lines[i]) - len(lines[i].lstrip("#")) <= level), len(lines))
    return "".join(lines[:start]), "".join(lines[start:end]), "".join(lines[end:])


def replace_section(text: str, heading: str, section: str) -> str:
    """The text with its section under `heading` replaced by `section` (which starts with the heading), or
    with `section` appended when there was none."""
    before, _, after = split_section(text, heading)
    section = section.rstrip("\n") + "\n"
    joined = (before.rstrip("\n") + "\n\n" if before.strip() else "") + section
    return joined + ("\n" + after.lstrip("\n") if after else "")


def write_section(path, heading: str, section: str) -> None:
    """Replace (or add) one section of the file at `path`, keeping everything else."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    path.write_text(replace_section(text, heading, section), encoding="utf-8")


def write_keeping_sections(path, text: str) -> None:
    """Write `text` as the file, keeping the sections other runs wrote (SECTIONS) from the file as it was."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    for heading in SECTIONS:
        _, kept, _ = split_section(old, heading)
        if kept:
            text = replace_section(text, heading, kept)
    path.write_text(text, encoding="utf-8")
