"""Sending the sign-in code: the one place the portal talks to an SMS gateway.

Once the notifications app is installed (`chamber.notify`, issue 15), the code goes
through its gateway (`chamber.notify.channels.sms_gateway()`: console or HTTP, per
CHAMBER_SMS). Until then a console backend prints the message to the server's terminal
with the mobile masked (the demo's sign-in page says so). Console sends are also kept
in memory (OUTBOX, the last 50) for tests. PORTAL_SMS_BACKEND = "none" sends nothing."""

from __future__ import annotations

import collections
import sys

from django.conf import settings
from django.utils.translation import gettext as _

from chamber.core.validators import mask

# (mobile, text) of the last messages sent through a console backend (tests read it).
OUTBOX: collections.deque[tuple[str, str]] = collections.deque(maxlen=50)


def code_text(code: str) -> str:
    return _("Your sign-in code for the members' portal is %(code)s, valid for 5 minutes.") % {
        "code": code
    }


def _gateway():
    try:
        from chamber.notify.channels import sms_gateway
    except ImportError:
        return None
    return sms_gateway()


def send_code(mobile: str, code: str) -> None:
    if getattr(settings, "PORTAL_SMS_BACKEND", "console") == "none":
        return
    text = code_text(code)
    gateway = _gateway()
    if gateway is None or type(gateway).__name__.startswith("Console"):
        OUTBOX.append((mobile, text))
    if gateway is not None:
        gateway.send(mobile, "portal_sign_in_code", {"code": code}, text)
        return
    print(f"[SMS to {mask(mobile)}] {text}", file=sys.stdout, flush=True)
