"""The channels a message leaves by. Each `send_*` returns the provider's answer (text
for the delivery log) or raises `SendError` with it.

- e-mail: Django's mail (SMTP in production, `EMAIL_*` settings from the environment),
  a text and an HTML part;
- SMS: a gateway interface; `console` prints (development), `http` speaks the protocol
  of the Chinese cloud SMS services (Alibaba Cloud's SendSms shape: parameters sorted
  and signed with HMAC-SHA1 over the canonical query, a registered sign name, a
  template code and its JSON parameters, one result per message);
- WeCom group robot: POST of the robot message JSON (`text` or `markdown`).
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import logging
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils.html import escape, linebreaks

log = logging.getLogger("chamber.notify")
TIMEOUT = 10


class SendError(Exception):
    """The provider refused or could not be reached; `answer` goes into the log."""

    def __init__(self, answer: str, *, permanent: bool = False):
        super().__init__(answer)
        self.answer = answer
        self.permanent = permanent


# --- e-mail ---------------------------------------------------------------------------


def send_email(
    to: str, subject: str, body: str, *, attachment: str = "", connection: Any = None
) -> str:
    html = f"<!doctype html><html><body>{linebreaks(escape(body))}</body></html>"
    message = EmailMultiAlternatives(
        subject=subject, body=body, to=[to], connection=connection or get_connection()
    )
    message.attach_alternative(html, "text/html")
    if attachment:
        path = Path(settings.MEDIA_ROOT) / attachment
        message.attach(
            path.name,
            path.read_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
    try:
        sent = message.send()
    except Exception as e:  # SMTP errors, refused connections
        raise SendError(f"{e.__class__.__name__}: {e}") from e
    return f"accepted by {sent} server(s)"


# --- SMS ------------------------------------------------------------------------------


def _pct(value: str) -> str:
    """The cloud SMS APIs' percent-encoding (RFC 3986: ~ unreserved, space as %20)."""
    return urllib.parse.quote(value, safe="~")


def sign_sms(params: dict[str, str], secret: str, method: str = "POST") -> str:
    """HMAC-SHA1 over `METHOD&%2F&<encoded sorted query>` with key `secret&`."""
    canonical = "&".join(f"{_pct(k)}={_pct(v)}" for k, v in sorted(params.items()))
    to_sign = f"{method}&{_pct('/')}&{_pct(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class ConsoleSms:
    """Development: print the message instead of sending it."""

    def send(self, phone: str, template: str, params: dict[str, Any], text: str) -> str:
        sys.stdout.write(f"[SMS to {phone}] {template} {json.dumps(params, ensure_ascii=False)}\n")
        sys.stdout.write(f"  {text}\n")
        return "printed to the console"


class HttpSms:
    """A cloud SMS gateway. Configured by CHAMBER_SMS_URL, CHAMBER_SMS_KEY_ID,
    CHAMBER_SMS_SECRET, CHAMBER_SMS_SIGN_NAME (the registered 签名)."""

    def __init__(self) -> None:
        self.url = settings.CHAMBER_SMS["URL"]
        self.key_id = settings.CHAMBER_SMS["KEY_ID"]
        self.secret = settings.CHAMBER_SMS["SECRET"]
        self.sign_name = settings.CHAMBER_SMS["SIGN_NAME"]

    def send(self, phone: str, template: str, params: dict[str, Any], text: str) -> str:
        query = {
            "AccessKeyId": self.key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": phone,
            "RegionId": "cn-hangzhou",
            "SignName": self.sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "TemplateCode": template,
            "TemplateParam": json.dumps(params, ensure_ascii=False, separators=(",", ":")),
            "Timestamp": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
        }
        query["Signature"] = sign_sms(query, self.secret)
        data = urllib.parse.urlencode(query).encode()
        answer = _post(self.url, data, "application/x-www-form-urlencoded")
        try:
            result = json.loads(answer)
        except ValueError as e:
            raise SendError(answer[:500]) from e
        if result.get("Code") != "OK":
            # isv.* codes (bad number, template, sign name) will not get better by retrying
            raise SendError(answer[:500], permanent=str(result.get("Code", "")).startswith("isv."))
        return answer[:500]


def sms_gateway() -> ConsoleSms | HttpSms:
    return HttpSms() if settings.CHAMBER_SMS["BACKEND"] == "http" else ConsoleSms()


# --- WeCom group robot ------------------------------------------------------------------


def wecom_message(text: str, *, markdown: bool = True, mobiles: list[str] | None = None) -> dict:
    """The robot's message JSON. Markdown messages are capped at 4096 bytes, text at 2048."""
    if markdown:
        return {"msgtype": "markdown", "markdown": {"content": _cap(text, 4096)}}
    body: dict[str, Any] = {"content": _cap(text, 2048)}
    if mobiles:
        body["mentioned_mobile_list"] = mobiles
    return {"msgtype": "text", "text": body}


def _cap(text: str, limit: int) -> str:
    raw = text.encode()
    return text if len(raw) <= limit else raw[: limit - 3].decode(errors="ignore") + "…"


def send_wecom(url: str, message: dict) -> str:
    answer = _post(url, json.dumps(message, ensure_ascii=False).encode(), "application/json")
    try:
        result = json.loads(answer)
    except ValueError as e:
        raise SendError(answer[:500]) from e
    if result.get("errcode") != 0:
        # 93000: invalid webhook key; 45009: rate limit (20 a minute): worth retrying
        raise SendError(answer[:500], permanent=result.get("errcode") == 93000)
    return answer[:500]


def _post(url: str, data: bytes, content_type: str) -> str:
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": f"{content_type}; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as e:
        body = e.read().decode("utf-8", errors="replace")[:400]
        raise SendError(f"HTTP {e.code}: {body}", permanent=400 <= e.code < 500) from e
    except (urllib.error.URLError, OSError) as e:
        raise SendError(f"{e.__class__.__name__}: {e}") from e
