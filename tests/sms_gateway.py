"""A local stand-in for the province's SMS gateway: the same HTTP protocol, messages kept in
memory, and a switch to fail."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

TOKEN = "sms-test-token"


class Gateway:
    def __init__(self) -> None:
        self.messages: list[dict[str, str]] = []
        self.fail_with: int | None = None
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if self.path != "/messages" or self.headers.get("Authorization") != (
                        f"Bearer {TOKEN}"):
                    return self._answer(401, {"error": "unauthorized"})
                if gateway.fail_with:
                    return self._answer(gateway.fail_with, {"error": "unavailable"})
                gateway.messages.append(body)
                return self._answer(202, {"id": f"m{len(gateway.messages)}"})

            def _answer(self, status: int, payload: dict[str, str]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sms_gateway(settings) -> Iterator[Gateway]:
    gateway = Gateway()
    settings.SMS_GATEWAY_URL = gateway.url
    settings.SMS_GATEWAY_TOKEN = TOKEN
    yield gateway
    gateway.close()
