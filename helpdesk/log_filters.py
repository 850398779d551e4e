"""Logging filters: secret links (survey tokens, sign-in links) never reach a log, access logs included."""

from __future__ import annotations

import logging
import re

# A path segment after one of these prefixes is a key: /survey/<token>/, /portal/sign-in/<token>/…
SECRET_PATH = re.compile(r"(/(?:survey|portal/sign-in|portal/login|portal/link)/)[^/\s?\"']+")
SECRET_QUERY = re.compile(r"([?&](?:token|key|signature)=)[^&\s\"']+", re.I)


def redact(text: str) -> str:
    return SECRET_QUERY.sub(r"\1[redacted]", SECRET_PATH.sub(r"\1[redacted]", text))


class RedactSecrets(logging.Filter):
    """Rewrites the record's message (with its arguments) so no secret link is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a record that cannot format is left to the handler
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
