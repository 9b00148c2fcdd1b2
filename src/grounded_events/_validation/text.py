"""Text with encoding checks: UTF-8 only, with the line, the byte and how to fix it when not."""

from __future__ import annotations

import codecs
from pathlib import Path

from grounded_events._core.files import MAX_TEXT_BYTES
from grounded_events._validation.kinds import TEXT_BLOCK, ReadProblem, check_file

_BOMS = {
    codecs.BOM_UTF32_LE: "UTF-32",
    codecs.BOM_UTF32_BE: "UTF-32",
    codecs.BOM_UTF16_LE: "UTF-16",
    codecs.BOM_UTF16_BE: "UTF-16",
}


def check_text_head(head: bytes) -> None:
    """Refuse text whose first bytes say it is not UTF-8: a UTF-16/32 byte-order mark, or many
    NUL bytes (UTF-16 or UTF-32 without one: every ASCII character comes with NULs, which UTF-8
    decodes without complaint). One stray NUL is left to the format's own parser, which names
    it: calling it UTF-16 would mislead."""
    for bom in _BOMS:
        if head.startswith(bom):
            raise encoding_problem(head, 0)
    nul = head.find(b"\0")
    if nul != -1 and head.count(b"\0") * 8 >= len(head):
        source = "UTF-16" if head[nul + 1 : nul + 2] != b"\0" else "UTF-32"
        line = head.count(b"\n", 0, nul) + 1
        raise ReadProblem("GE104", line, variant="nul", offset=nul, source=source)


def encoding_problem(data: bytes, start: int) -> ReadProblem:
    """A GE104 error at byte `start`, with the line and a hint."""
    for bom, name in _BOMS.items():
        if data.startswith(bom):
            return ReadProblem("GE104", 1, variant="bom", source=name)
    line = data.count(b"\n", 0, start) + 1
    byte = data[start : start + 1].hex()
    return ReadProblem("GE104", line, byte=byte, offset=start, source="LATIN1")


def read_text(path: Path) -> str:
    """The file as text: UTF-8, a UTF-8 byte-order mark dropped, CRLF read as LF."""
    check_file(path)
    size = path.stat().st_size
    if size > MAX_TEXT_BYTES:  # read whole, so bounded
        raise ReadProblem("GE116", size=size, limit=MAX_TEXT_BYTES)
    data = path.read_bytes()
    check_text_head(data[:TEXT_BLOCK])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise encoding_problem(data, exc.start) from None
    if not text.strip():
        raise ReadProblem("GE103", variant="blank")
    return text.replace("\r\n", "\n")
