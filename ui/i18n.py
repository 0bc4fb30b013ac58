"""Interface strings in English, French and Spanish, switchable while the app runs.

Strings are written in English in the code, wrapped in `tr()`; `locales/fr.json` and
`locales/es.json` map each one to its translation. A test reads every `tr("...")` in `ui/` and
fails if a catalog lacks one, so no screen shows a stray English string. Pages re-read their
strings in `retranslate()` when the language changes; nothing else is rebuilt, so the learner
keeps their place.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LOCALES_DIR = Path(__file__).parent / "locales"
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "es": "Español"}

_current = "en"


@cache
def catalog(language: str) -> dict[str, str]:
    if language == "en":
        return {}
    path = LOCALES_DIR / f"{language}.json"
    return dict(json.loads(path.read_text(encoding="utf-8")))


def set_language(language: str) -> None:
    global _current
    _current = language if language in LANGUAGE_NAMES else "en"


def language() -> str:
    return _current


def tr(text: str, **values: object) -> str:
    """The text in the current language, with {placeholders} filled from values."""
    translated = catalog(_current).get(text) or text
    return translated.format(**values) if values else translated
