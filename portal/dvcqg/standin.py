"""A local stand-in for the National Public Service Portal, speaking the protocol of
``portal.dvcqg.client`` (LEGAL-NOTES §6). Used by the tests and by ``serve_embedded`` (demo).

A real HTTP server (``ThreadingHTTPServer`` in a daemon thread). It checks the session and the
packet fields (the status codes of LEGAL-NOTES §1, ``yyyyMMddHHmmss`` dates), stores every event
it accepts, and de-duplicates on the ``X-Idempotency-Key`` header the way the real portal
de-duplicates on ``MaHoSo`` + status: a packet seen before is acknowledged again, not stored
again. It can be told to fail a fraction of the calls (``fail_rate``), to time out
(``timeout_rate`` with ``delay``), or to acknowledge twice (``ack_twice``: it stores the packet,
drops the answer, and acknowledges the retry as a duplicate).
"""

from __future__ import annotations

import json
import random
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DATE = re.compile(r"^\d{14}$")
CODE = re.compile(r"^[0-9A-Za-z.]+-\d{6}-[0-9A-Z]{4,}$")

DOSSIER_REQUIRED = ("MaHoSo", "MaTTHC", "TenTTHC", "ChuHoSo", "NgayTiepNhan", "TrangThaiHoSo",
                    "DonViXuLy")
DOSSIER_DATES = ("NgayTiepNhan", "NgayHenTra", "NgayTra", "NgayKetThucXuLy")
PROGRESS_REQUIRED = ("MaHoSo", "ThoiDiemXuLy", "NoiDungXuLy", "TrangThai")
PROGRESS_DATES = ("ThoiDiemXuLy", "NgayBatDau", "NgayKetThucTheoQuyDinh")

#: A tiny national catalogue for ``LayDanhSachTTHC`` / ``LayThuTuc``.
DEFAULT_CATALOGUE: list[dict[str, Any]] = [
    {"MaTTHC": "1.001193", "TenTTHC": "Thủ tục đăng ký khai sinh", "MaLinhVuc": "HOTICH",
     "TenLinhVuc": "Hộ tịch", "CoQuanThucHien": "Ủy ban nhân dân cấp xã",
     "ThoiHanGiaiQuyet": "1", "DonViTinh": "working_days",
     "TrinhTuThucHien": "Nộp hồ sơ; tiếp nhận; giải quyết; trả kết quả.",
     "DoiTuongThucHien": "Công dân Việt Nam", "KetQuaThucHien": "Giấy khai sinh",
     "PhiLePhi": "Miễn lệ phí"},
    {"MaTTHC": "2.000635", "TenTTHC": "Thủ tục cấp bản sao trích lục hộ tịch",
     "MaLinhVuc": "HOTICH", "TenLinhVuc": "Hộ tịch", "CoQuanThucHien": "Ủy ban nhân dân cấp xã",
     "ThoiHanGiaiQuyet": "1", "DonViTinh": "working_days",
     "TrinhTuThucHien": "Nộp yêu cầu; giải quyết; trả kết quả.",
     "DoiTuongThucHien": "Cá nhân", "KetQuaThucHien": "Bản sao trích lục",
     "PhiLePhi": "8.000 đồng/bản"},
    {"MaTTHC": "1.009994", "TenTTHC": "Thủ tục cấp giấy phép xây dựng nhà ở riêng lẻ",
     "MaLinhVuc": "XAYDUNG", "TenLinhVuc": "Hoạt động xây dựng",
     "CoQuanThucHien": "Ủy ban nhân dân cấp huyện", "ThoiHanGiaiQuyet": "15",
     "DonViTinh": "working_days", "TrinhTuThucHien": "Nộp hồ sơ; thẩm định; cấp phép.",
     "DoiTuongThucHien": "Hộ gia đình, cá nhân", "KetQuaThucHien": "Giấy phép xây dựng",
     "PhiLePhi": "75.000 đồng"},
]


@dataclass
class Received:
    service: str
    key: str
    record: dict[str, Any]
    at: float


