"""A local stand-in for the province's SMS gateway: the same HTTP protocol, messages kept in
memory, a switch to fail, and :meth:`Gateway.receive` to post an incoming SMS to the portal's
webhook (``POST /api/v1/sms/inbound/``) as the real gateway does.

Run it alone for the demo: ``python -m tests.sms_gateway --port 8025`` (prints every message)."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

TOKEN = "sms-test-token"


class Gateway:
    def __init__(self, port: int = 0) -> None:
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

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    _ids = itertools.count(1)

    def receive(self, portal_url: str, sender: str, text: str, message_id: str | None = None,
                token: str = TOKEN) -> tuple[int, dict[str, Any]]:
        """A citizen texts ``text`` from ``sender``: post it to the portal's inbound webhook;
        the HTTP status and JSON answer."""
        import requests

        response = requests.post(
            f"{portal_url.rstrip('/')}/api/v1/sms/inbound/",
            json={"from": sender, "text": text, "id": message_id or f"in{next(self._ids)}"},
            headers={"Authorization": f"Bearer {token}"}, timeout=10)
        return response.status_code, response.json()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sms_gateway(settings) -> Iterator[Gateway]:
    gateway = Gateway()
    settings.SMS_GATEWAY_URL = gateway.url
    settings.SMS_GATEWAY_TOKEN = TOKEN
    settings.SMS_INBOUND_TOKEN = TOKEN
    yield gateway
    gateway.close()


if __name__ == "__main__":  # pragma: no cover - the demo's stand-in
    import argparse
    import time

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8025)
    port = parser.parse_args().port
    gateway = Gateway(port)
    print(f"SMS stand-in on http://127.0.0.1:{port} (token {TOKEN})", flush=True)
    seen = 0
    while True:
        time.sleep(1)
        for message in gateway.messages[seen:]:
            print(f"SMS to {message['to']}: {message['text']}", flush=True)
        seen = len(gateway.messages)
