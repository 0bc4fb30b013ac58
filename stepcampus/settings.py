"""The desktop's preferences, kept as JSON in the data folder.

Per profile (interface language, text size, high contrast), because colleagues share one
desktop; plus what belongs to the desktop itself (the last profile used, catalogs). Written
atomically, so a crash mid-save never leaves a half-written file.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from stepcampus.errors import InputError, Problem
from stepcampus.textfile import write_atomic

LANGUAGES = ("en", "fr", "es")
TEXT_SIZES = range(9, 21)  # points; 11 is the default body size
DEFAULT_TEXT_SIZE = 11
FILE_NAME = "settings.json"
DOWNLOAD_WHEN = ("always", "later", "network")


@dataclass
class Preferences:
    language: str = "en"
    text_size: int = DEFAULT_TEXT_SIZE
    high_contrast: bool = False

    def checked(self) -> Preferences:
        """A copy with anything out of range put back to its default."""
        return Preferences(
            language=self.language if self.language in LANGUAGES else "en",
            text_size=self.text_size if self.text_size in TEXT_SIZES else DEFAULT_TEXT_SIZE,
            high_contrast=bool(self.high_contrast),
        )


@dataclass
class Settings:
    last_profile: str | None = None
    # What the profile picker shows in, before anyone has chosen a profile.
    language: str = "en"
    catalogs: list[str] = field(default_factory=list)
    profiles: dict[str, Preferences] = field(default_factory=dict)
    # Where each profile was when the app closed (page, course, module), to land there again.
    places: dict[str, dict[str, str]] = field(default_factory=dict)
    # Downloads of courses and updates: "always", "later" (only when asked) or "network"
    # (only on the network named by download_network); and a cap in KiB/s, 0 for none.
    download_when: str = "always"
    download_network: str | None = None
    download_cap_kib: int = 0

    def preferences(self, profile_id: str | None) -> Preferences:
        if profile_id is None:
            return Preferences(language=self.language)
        return self.profiles.get(profile_id) or Preferences(language=self.language)

    def set_preferences(self, profile_id: str | None, prefs: Preferences) -> None:
        prefs = prefs.checked()
        self.language = prefs.language
        if profile_id is not None:
            self.profiles[profile_id] = prefs


def load_settings(data_dir: Path) -> Settings:
    """The saved settings; defaults when there are none. InputError names a broken file."""
    path = data_dir / FILE_NAME
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    try:
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        return _from_json(data)
    except (ValueError, TypeError) as exc:
        raise InputError(Problem(str(path), None, f"the settings file is damaged: {exc}",
                                 "delete it to start again with the default settings")) from None


def save_settings(data_dir: Path, settings: Settings) -> None:
    payload = json.dumps(asdict(settings), ensure_ascii=False, indent=1, sort_keys=True)
    write_atomic(data_dir / FILE_NAME, payload.encode("utf-8"))


def _from_json(data: dict[str, Any]) -> Settings:
    known = {f.name for f in fields(Preferences)}
    profiles = {
        str(pid): Preferences(**{k: v for k, v in prefs.items() if k in known}).checked()
        for pid, prefs in dict(data.get("profiles") or {}).items()
    }
    language = data.get("language", "en")
    last = data.get("last_profile")
    when, network, cap = (data.get("download_when"), data.get("download_network"),
                          data.get("download_cap_kib"))
    return Settings(
        last_profile=str(last) if last else None,
        language=language if language in LANGUAGES else "en",
        catalogs=[str(c) for c in data.get("catalogs") or []],
        profiles=profiles,
        places={str(k): {str(a): str(b) for a, b in dict(v).items()}
                for k, v in dict(data.get("places") or {}).items()},
        download_when=when if when in DOWNLOAD_WHEN else "always",
        download_network=str(network) if network else None,
        download_cap_kib=cap if isinstance(cap, int) and cap >= 0 else 0,
    )
