"""A slide deck (PDF) as one image a page, with pypdfium2, and when each slide appears.

WebP at 1280 pixels wide, legible projected or full screen. A slide of text and flat colours
(a few hundred colours once anti-aliased) is kept losslessly in a 64-colour palette: ~14 KB,
sharper and a third smaller than lossy WebP of the same page; a page with photographs (many
colours) is lossy WebP. Slides then add little to the audio of a slow-line recording.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from stepcampus.errors import InputError, Problem
from stepcampus.tasks import Task
from stepcampus.webinar.vtt import Cue, clock, parse_clock

if TYPE_CHECKING:
    import pypdfium2 as pdfium
    from PIL import Image

SLIDE_WIDTH = 1280
WEBP_QUALITY = 70
PALETTE_COLOURS = 64
FLAT_COLOURS = 4096  # at most this many distinct colours: drawn, not photographed
MAX_PAGES = 500


def open_pdf(pdf: Path) -> pdfium.PdfDocument:
    """The slide deck, or an InputError naming it if it is missing or not a readable PDF."""
    import pypdfium2 as pdfium

    if not Path(pdf).is_file():
        raise InputError(Problem(str(pdf), None, "no such file"))
    try:
        return pdfium.PdfDocument(str(pdf))
    except pdfium.PdfiumError as exc:
        raise InputError(Problem(str(pdf), None, f"is not a readable PDF ({exc})",
                                 "export the slides from the presentation program as PDF"))\
            from None


def page_count(pdf: Path) -> int:
    document = open_pdf(pdf)
    try:
        return len(document)
    finally:
        document.close()


def render_slides(pdf: Path, dest_dir: Path, task: Task | None = None,
                  width: int = SLIDE_WIDTH) -> list[Path]:
    """slides/01.webp, 02.webp, ... in dest_dir; InputError if the file is not a usable PDF."""
    import pypdfium2 as pdfium

    task = task or Task()
    pdf = Path(pdf)
    document = open_pdf(pdf)
    try:
        count = len(document)
        if count == 0:
            raise InputError(Problem(str(pdf), None, "has no pages"))
        if count > MAX_PAGES:
            raise InputError(Problem(str(pdf), None, f"has more than {MAX_PAGES} pages"))
        dest_dir.mkdir(parents=True, exist_ok=True)
        digits = max(2, len(str(count)))
        written: list[Path] = []
        for index in range(count):
            task.report(index, count, f"slide {index + 1} of {count}")
            page = document[index]
            try:
                scale = width / max(page.get_width(), 1.0)
                image = page.render(scale=scale).to_pil().convert("RGB")
            except pdfium.PdfiumError as exc:
                raise InputError(Problem(str(pdf), None, f"page {index + 1} cannot be drawn "
                                         f"({exc})")) from None
            finally:
                page.close()
            target = dest_dir / f"{index + 1:0{digits}d}.webp"
            save_slide(image, target)
            written.append(target)
        return written
    finally:
        document.close()


def save_slide(image: Image.Image, target: Path) -> None:
    from PIL import Image

    if image.getcolors(FLAT_COLOURS) is not None:
        flat = image.quantize(PALETTE_COLOURS, method=Image.Quantize.MEDIANCUT)
        # method 4: the same bytes as method 6 on slides, in 0.04 s rather than 2-4 s a slide
        flat.save(target, "WEBP", lossless=True, quality=100, method=4)
    else:
        image.save(target, "WEBP", quality=WEBP_QUALITY, method=6)


_LINE = re.compile(r"^\s*(\S+)(?:\s+(\d+))?\s*(?:#.*)?$")


def read_slide_times(path: Path, pages: int, duration: float) -> list[tuple[float, int]]:
    """A slide-times file: one line 'MM:SS [PAGE]' a slide change (PAGE defaults to the next
    page), '#' starts a comment. Returns (seconds, 0-based page) in time order."""
    from stepcampus.textfile import read_text

    source = str(path)
    changes: list[tuple[float, int]] = []
    page = 0
    text = read_text(path).removeprefix("\ufeff")  # Notepad's byte-order mark
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _LINE.match(line)
        at = parse_clock(match.group(1)) if match else None
        if match is None or at is None:
            raise InputError(Problem(source, number, f"cannot read {line.strip()!r}",
                                     "write one slide change a line: 'MM:SS' or 'MM:SS PAGE'"))
        page = int(match.group(2)) - 1 if match.group(2) else (page + 1 if changes else 0)
        if not 0 <= page < pages:
            raise InputError(Problem(source, number, f"page {page + 1} is not in the slides "
                                     f"(they have {pages})"))
        if at > duration + 1:
            raise InputError(Problem(source, number, f"{clock(at)} is after the end of the "
                                     f"recording ({clock(duration)})"))
        if changes and at <= changes[-1][0]:
            raise InputError(Problem(source, number, "slide changes must be in time order"))
        changes.append((at, page))
    if not changes:
        raise InputError(Problem(source, None, "lists no slide change"))
    return changes


def times_from_chapters(chapters: list[Cue], pages: int, source: str) -> list[tuple[float, int]]:
    """Without a slide-times file: one slide a chapter, when there are as many of each."""
    if len(chapters) != pages:
        raise InputError(Problem(source, None, f"cannot tell when each of the {pages} slides "
                                 f"appears ({len(chapters)} chapters)",
                                 "give --slide-times FILE with one 'MM:SS PAGE' line a change"))
    return [(cue.start, index) for index, cue in enumerate(chapters)]
