"""`stepcampus certificate`: verify's exit codes (0 valid, 1 does not check, 2 unreadable)."""

from __future__ import annotations

from pathlib import Path

import pytest

from stepcampus.campus import SAMPLE_COURSE, Campus
from stepcampus.certificates import list_certificates
from stepcampus.cli import main
from tests.certificates.conftest import Learner


def run(capsys: pytest.CaptureFixture[str], campus: Campus, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(campus.data_dir), "certificate", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_issue_then_verify(capsys: pytest.CaptureFixture[str], sample: Campus,
                           graduate: Learner) -> None:
    code, out, _ = run(capsys, sample, "issue", "--profile", "ana núñez", SAMPLE_COURSE,
                       "--language", "fr")
    assert code == 0
    path = Path(out.strip())
    assert path.exists()
    [cert] = list_certificates(sample.data_dir)
    assert cert.path == path and cert.language == "fr"

    code, out, _ = run(capsys, sample, "verify", str(path))
    assert code == 0
    assert "learner: Ana Núñez" in out
    assert "course:  Une protection sociale inclusive (inclusive-social-protection)" in out
    assert "version: 1.0.0" in out
    assert "score:   85 %" in out
    assert f"code:    {cert.code}" in out
    assert f"valid: signed by {cert.issuer_key_id}" in out

    code, out, _ = run(capsys, sample, "list")
    assert code == 0 and cert.code in out


def test_verify_exit_codes(capsys: pytest.CaptureFixture[str], sample: Campus,
                           graduate: Learner, tmp_path: Path) -> None:
    _, out, _ = run(capsys, sample, "issue", "--profile", graduate.name, SAMPLE_COURSE)
    path = Path(out.strip())

    # another data folder does not trust this desktop's key: readable but does not check
    elsewhere = Campus(tmp_path / "elsewhere")
    code, out, err = run(capsys, elsewhere, "verify", str(path))
    assert code == 1 and out == "" and "does not trust" in err

    # one letter of the signature changed
    data = path.read_bytes()
    prefix = b"/Keywords (stepcampus-certificate/1 "
    payload_at = data.index(prefix) + len(prefix)
    at = data.index(b" ", payload_at) + 1 + 5  # within the signature
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(data[:at] + (b"B" if data[at:at + 1] != b"B" else b"C") + data[at + 1:])
    code, out, err = run(capsys, sample, "verify", str(forged))
    assert code == 1 and out == "" and str(forged) in err and "altered" in err

    text = tmp_path / "notes.pdf"
    text.write_text("not a pdf", encoding="utf-8")
    code, _, err = run(capsys, sample, "verify", str(text))
    assert code == 2 and "not a PDF" in err

    code, _, err = run(capsys, sample, "verify", str(tmp_path / "missing.pdf"))
    assert code == 2 and "missing.pdf" in err


def test_issue_for_an_unfinished_course_or_unknown_profile_fails(
        capsys: pytest.CaptureFixture[str], sample: Campus) -> None:
    from stepcampus.progress.activity import create_profile

    create_profile(sample.sessions, "Kofi")
    code, out, err = run(capsys, sample, "issue", "--profile", "Kofi", SAMPLE_COURSE)
    assert code == 2 and out == "" and "not complete" in err

    code, _, err = run(capsys, sample, "issue", "--profile", "Nobody", SAMPLE_COURSE)
    assert code == 2 and "no learner profile named 'Nobody'" in err
