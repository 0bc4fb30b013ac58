"""The core never imports Qt or the UI: every feature stays testable headless."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent / "stepcampus"


def test_core_sources_do_not_import_qt_or_ui() -> None:
    offenders = []
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [f"{path.relative_to(CORE)}: {n}" for n in names
                          if n.split(".")[0] in ("PySide6", "ui", "shiboken6")]
    assert offenders == []


def test_running_the_cli_loads_no_qt(tmp_path: Path) -> None:
    code = ("import sys; from stepcampus.cli import main; main(['--data-dir', sys.argv[1], "
            "'list']); print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('PySide6', 'shiboken6')))")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True,
                         text=True, check=True).stdout
    assert out.strip().endswith("[]")
