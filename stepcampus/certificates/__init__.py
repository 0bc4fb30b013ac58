"""Course completion certificates: a signed PDF a learner gets for a course they finished.

- `issue_certificate` checks the course is complete, signs the payload with this desktop's
  Ed25519 key, draws the PDF and keeps it (with a JSON record) in `DATA_DIR/certificates/`.
- `verify_certificate_file` checks a certificate PDF on its own: the signed data is embedded in
  it (see `pdf`), the issuer must be a trusted key, and the code must follow the signature.
- The verification code and payload format are described in `model`; the fonts in `fonts`.

The PDF library loads only when a certificate is drawn, so importing this stays cheap.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from stepcampus.certificates.issue import (
    CertificateStatus,
    IssuedCertificate,
    certificate_status,
    certificates_dir,
    find_certificate,
    issue_certificate,
    list_certificates,
    status_of,
)
from stepcampus.certificates.model import (
    CertificateInvalid,
    Payload,
    VerifiedCertificate,
    code_of,
    normalise_code,
)

if TYPE_CHECKING:
    from stepcampus.coursepack.keys import TrustStore

__all__ = [
    "CertificateInvalid",
    "CertificateStatus",
    "IssuedCertificate",
    "Payload",
    "VerifiedCertificate",
    "certificate_status",
    "certificates_dir",
    "code_of",
    "find_certificate",
    "issue_certificate",
    "list_certificates",
    "normalise_code",
    "status_of",
    "verify_certificate_file",
]


def verify_certificate_file(path: Path, trust: TrustStore) -> VerifiedCertificate:
    """Check a certificate PDF with the keys this computer trusts.

    InputError (naming the file) when it is unreadable or not a certificate; CertificateInvalid
    when it is one but altered, its code does not match, or its issuer is not trusted.
    """
    from stepcampus.certificates.model import verify_signed
    from stepcampus.certificates.pdf import read_embedded

    raw, signature, code = read_embedded(Path(path))
    return verify_signed(raw, signature, code, trust, str(path))
