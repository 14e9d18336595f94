"""Text made safe to show: control and escape characters become visible symbols.

Article text is stored exactly as imported, but an ANSI or OSC sequence, a BEL or a backspace
must never reach a terminal raw: it could recolour, retitle or beep the user's terminal. Each
C0 control (but newline and tab), DEL and each C1 control maps to one visible character, so
offsets into the shown text equal offsets into the stored text.
"""

from __future__ import annotations

_TABLE = {code: 0x2400 + code for code in range(0x20) if code not in (0x09, 0x0A)}
_TABLE[0x7F] = 0x2421
_TABLE.update({code: 0xFFFD for code in range(0x80, 0xA0)})


def visible(text: str) -> str:
    """``text`` with every control character replaced by its visible picture (same length)."""
    return text.translate(_TABLE)
