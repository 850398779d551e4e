"""Secrets in outbound e-mail (survey tokens, sign-in links): kept out of the stored rows.

`seal` swaps each secret in the subject, bodies and headers for a placeholder and returns the
secrets encrypted (Fernet, key derived from SECRET_KEY); `unseal` puts them back at send time.
Staff who can read OutboundEmail rows (admin, panels, a database dump) never see a working link.
"""

from __future__ import annotations

import base64
import hashlib
import json

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

PLACEHOLDER = "[secret-{n}]"


def _fernet() -> Fernet:
    key = hashlib.sha256(f"latitude.mailroom.secrets:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def redact(text: str, secrets: list[str]) -> str:
    for n, secret in enumerate(secrets):
        text = text.replace(secret, PLACEHOLDER.format(n=n))
    return text


def seal(secrets: list[str]) -> str:
    secrets = [s for s in secrets if s]
    return _fernet().encrypt(json.dumps(secrets).encode()).decode() if secrets else ""


def unseal_text(text: str, sealed: str) -> str:
    """`text` with its placeholders replaced by the secrets (unchanged when nothing was sealed)."""
    if not sealed:
        return text
    try:
        secrets = json.loads(_fernet().decrypt(sealed.encode()))
    except (InvalidToken, ValueError):
        return text  # SECRET_KEY changed: the placeholder goes out, the link is dead, nothing leaks
    for n, secret in enumerate(secrets):
        text = text.replace(PLACEHOLDER.format(n=n), secret)
    return text
