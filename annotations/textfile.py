"""How saywho reads the bytes of a text file: the one rule for encodings.

UTF-8, with or without its byte-order mark, or UTF-16 that starts with its byte-order mark (as
Windows tools save "Unicode" text); anything else (empty, binary, another encoding) is said in
one line naming the file, never a traceback. The readers of articles and other tools' exports
and the gold files of the evaluations all decode through it.
"""

from __future__ import annotations


def decode_text(data: bytes, source: str) -> tuple[str | None, str | None]:
    """UTF-8 text from bytes (or UTF-16 that starts with its byte-order mark, as Windows
    tools save "Unicode" text), or a message for empty, binary or other input."""
    if not data.strip():
        return None, f"{source}: empty file"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError:
            return None, f"{source}: starts as UTF-16 text but does not decode as UTF-16"
    if b"\x00" in data[:65536]:
        return None, f"{source}: binary file (NUL bytes), not text"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, (
            f"{source}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "convert it to UTF-8 first"
        )
    return text.removeprefix("\ufeff"), None


def utf16_refusal(data: bytes, source: str) -> str | None:
    """For a JSON file (JSON is UTF-8) saved as UTF-16 with its byte-order mark: the line that
    says so and what to do (its NUL bytes read as "binary", its bytes as "surrogates not
    allowed" otherwise); None for any other start."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return f"{source}: saved as UTF-16; JSON files must be UTF-8: save it as UTF-8 first"
    return None
