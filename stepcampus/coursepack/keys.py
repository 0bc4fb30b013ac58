"""Publisher keys (Ed25519): make them, read them, and the trust store that decides who may
sign the courses a learner installs."""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from stepcampus.errors import InputError, Problem

KEY_TYPE = "stepcampus-ed25519"
_SCOPE = re.compile(r"^courses=([a-z0-9,-]+)$")


@dataclass(frozen=True)
class PublicKey:
    """A publisher's public key; `courses` limits which course ids it may sign (None: any)."""

    raw: bytes
    name: str = ""
    courses: frozenset[str] | None = None

    @property
    def key_id(self) -> str:
        return key_id_of(self.raw)

    @property
    def b64(self) -> str:
        return base64.b64encode(self.raw).decode("ascii")

    def may_sign(self, course_id: str) -> bool:
        return self.courses is None or course_id in self.courses

    def verify(self, signature: bytes, data: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.raw).verify(signature, data)
        except InvalidSignature:
            return False
        return True

    def to_text(self) -> str:
        fields = [KEY_TYPE, self.b64, self.name or self.key_id]
        if self.courses is not None:
            fields.append("courses=" + ",".join(sorted(self.courses)))
        return " ".join(fields) + "\n"


def key_id_of(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()[:16]


def parse_public_key(text: str, source: str) -> PublicKey:
    """Read `stepcampus-ed25519 BASE64 [NAME] [courses=a,b]` (one line)."""
    fields = text.strip().split()
    if len(fields) < 2 or fields[0] != KEY_TYPE:
        raise InputError(Problem(source, 1, "not a STEP Campus public key",
                                 f"expected a line starting with '{KEY_TYPE}'"))
    try:
        raw = base64.b64decode(fields[1], validate=True)
    except binascii.Error:
        raw = b""
    if len(raw) != 32:
        raise InputError(Problem(source, 1, "the public key is not 32 bytes of base64",
                                 "copy the .pub file again without changes"))
    name, courses = "", None
    for extra in fields[2:]:
        scope = _SCOPE.match(extra)
        if scope:
            courses = frozenset(scope.group(1).split(","))
        elif not name:
            name = extra
    return PublicKey(raw=raw, name=name, courses=courses)


def read_public_key(path: Path) -> PublicKey:
    try:
        return parse_public_key(path.read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(Problem(str(path), None, f"cannot read the public key: {exc}")) from None


def load_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except OSError as exc:
        raise InputError(Problem(str(path), None, f"cannot read the key: {exc.strerror}",
                                 "make one with 'stepcampus keygen -o FILE'")) from None
    except (ValueError, TypeError):
        raise InputError(Problem(str(path), 1, "not an unencrypted PEM private key",
                                 "make one with 'stepcampus keygen -o FILE'")) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InputError(Problem(str(path), 1, "not an Ed25519 key",
                                 "make one with 'stepcampus keygen -o FILE'"))
    return key


def public_key_of(private: Ed25519PrivateKey, name: str = "") -> PublicKey:
    raw = private.public_key().public_bytes(serialization.Encoding.Raw,
                                            serialization.PublicFormat.Raw)
    return PublicKey(raw=raw, name=name)


def generate_key(path: Path, name: str = "") -> PublicKey:
    """Write a new private key to `path` (owner-only) and its public key to `path.pub`."""
    path = Path(path)
    if path.exists():
        raise InputError(Problem(str(path), None, "a file of that name exists already",
                                 "choose another name; keys are never overwritten"))
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    public = public_key_of(private, name or path.stem)
    Path(str(path) + ".pub").write_text(public.to_text(), encoding="utf-8")
    return public


class TrustStore:
    """Trusted publisher keys: those shipped with the suite plus those the user trusted."""

    def __init__(self, folder: Path, shipped: Path | None = None) -> None:
        self.folder = Path(folder)
        self.shipped = shipped

    def keys(self) -> dict[str, PublicKey]:
        found: dict[str, PublicKey] = {}
        for folder in (self.shipped, self.folder):
            if folder is None or not folder.is_dir():
                continue
            for path in sorted(folder.glob("*.pub")):
                key = read_public_key(path)
                found[key.key_id] = key
        return found

    def get(self, key_id: str) -> PublicKey | None:
        return self.keys().get(key_id)

    def trust(self, key: PublicKey) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"{key.key_id}.pub"
        tmp = target.with_suffix(".tmp")
        tmp.write_text(key.to_text(), encoding="utf-8")
        os.replace(tmp, target)
        return target


def signature_text(private: Ed25519PrivateKey, data: bytes) -> bytes:
    """The content of a `manifest.sig` file: the base64 signature and a newline."""
    return base64.b64encode(private.sign(data)) + b"\n"


def decode_signature(text: bytes, source: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except binascii.Error:
        raw = b""
    if len(raw) != 64:
        raise InputError(Problem(source, None, "the signature is malformed",
                                 "the package was damaged or altered: get it again"))
    return raw