@dataclass
class StandIn:
    """The stand-in portal. ``start()`` it, read ``url``; ``close()`` it."""

    username: str = "dvc-standin"
    password: str = "standin-secret"  # noqa: S105 - a local stand-in
    fail_rate: float = 0.0
    timeout_rate: float = 0.0
    delay: float = 0.0
    ack_twice: bool = False
    seed: int | None = None
    catalogue: list[dict[str, Any]] = field(default_factory=lambda: list(DEFAULT_CATALOGUE))
    #: Dossiers submitted on the portal itself, listed by the fetch service.
    submitted: list[dict[str, Any]] = field(default_factory=list)
    #: Called with each stored event, before the answer is written (tests kill workers there).
    on_store: Callable[[Received], None] | None = None

    def __post_init__(self) -> None:
        self.events: list[Received] = []
        self.keys: set[str] = set()
        self.duplicates = 0
        self.calls = 0
        self.sessions: set[str] = set()
        self.dossiers: dict[str, dict[str, Any]] = {}
        self.lock = threading.Lock()
        self.random = random.Random(self.seed)  # noqa: S311 - simulated failures
        self.server: ThreadingHTTPServer | None = None
        self.url = ""

    # -- lifecycle -----------------------------------------------------------------------

    def start(self, host: str = "127.0.0.1", port: int = 0) -> StandIn:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            # Headers and body go out as separate writes: without TCP_NODELAY each answer
            # waits for the caller's delayed ACK (~40 ms).
            disable_nagle_algorithm = True
            protocol_version = "HTTP/1.1"  # keep-alive: one connection per client session

            def do_POST(self) -> None:
                try:
                    length = int(self.headers.get("Content-Length") or 0)
                    body = json.loads(self.rfile.read(length) or b"{}")
                except (ValueError, UnicodeDecodeError):
                    return self._answer(400, {"error_code": 400, "message": "invalid JSON"})
                if not isinstance(body, dict):
                    return self._answer(400, {"error_code": 400, "message": "not an object"})
                status, answer = standin.handle(self.path, body,
                                                self.headers.get("X-Idempotency-Key", ""))
                if status == 0:  # drop the connection: the caller never sees an answer
                    self.close_connection = True
                    return None
                return self._answer(status, answer)

            def _answer(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload, ensure_ascii=False).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the caller gave up (timeout) or died

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        self.url = f"http://{host}:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True,
                         name="dvcqg-standin").start()
        return self

    def close(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    # -- reading what arrived ------------------------------------------------------------

    def keys_in_order(self) -> list[str]:
        with self.lock:
            return [e.key for e in self.events]

    def by_dossier(self) -> dict[str, list[Received]]:
        grouped: dict[str, list[Received]] = {}
        with self.lock:
            for event in self.events:
                grouped.setdefault(event.record.get("MaHoSo", ""), []).append(event)
        return grouped

    # -- the protocol --------------------------------------------------------------------

    def handle(self, path: str, body: dict[str, Any], key: str) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.calls += 1
        if path.rstrip("/") == "/login":
            if body.get("username") == self.username and body.get("password") == self.password:
                session = secrets.token_hex(16)
                with self.lock:
                    self.sessions.add(session)
                return 200, {"error_code": 0, "message": "OK", "session": session}
            return 200, {"error_code": 1, "message": "Sai tên đăng nhập hoặc mật khẩu"}
        if path.rstrip("/") != "/service":
            return 404, {"error_code": 404, "message": "unknown path"}
        if body.get("session") not in self.sessions:
            return 200, {"error_code": 401, "message": "Phiên làm việc hết hạn"}
        service = body.get("service")
        if service in ("DongBoHoSoMC", "CapNhatTienDoHoSoMC"):
            return self._event(service, body, key)
        if service == "TraCuuHoSo":
            with self.lock:
                record = self.dossiers.get(str(body.get("MaHoSo", "")))
            if record is None:
                return 200, {"error_code": 2, "message": "Không tìm thấy hồ sơ"}
            return 200, {"error_code": 0, "message": "OK", "data": record}
        if service == "LayDanhSachTTHC":
            return 200, {"error_code": 0, "message": "OK", "data": [
                {k: p[k] for k in ("MaTTHC", "TenTTHC", "MaLinhVuc", "TenLinhVuc")}
                for p in self.catalogue]}
        if service == "LayThuTuc":
            found = [p for p in self.catalogue if p["MaTTHC"] == body.get("MaTTHC")]
            if not found:
                return 200, {"error_code": 2, "message": "Không tìm thấy thủ tục"}
            return 200, {"error_code": 0, "message": "OK", "data": found[0]}
        if service == "LayDanhSachHoSo":
            since, until = str(body.get("TuNgay", "")), str(body.get("DenNgay", ""))
            if not DATE.match(since) or not DATE.match(until):
                return 200, {"error_code": 3, "message": "TuNgay/DenNgay: yyyyMMddHHmmss"}
            return 200, {"error_code": 0, "message": "OK", "data": [
                d for d in self.submitted if since <= d.get("NgayTiepNhan", "") <= until]}
        return 200, {"error_code": 404, "message": f"unknown service {service!r}"}

    def _event(self, service: str, body: dict[str, Any], key: str
               ) -> tuple[int, dict[str, Any]]:
        data = body.get("data")
        if not isinstance(data, list) or len(data) != 1 or not isinstance(data[0], dict):
            return 200, {"error_code": 3, "message": "data: one record expected"}
        record = data[0]
        errors = validate(service, record)
        if errors:
            return 200, {"error_code": 3, "message": "; ".join(errors)}
        roll = self.random.random()
        if roll < self.fail_rate:
            return 500, {"error_code": 500, "message": "Hệ thống đang bận (stand-in failure)"}
        if roll < self.fail_rate + self.timeout_rate:
            time.sleep(self.delay)  # longer than the caller's timeout: it gives up first
        received = Received(service, key or secrets.token_hex(8), record, time.time())
        with self.lock:
            duplicate = bool(key) and key in self.keys
            if duplicate:
                self.duplicates += 1
            else:
                self.keys.add(received.key)
                self.events.append(received)
                if service == "DongBoHoSoMC":
                    self.dossiers[record["MaHoSo"]] = record
        if not duplicate and self.on_store is not None:
            self.on_store(received)
        if not duplicate and self.ack_twice:
            return 0, {}  # stored, but the answer is lost: the retry is acknowledged again
        return 200, {"error_code": 0, "message": "Đã nhận" if not duplicate else "Đã nhận trước đó",
                     "duplicate": duplicate}


def validate(service: str, record: dict[str, Any]) -> list[str]:
    """The field checks of the stand-in (what the real portal refuses)."""
    errors: list[str] = []
    required = DOSSIER_REQUIRED if service == "DongBoHoSoMC" else PROGRESS_REQUIRED
    dates = DOSSIER_DATES if service == "DongBoHoSoMC" else PROGRESS_DATES
    for name in required:
        if record.get(name) in (None, ""):
            errors.append(f"{name}: required")
    code = record.get("MaHoSo")
    if isinstance(code, str) and code and not CODE.match(code):
        errors.append("MaHoSo: invalid")
    for name in dates:
        value = record.get(name)
        if value not in (None, "") and not (isinstance(value, str) and DATE.match(value)):
            errors.append(f"{name}: yyyyMMddHHmmss expected")
    if service == "DongBoHoSoMC":
        status = record.get("TrangThaiHoSo")
        if not isinstance(status, int) or not 1 <= status <= 10:
            errors.append("TrangThaiHoSo: 1..10 expected")
        if record.get("HinhThuc") not in (0, 1):
            errors.append("HinhThuc: 0 or 1 expected")
        for name in ("TaiLieuNop", "DanhSachLePhi", "DanhSachHoSoBoSung",
                     "DanhSachGiayToKetQua"):
            if not isinstance(record.get(name), list):
                errors.append(f"{name}: array expected")
    return errors


def main() -> None:  # pragma: no cover - manual use: python -m portal.dvcqg.standin
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8701)
    parser.add_argument("--fail-rate", type=float, default=0.0)
    args = parser.parse_args()
    standin = StandIn(fail_rate=args.fail_rate).start(port=args.port)
    print(f"DVCQG stand-in on {standin.url} (user {standin.username})", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        standin.close()


if __name__ == "__main__":  # pragma: no cover
    main()
