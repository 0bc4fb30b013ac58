"""Every interface string has its French and Spanish translation, with the same placeholders;
switching the language re-labels the open window without losing the learner's place."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from ui import i18n

UI_DIR = Path(i18n.__file__).parent
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def interface_strings() -> dict[str, str]:
    """Every literal passed to tr() in ui/, with where it is (for the failure message)."""
    found: dict[str, str] = {}
    for path in sorted(UI_DIR.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "tr" and node.args):
                arg = node.args[0]
                assert isinstance(arg, ast.Constant) and isinstance(arg.value, str), (
                    f"{path.name}:{node.lineno}: tr() needs a literal string")
                found.setdefault(arg.value, f"{path.name}:{node.lineno}")
    return found


def test_the_interface_has_strings_to_translate() -> None:
    assert len(interface_strings()) > 100


@pytest.mark.parametrize("language", ["fr", "es"])
def test_every_string_is_translated_with_the_same_placeholders(language: str) -> None:
    catalog = json.loads((UI_DIR / "locales" / f"{language}.json").read_text(encoding="utf-8"))
    strings = interface_strings()
    missing = [f"{where}: {text!r}" for text, where in strings.items()
               if not catalog.get(text, "").strip()]
    assert not missing, f"{len(missing)} strings lack a {language} translation:\n" + "\n".join(
        missing[:40])
    for text in strings:
        assert sorted(PLACEHOLDER.findall(catalog[text])) == sorted(PLACEHOLDER.findall(text)), (
            f"{language}: placeholders differ for {text!r}")
    unused = sorted(set(catalog) - set(strings))
    assert not unused, f"{language}.json has strings no screen uses: {unused[:20]}"
