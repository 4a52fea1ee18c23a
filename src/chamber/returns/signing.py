"""A return travels between deployments as a signed file: JSON holding the return
(`payload`) and an Ed25519 signature over its canonical form, made with the sender's
private key (setting CHAMBER_RETURN_SIGNING_KEY) and verified at the parent with the
sender's public key (CHAMBER_RETURN_TRUSTED_KEYS: a folder of `<org code>.pem`)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.utils.translation import gettext as _

from .models import Return

FORMAT = "chamber-return/1"


class SignatureError(Exception):
    """A file that cannot be trusted; the message says why, for the person importing."""


def canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def payload_of(ret: Return) -> dict[str, Any]:
    org = ret.organization
    return {
        "org": {"code": org.code, "name": org.name, "kind": org.kind},
        "parent": org.parent.code if org.parent_id else None,
        "year": ret.year,
        "version": ret.version,
        "status": ret.status,
        "reason": ret.reason,
        "computed_at": ret.computed_at.isoformat(),
        "submitted_at": ret.submitted_at.isoformat() if ret.submitted_at else None,
        "lines": [
            {
                "figure": li.figure,
                "computed": li.computed,
                "reported": li.reported,
                "reason": li.reason,
            }
            for li in ret.lines.all()
        ],
    }


def generate_key() -> tuple[bytes, bytes]:
    """A new key pair as PEM: (private, public)."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public


def _private_key() -> Ed25519PrivateKey:
    path = getattr(settings, "RETURN_SIGNING_KEY", "")
    if not path:
        raise SignatureError(
            _("No signing key: set CHAMBER_RETURN_SIGNING_KEY to the private key file.")
        )
    key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise SignatureError(_("The signing key is not an Ed25519 key."))
    return key


def sign(ret: Return) -> bytes:
    payload = payload_of(ret)
    signature = _private_key().sign(canonical(payload))
    doc = {"format": FORMAT, "payload": payload, "signature": base64.b64encode(signature).decode()}
    return json.dumps(doc, ensure_ascii=False, indent=1).encode()


def _public_key(code: str) -> Ed25519PublicKey:
    folder = getattr(settings, "RETURN_TRUSTED_KEYS", "")
    path = Path(folder) / f"{code}.pem" if folder else None
    if path is None or not path.is_file():
        raise SignatureError(
            _(
                "No public key for %(code)s: put its key in CHAMBER_RETURN_TRUSTED_KEYS as %(code)s.pem."
            )
            % {"code": code}
        )
    key = serialization.load_pem_public_key(path.read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        raise SignatureError(
            _("The public key of %(code)s is not an Ed25519 key.") % {"code": code}
        )
    return key


def verify(data: bytes) -> dict[str, Any]:
    """The payload of a signed return file, or SignatureError saying why not."""
    try:
        doc = json.loads(data)
        payload, signature = doc["payload"], base64.b64decode(doc["signature"], validate=True)
        code = payload["org"]["code"]
        if doc.get("format") != FORMAT:
            raise ValueError
    except (ValueError, KeyError, TypeError):
        raise SignatureError(_("This is not a Chamber return file.")) from None
    try:
        _public_key(code).verify(signature, canonical(payload))
    except InvalidSignature:
        raise SignatureError(
            _(
                "The signature does not match: the file was changed after %(code)s signed it, "
                "or another key signed it. Nothing was imported."
            )
            % {"code": code}
        ) from None
    return payload
