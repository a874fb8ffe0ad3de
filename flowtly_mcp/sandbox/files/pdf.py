"""A small, valid PDF 1.4 written by hand: one A4 page of text lines in Helvetica.

Built byte by byte so the cross-reference offsets are exact; any PDF reader opens it.
"""

from __future__ import annotations

import unicodedata

_SPECIAL = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "–": "-", "—": "-", "„": '"', "”": '"'})


def _ascii(text: str) -> str:
    """Helvetica's standard encoding has no Polish letters: spell them without diacritics."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    return "".join(ch for ch in decomposed if ord(ch) < 128 and (ch.isprintable() or ch == " "))


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def build(title: str, lines: list[str]) -> bytes:
    commands = ["BT", "/F1 16 Tf", "50 790 Td", f"({_escape(_ascii(title))}) Tj", "/F1 10 Tf", "0 -28 Td"]
    for line in lines[:60]:
        commands += [f"({_escape(_ascii(line))}) Tj", "0 -14 Td"]
    commands.append("ET")
    stream = "\n".join(commands).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Title (" + _escape(_ascii(title)).encode("latin-1") + b") /Producer (Flowtly sandbox) >>",
    ]
    output = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: list[int] = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(output))
        output += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(output)
    output += f"xref\n0 {len(objects) + 1}\n".encode()
    output += b"0000000000 65535 f \n"
    for offset in offsets:
        output += f"{offset:010d} 00000 n \n".encode()
    output += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(output)
