"""Verifying a certificate from its file alone: altered data, other codes, other issuers."""

from __future__ import annotations

import base64
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from stepcampus.campus import SAMPLE_COURSE, Campus
from stepcampus.certificates import (
    CertificateInvalid,
    IssuedCertificate,
    Payload,
    code_of,
    issue_certificate,
    normalise_code,
    verify_certificate_file,
)
from stepcampus.certificates.fonts import find_font, to_latin1
from stepcampus.certificates.pdf import MARKER, read_embedded, render_pdf
from stepcampus.coursepack.keys import read_public_key
from stepcampus.errors import InputError
from tests.certificates.conftest import Learner


@pytest.fixture
def issued(sample: Campus, graduate: Learner) -> IssuedCertificate:
    return issue_certificate(sample, graduate.id, SAMPLE_COURSE)


def rewrite_keywords(source: Path, target: Path, payload: bytes, signature: bytes,
                     code: str) -> None:
    """Put other embedded data into a copy of a certificate, as someone editing it would."""
    data = source.read_bytes()
    start = data.index(b"/Keywords (") + len(b"/Keywords (")
    end = data.index(b")", start)
    fields = f"{MARKER} {base64.b64encode(payload).decode()} " \
             f"{base64.b64encode(signature).decode()} {code}"
    target.write_bytes(data[:start] + fields.encode() + data[end:])


def test_an_altered_payload_fails(issued: IssuedCertificate, sample: Campus,
                                  tmp_path: Path) -> None:
    raw, signature, code = read_embedded(issued.path)
    data = json.loads(raw)
    data["score_percent"] = 100
    forged = (json.dumps(data, sort_keys=True, indent=1, ensure_ascii=False) + "\n").encode()
    target = tmp_path / "forged.pdf"
    rewrite_keywords(issued.path, target, forged, signature, code)

    with pytest.raises(CertificateInvalid, match="altered") as error:
        verify_certificate_file(target, sample.trust)
    assert str(target) in str(error.value)


def test_a_code_that_does_not_follow_the_signature_fails(issued: IssuedCertificate,
                                                         sample: Campus,
                                                         tmp_path: Path) -> None:
    raw, signature, _ = read_embedded(issued.path)
    target = tmp_path / "other-code.pdf"
    rewrite_keywords(issued.path, target, raw, signature, "AAAA-BBBB-CCCC-DDDD")

    with pytest.raises(CertificateInvalid, match="code"):
        verify_certificate_file(target, sample.trust)


def test_an_untrusted_issuer_is_named(issued: IssuedCertificate, tmp_path: Path) -> None:
    elsewhere = Campus(tmp_path / "elsewhere")
    with pytest.raises(CertificateInvalid, match="does not trust") as error:
        verify_certificate_file(issued.path, elsewhere.trust)
    assert issued.issuer_key_id in str(error.value)

    # Once the issuing desktop's public key is trusted there, it checks.
    elsewhere.trust.trust(read_public_key(Path(str(issued_key_path(issued)) + ".pub")))
    assert verify_certificate_file(issued.path, elsewhere.trust).code == issued.code


def issued_key_path(issued: IssuedCertificate) -> Path:
    # the certificates folder sits in the data folder beside the desktop's key
    return issued.path.parent.parent / "publisher" / "default.key"


@pytest.mark.parametrize("content", [b"", b"hello", b"%PDF-1.4\n%%EOF\n"])
def test_files_that_are_not_certificates_are_input_errors(sample: Campus, tmp_path: Path,
                                                          content: bytes) -> None:
    path = tmp_path / "not-a-certificate.pdf"
    path.write_bytes(content)
    with pytest.raises(InputError) as error:
        verify_certificate_file(path, sample.trust)
    assert str(path) in str(error.value)


def test_a_missing_file_is_an_input_error(sample: Campus, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        verify_certificate_file(tmp_path / "nope.pdf", sample.trust)


def test_the_code_is_derived_from_the_signature_and_typed_codes_compare() -> None:
    code = code_of(b"\x01" * 64)
    assert code == code_of(b"\x01" * 64) != code_of(b"\x02" * 64)
    assert len(code) == 19 and code.count("-") == 3
    typed = code.lower().replace("-", " ").replace("O", "0").replace("o", "0")
    assert normalise_code(typed) == code


def test_without_a_unicode_font_names_fall_back_to_latin1_but_stay_exact_in_the_data(
        sample: Campus, tmp_path: Path) -> None:
    payload = Payload(learner="Łukasz Nguyễn 李", course_id="c", course_title="Título",
                      course_version="1.0.0", completed_on=date(2026, 3, 5),
                      score_percent=None, issuer_key_id="0123456789abcdef")
    pdf = render_pdf(payload, b"\x00" * 64, code_of(b"\x00" * 64), "fr",
                     datetime(2026, 3, 5, tzinfo=UTC), find_system_font=False)
    path = tmp_path / "latin1.pdf"
    path.write_bytes(pdf)
    raw, _, _ = read_embedded(path)
    assert Payload.from_bytes(raw, str(path)) == payload
    assert b"/Helvetica" in pdf
    assert to_latin1("Łukasz Núñez Nguyễn 李") == "Lukasz Núñez Nguyen ?"


def test_a_unicode_font_is_found_and_embedded(issued: IssuedCertificate) -> None:
    font = find_font()
    if font is None:
        pytest.skip("no Unicode TrueType font on this machine (the installer adds DejaVu)")
    assert font.regular.stem.encode() in issued.path.read_bytes()
    assert find_font([issued.path.parent]) is None
