"""Local sinks for the real protocols: an SMTP server (aiosmtpd) and an HTTP server that
answers like a cloud SMS gateway and a WeCom group robot. Nothing leaves 127.0.0.1."""

from __future__ import annotations

import json
import socket
import threading
import urllib.parse
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from chamber.notify.channels import sign_sms

SMS_SECRET = "test-secret"


class _Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            (envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default))
        )
        return "250 OK"


@pytest.fixture
def smtp_sink(settings):
    box = _Mailbox()
    with socket.socket() as s:  # a free port (the controller checks it by connecting)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield box
    controller.stop()


class _Sink:
    def __init__(self):
        self.sms: list[dict] = []
        self.wecom: list[dict] = []
        self.fail_wecom = 0


def _handler(sink: _Sink):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if self.path.startswith("/sms"):
                params = dict(urllib.parse.parse_qsl(body.decode()))
                signature = params.pop("Signature")
                ok = signature == sign_sms(params, SMS_SECRET)
                sink.sms.append(params)
                answer = (
                    {
                        "Code": "OK",
                        "Message": "OK",
                        "BizId": f"biz{len(sink.sms)}",
                        "RequestId": "r",
                    }
                    if ok
                    else {"Code": "SignatureDoesNotMatch", "Message": "bad signature"}
                )
            else:
                message = json.loads(body)
                if sink.fail_wecom:
                    sink.fail_wecom -= 1
                    answer = {"errcode": 45009, "errmsg": "api freq out of limit"}
                else:
                    sink.wecom.append(message)
                    answer = {"errcode": 0, "errmsg": "ok"}
            data = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


@pytest.fixture
def http_sink(settings):
    sink = _Sink()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(sink))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    sink.base = base
    settings.CHAMBER_SMS = {
        "BACKEND": "http",
        "URL": f"{base}/sms",
        "KEY_ID": "test-key",
        "SECRET": SMS_SECRET,
        "SIGN_NAME": "宝安区工商联",
    }
    yield sink
    server.shutdown()
    server.server_close()
