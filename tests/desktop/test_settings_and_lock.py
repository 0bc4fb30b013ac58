"""Preferences per profile, saved atomically; a damaged file is named; one app per folder."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from stepcampus.errors import InputError
from stepcampus.instance import AlreadyRunning, InstanceLock
from stepcampus.settings import Preferences, Settings, load_settings, save_settings


def test_preferences_are_kept_per_profile(tmp_path: Path) -> None:
    settings = Settings()
    settings.set_preferences("ana", Preferences("fr", 14, True))
    settings.set_preferences("ben", Preferences("es", 10, False))
    settings.last_profile = "ana"
    save_settings(tmp_path, settings)
    again = load_settings(tmp_path)
    assert again.preferences("ana") == Preferences("fr", 14, True)
    assert again.preferences("ben") == Preferences("es", 10, False)
    assert again.last_profile == "ana"
    assert again.preferences("new").language == "es"  # the picker's last language
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]  # no temporary file left


def test_out_of_range_values_fall_back_to_defaults(tmp_path: Path) -> None:
    (tmp_path / "settings.json").write_text(json.dumps(
        {"profiles": {"a": {"language": "xx", "text_size": 99, "unknown": 1}}}))
    assert load_settings(tmp_path).preferences("a") == Preferences()


def test_a_damaged_settings_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "settings.json").write_text("{not json")
    with pytest.raises(InputError) as caught:
        load_settings(tmp_path)
    assert "settings.json" in str(caught.value) and "damaged" in str(caught.value)


def test_a_second_lock_on_the_same_folder_is_refused_even_from_another_process(
        tmp_path: Path) -> None:
    with InstanceLock(tmp_path):
        with pytest.raises(AlreadyRunning) as caught:
            InstanceLock(tmp_path).acquire()
        assert str(tmp_path) in str(caught.value)
        other = subprocess.run(
            [sys.executable, "-c",
             "import sys; from pathlib import Path; from stepcampus.instance import *\n"
             "try:\n InstanceLock(Path(sys.argv[1])).acquire()\n"
             "except AlreadyRunning: sys.exit(3)", str(tmp_path)], check=False)
        assert other.returncode == 3
    InstanceLock(tmp_path).acquire()  # released when the first app ends
