"""The signed part of a certificate: its payload, signature and verification code.

The payload is canonical JSON (sorted keys, UTF-8; the same helper that makes package
manifests), signed with the issuing desktop's Ed25519 key. Ed25519 signatures are
deterministic, so one payload always gives the same signature and the same code.

Verification code: the SHA-256 of the 64-byte signature, in base32 (RFC 4648, A-Z and 2-7),
first 16 characters, in four groups: `XXXX-XXXX-XXXX-XXXX` (80 bits). Base32 has no 0, 1, 8
or 9, so a code typed by hand is normalised before comparison: case and separators are
ignored and 0/1/8 are read as O/I/B.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from stepcampus.coursepack.keys import TrustStore, key_id_of
from stepcampus.coursepack.manifest import serialise
from stepcampus.errors import InputError, Problem, StepCampusError

FORMAT = "stepcampus-certificate"
FORMAT_VERSION = 1
CODE_LENGTH = 16
_CODE = re.compile(r"^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$")
_TYPED = str.maketrans({"0": "O", "1": "I", "8": "B"})
_FIELDS: dict[str, type | tuple[type, ...]] = {
    "format": str, "format_version": int, "learner": str, "course_id": str,
    "course_title": str, "course_version": str, "completed_on": str,
    "score_percent": (int, type(None)), "issuer_key_id": str,
}


class CertificateInvalid(StepCampusError):
    """A readable certificate whose signature, code or issuer does not check."""


@dataclass(frozen=True)
class Payload:
    """What a certificate states; its canonical JSON is what gets signed."""

    learner: str
    course_id: str
    course_title: str
    course_version: str
    completed_on: date
    score_percent: int | None  # None when the course has no quiz
    issuer_key_id: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT, "format_version": FORMAT_VERSION, "learner": self.learner,
            "course_id": self.course_id, "course_title": self.course_title,
            "course_version": self.course_version, "completed_on": self.completed_on.isoformat(),
            "score_percent": self.score_percent, "issuer_key_id": self.issuer_key_id,
        }

    def to_bytes(self) -> bytes:
        return serialise(self.to_dict())

    @classmethod
    def from_bytes(cls, raw: bytes, source: str) -> Payload:
        """Parse signed payload bytes; InputError if they are not a certificate's payload."""
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            data = None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise InputError(Problem(source, None, "the certificate data is not readable",
                                     "the file was damaged or is not a STEP Campus certificate"))
        if data.get("format_version") != FORMAT_VERSION:
            raise InputError(Problem(source, None,
                                     f"certificate format {data.get('format_version')!r} is "
                                     "not known here", "update STEP Campus to check it"))
        for name, kind in _FIELDS.items():
            value = data.get(name)
            if not isinstance(value, kind) or isinstance(value, bool):
                raise InputError(Problem(source, None, f"the certificate field {name!r} is "
                                         "missing or malformed", "the file was damaged"))
        try:
            completed = date.fromisoformat(data["completed_on"])
        except ValueError:
            raise InputError(Problem(source, None, "the completion date is malformed",
                                     "the file was damaged")) from None
        return cls(learner=data["learner"], course_id=data["course_id"],
                   course_title=data["course_title"], course_version=data["course_version"],
                   completed_on=completed, score_percent=data["score_percent"],
                   issuer_key_id=data["issuer_key_id"])


def code_of(signature: bytes) -> str:
    """The verification code printed on the certificate, derived from its signature."""
    digest = base64.b32encode(hashlib.sha256(signature).digest()).decode("ascii")
    head = digest[:CODE_LENGTH]
    return "-".join(head[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(typed: str) -> str:
    """A code as a person typed it, in the printed form (for comparing, not for validating)."""
    letters = re.sub(r"[\s\-_.]", "", typed).upper().translate(_TYPED)
    return "-".join(letters[i:i + 4] for i in range(0, len(letters), 4))


def is_code(text: str) -> bool:
    return bool(_CODE.match(text))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str, source: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise InputError(Problem(source, None, f"the {what} is not valid base64",
                                 "the file was damaged")) from None


@dataclass(frozen=True)
class VerifiedCertificate:
    """A certificate whose signature checked with a trusted key and whose code matches."""

    payload: Payload
    code: str
    issuer_key_id: str
    issuer_name: str
    source: str

    @property
    def learner(self) -> str:
        return self.payload.learner

    @property
    def course_title(self) -> str:
        return self.payload.course_title


def verify_signed(raw: bytes, signature: bytes, code: str, trust: TrustStore,
                  source: str) -> VerifiedCertificate:
    """Check signed payload bytes, their signature and the code printed with them.

    InputError when the data cannot be read; CertificateInvalid when it reads but does not
    check (altered, other code, or an issuer this computer does not trust).
    """
    payload = Payload.from_bytes(raw, source)
    if len(signature) != 64:
        raise CertificateInvalid(f"{source}: the signature is malformed: the certificate was "
                                 "damaged or altered")
    key = trust.get(payload.issuer_key_id)
    if key is None:
        raise CertificateInvalid(
            f"{source}: issued by key {payload.issuer_key_id}, which this computer does not "
            "trust (trust the issuer's public key with 'stepcampus trust FILE.pub' first)")
    if key_id_of(key.raw) != payload.issuer_key_id or not key.verify(signature, raw):
        raise CertificateInvalid(f"{source}: the signature does not match: the certificate "
                                 "was altered after it was issued")
    expected = code_of(signature)
    if normalise_code(code) != expected:
        raise CertificateInvalid(f"{source}: the verification code {code!r} does not match "
                                 f"the signature (expected {expected})")
    return VerifiedCertificate(payload=payload, code=expected,
                               issuer_key_id=payload.issuer_key_id,
                               issuer_name=key.name or key.key_id, source=source)
