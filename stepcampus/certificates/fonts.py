"""Finding a Unicode TrueType font to print learners' names with ("Ana Núñez", "Łukasz",
"Nguyễn").

The PDF's built-in fonts hold Latin-1 only, so a TTF with regular and bold faces is looked for
in the usual font folders of Linux, Windows and macOS: DejaVu Sans (the Linux installer adds it),
then Liberation Sans, Noto Sans, Arial. Only when none is found does the certificate fall back
to a built-in font, with every letter reduced to Latin-1 (accents kept where Latin-1 has them,
"Ł" printed as "L", letters of other scripts as "?"); the signed data keeps the exact name.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

# (regular, bold) file names, best first.
CANDIDATES: tuple[tuple[str, str], ...] = (
    ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
    ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    ("arial.ttf", "arialbd.ttf"),
    ("Arial.ttf", "Arial Bold.ttf"),
)

# Letters Latin-1 lacks and that do not decompose into a base letter plus an accent.
_LATIN_FOLD = str.maketrans({
    "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i", "Œ": "OE",
    "œ": "oe", "ŀ": "l", "Ŀ": "L", "ſ": "s", "Ŧ": "T", "ŧ": "t", "’": "'", "‘": "'",
    "“": '"', "”": '"', "–": "-", "—": "-", "…": "...",
})


@dataclass(frozen=True)
class FontFiles:
    regular: Path
    bold: Path


def font_folders() -> list[Path]:
    """The folders fonts are installed in on Linux, Windows and macOS."""
    home = Path.home()
    folders = [
        Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"),
        Path("/usr/share/fonts/dejavu-sans-fonts"), Path("/usr/share/fonts/TTF"),
        Path("/usr/share/fonts/truetype/liberation"),
        Path("/usr/share/fonts/truetype/liberation2"),
        Path("/usr/share/fonts/liberation-sans"), Path("/usr/share/fonts/truetype/noto"),
        Path("/usr/share/fonts/noto"), Path("/usr/share/fonts/google-noto"),
        Path("/usr/local/share/fonts"), home / ".local/share/fonts", home / ".fonts",
        Path("/Library/Fonts"), Path("/System/Library/Fonts/Supplemental"),
        Path("/System/Library/Fonts"), home / "Library/Fonts",
    ]
    windir = os.environ.get("WINDIR") or os.environ.get("SYSTEMROOT")
    if windir:
        folders.append(Path(windir) / "Fonts")
    local = os.environ.get("LOCALAPPDATA")
    if local:
        folders.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    return folders


def find_font(folders: Iterable[Path] | None = None,
              candidates: Sequence[tuple[str, str]] = CANDIDATES) -> FontFiles | None:
    """The best regular+bold pair found in folders (default: the system's), else None."""
    searched = [Path(f) for f in (font_folders() if folders is None else folders)]
    for regular, bold in candidates:
        for folder in searched:
            if (folder / regular).is_file() and (folder / bold).is_file():
                return FontFiles(folder / regular, folder / bold)
    return None


def to_latin1(text: str) -> str:
    """Text reduced to what a built-in PDF font can print (see the module docstring)."""
    out = []
    for char in unicodedata.normalize("NFC", text.translate(_LATIN_FOLD)):
        if ord(char) < 256:
            out.append(char)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", char)
                       if not unicodedata.combining(c))
        out.append(base if base and all(ord(c) < 256 for c in base) else "?")
    return "".join(out)
