"""Sending the sign-in code: the one place the portal talks to an SMS gateway.

Until the notifications app's gateway (`chamber.notify.channels.sms_gateway()`) is on
main, the console backend prints the message to the server's terminal (the demo's
sign-in page says so) with the mobile masked, and keeps the last messages in memory
for tests. PORTAL_SMS_BACKEND = "console" (default) or "none" (send nothing)."""

from __future__ import annotations

import collections
import sys

from django.conf import settings
from django.utils.translation import gettext as _

from chamber.core.validators import mask

# (mobile, text) of the last messages the console backend "sent" (tests read it).
OUTBOX: collections.deque[tuple[str, str]] = collections.deque(maxlen=50)


def code_text(code: str) -> str:
    return _("Your sign-in code for the members' portal is %(code)s, valid for 5 minutes.") % {
        "code": code
    }


def send_code(mobile: str, code: str) -> None:
    text = code_text(code)
    backend = getattr(settings, "PORTAL_SMS_BACKEND", "console")
    if backend == "none":
        return
    OUTBOX.append((mobile, text))
    print(f"[SMS to {mask(mobile)}] {text}", file=sys.stdout, flush=True)
