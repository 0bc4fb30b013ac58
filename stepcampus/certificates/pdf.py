"""Drawing the certificate as a one-page A4 landscape PDF, and reading back its signed data.

The signed payload, the signature and the code travel inside the PDF, in the document's
Keywords entry: `stepcampus-certificate/1 PAYLOAD SIGNATURE CODE` (payload and signature in
base64, so the entry stays ASCII and the payload's exact signed bytes survive). The file alone
is enough to verify a certificate; a tool that re-saves the PDF may drop that entry.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import datetime
from pathlib import Path

from stepcampus.certificates.fonts import FontFiles, find_font, to_latin1
from stepcampus.certificates.model import Payload, b64
from stepcampus.certificates.texts import long_date, text
from stepcampus.errors import InputError, Problem

MARKER = "stepcampus-certificate/1"
MAX_PDF_BYTES = 20 * 1024 * 1024
_KEYWORDS = re.compile(rb"/Keywords\s*(\((?:\\.|[^\\()])*\)|<[0-9A-Fa-f\s]*>)", re.S)

PAGE_W, PAGE_H = 297.0, 210.0  # A4 landscape, mm
NAVY = (23, 50, 77)
GOLD = (184, 145, 47)
GREY = (85, 85, 85)
PAPER = (252, 250, 244)


def render_pdf(payload: Payload, signature: bytes, code: str, language: str | None,
               issued_at: datetime, font: FontFiles | None = None,
               find_system_font: bool = True) -> bytes:
    """The certificate PDF as bytes. font: a TTF pair to use (default: the best one found)."""
    from fpdf import FPDF  # loaded only when a certificate is drawn

    if font is None and find_system_font:
        font = find_font()
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    if font is not None:
        pdf.add_font("cert", "", str(font.regular))
        pdf.add_font("cert", "B", str(font.bold))
        family, say = "cert", _same
    else:
        family, say = "helvetica", to_latin1
    lang = language

    def put(line: str, y: float, size: float, bold: bool = False,
            colour: tuple[int, int, int] = NAVY, width: float = 250.0,
            min_size: float = 10.0) -> float:
        """Centre one line at y, shrinking the size until it fits; returns the size used."""
        line = say(line)
        pdf.set_text_color(*colour)
        while True:
            pdf.set_font(family, "B" if bold else "", size)
            if pdf.get_string_width(line) <= width or size <= min_size:
                break
            size -= 1
        pdf.set_xy((PAGE_W - width) / 2, y)
        pdf.multi_cell(width, size * 0.45, line, align="C")
        return size

    pdf.add_page()
    pdf.set_creation_date(issued_at)
    pdf.set_title(say(text(lang, "title")))
    pdf.set_author("STEP Campus")
    pdf.set_creator("STEP Campus")
    pdf.set_subject(say(f"{payload.learner}: {payload.course_title}"))
    pdf.set_keywords(f"{MARKER} {b64(payload.to_bytes())} {b64(signature)} {code}")

    # Paper, a double frame and small corner marks: what people expect a certificate to be.
    pdf.set_fill_color(*PAPER)
    pdf.rect(0, 0, PAGE_W, PAGE_H, style="F")
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(1.4)
    pdf.rect(8, 8, PAGE_W - 16, PAGE_H - 16)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.5)
    pdf.rect(12, 12, PAGE_W - 24, PAGE_H - 24)
    for x, y in ((12, 12), (PAGE_W - 12, 12), (12, PAGE_H - 12), (PAGE_W - 12, PAGE_H - 12)):
        pdf.set_fill_color(*GOLD)
        pdf.ellipse(x - 2, y - 2, 4, 4, style="F")

    put(text(lang, "suite").upper(), 24, 11, bold=True, colour=GOLD)
    put(text(lang, "title"), 34, 30, bold=True)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.8)
    pdf.line(PAGE_W / 2 - 35, 52, PAGE_W / 2 + 35, 52)
    put(text(lang, "certifies"), 62, 13, colour=GREY)
    put(payload.learner, 73, 34, bold=True, min_size=14)
    put(text(lang, "completed"), 94, 13, colour=GREY)
    # The title may take two lines; the size drops until it does.
    title_size = 21.0
    pdf.set_font(family, "B", title_size)
    while title_size > 12 and pdf.get_string_width(say(payload.course_title)) > 2 * 230:
        title_size -= 1
        pdf.set_font(family, "B", title_size)
    put(payload.course_title, 104, title_size, bold=True, width=230, min_size=title_size)

    score = (text(lang, "score", score=payload.score_percent)
             if payload.score_percent is not None else text(lang, "no_score"))
    facts = " · ".join([text(lang, "version", version=payload.course_version),
                        text(lang, "date", date=long_date(payload.completed_on, lang)), score])
    put(facts, 132, 12, colour=GREY)

    # The code box, bottom left: what a verifier types or reads out.
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(0.3)
    pdf.rect(26, 152, 120, 32)
    pdf.set_text_color(*GREY)
    pdf.set_font(family, "", 9)
    pdf.set_xy(30, 155)
    pdf.cell(112, 5, say(text(lang, "code")))
    pdf.set_text_color(*NAVY)
    pdf.set_font(family, "B", 17)
    pdf.set_xy(30, 161)
    pdf.cell(112, 9, code)
    pdf.set_text_color(*GREY)
    pdf.set_font(family, "", 7.5)
    pdf.set_xy(30, 171)
    pdf.cell(112, 4, say(text(lang, "issuer", key_id=payload.issuer_key_id)))
    pdf.set_xy(30, 176)
    pdf.cell(112, 4, say(text(lang, "check")))

    # A seal, bottom right.
    cx, cy, r = PAGE_W - 62, 168, 17
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(1.0)
    pdf.ellipse(cx - r, cy - r, 2 * r, 2 * r)
    pdf.set_line_width(0.3)
    pdf.ellipse(cx - r + 2, cy - r + 2, 2 * r - 4, 2 * r - 4)
    pdf.set_text_color(*GOLD)
    pdf.set_font(family, "B", 10)
    pdf.set_xy(cx - r, cy - 6)
    pdf.cell(2 * r, 5, "STEP", align="C")
    pdf.set_xy(cx - r, cy + 0.5)
    pdf.cell(2 * r, 5, "Campus", align="C")
    return bytes(pdf.output())


def _same(line: str) -> str:
    return line


def read_embedded(path: Path) -> tuple[bytes, bytes, str]:
    """The signed payload bytes, signature and code a certificate PDF carries.

    InputError naming the file when it cannot be read or holds no certificate data.
    """
    source = str(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_PDF_BYTES + 1)
    except OSError as exc:
        raise InputError(Problem(source, None, f"cannot read the file: {exc.strerror or exc}",
                                 "check the name and that you may read it")) from None
    if not data.startswith(b"%PDF-"):
        raise InputError(Problem(source, None, "not a PDF file",
                                 "give the certificate's .pdf file"))
    if len(data) > MAX_PDF_BYTES:
        raise InputError(Problem(source, None, "the file is too large to be a certificate"))
    for match in reversed(_KEYWORDS.findall(data)):  # the last entry wins, as in a viewer
        fields = _pdf_string(match).split()
        if len(fields) == 4 and fields[0] == MARKER:
            try:
                payload = base64.b64decode(fields[1], validate=True)
                signature = base64.b64decode(fields[2], validate=True)
            except (binascii.Error, ValueError):
                break
            return payload, signature, fields[3]
    raise InputError(Problem(source, None, "this PDF holds no STEP Campus certificate data",
                             "give the PDF that STEP Campus made, not a scan or a re-saved "
                             "copy"))


def _pdf_string(token: bytes) -> str:
    """Decode a PDF string token: (literal) or <hex>, either PDFDoc/Latin-1 or UTF-16."""
    if token.startswith(b"<"):
        try:
            raw = bytes.fromhex(token[1:-1].decode("ascii").replace(" ", "")
                                .replace("\n", "").replace("\r", ""))
        except ValueError:
            return ""
    else:
        raw = re.sub(rb"\\(.)", rb"\1", token[1:-1], flags=re.S)
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be", errors="replace")
    return raw.decode("latin-1")
