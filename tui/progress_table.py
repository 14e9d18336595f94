"""The team's progress as a table: one for ``saywho progress`` and the progress screen (``P``).

Rich only (no Textual), so the command stays light. The columns are short so the table fits 80
columns; ``legend`` says what the short names and the ``(+n)`` mean.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from rich.table import Table
from rich.text import Text

from annotations.display import visible_line
from annotations.progress import AnnotatorProgress, TeamProgress

COLUMNS = ("annotator", "assigned", "done", "busy", "left", "reviewed", "last edit", "agree F1")


def when(stamp: str | None) -> str:
    """An ISO time as ``MM-DD HH:MM`` in UTC (``never`` when none)."""
    if not stamp:
        return "never"
    try:
        return datetime.fromisoformat(stamp).astimezone(UTC).strftime("%m-%d %H:%M")
    except ValueError:
        return visible_line(stamp)


def agreement_cell(row: AnnotatorProgress) -> str:
    """``F1 (n)``: the F1 against the others on ``n`` documents, or ``—`` when none."""
    if row.agreement_f1 is None:
        return "—"
    return f"{row.agreement_f1:.1f} ({row.agreement_docs})"


def progress_table(progress: TeamProgress, me: str | None = None, **table: Any) -> Table:
    """One row per annotator (``me`` in bold); ``table``: the rich ``Table``'s options."""
    out = Table(**table)
    for column in COLUMNS:
        out.add_column(column, justify="left" if column in ("annotator", "last edit")
                       else "right", no_wrap=True)
    for row in progress.annotators:
        out.add_row(
            Text(visible_line(row.annotator)), str(row.assigned), row.done_cell,
            str(row.in_progress), str(row.remaining), str(row.quotes_reviewed),
            when(row.last_edit), agreement_cell(row),
            style="bold" if me is not None and row.annotator == me else None,
        )
    return out


def legend(progress: TeamProgress) -> list[str]:
    """What the short column names mean (and ``(+n)`` when a row has it)."""
    lines = []
    if any(r.done_unassigned for r in progress.annotators):
        lines.append("done (+n): n more documents marked done that were not assigned to them")
    lines.append("busy: in progress; left: assigned, not done; reviewed: quotes accepted or "
                 "rejected; last edit in UTC; agree F1: span F1 (50 % overlap) against the "
                 "others on documents both marked done (how many)")
    return lines
