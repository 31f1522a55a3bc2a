"""HTTP/JSON client of the National Public Service Portal (DVCQG), LEGAL-NOTES §6.

The protocol, as the public client code shows it (paths and envelope inferred; configurable
through ``DVCQG_BASE_URL``):

* ``POST {base}/login`` with ``{"username", "password"}`` → ``{"error_code": 0, "session": …}``;
* ``POST {base}/service`` with ``{"session", "madonvi", "service": <name>, …parameters}`` →
  ``{"error_code": 0, "message": …, "data": …}``. Success is ``error_code`` 0; an expired session
  (``error_code`` :data:`SESSION_EXPIRED`) is renewed once and the call repeated.
* Outbox calls carry the row's idempotency key in the ``X-Idempotency-Key`` header (ADR 0007).

Dates are ``yyyyMMddHHmmss`` in Asia/Ho_Chi_Minh time (``records.portal_date``). Every call,
login included, is written to :class:`~portal.dvcqg.models.CallLog`.
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any

import requests
from django.conf import settings
from django.utils import timezone

from .models import CallLog, Service

#: ``error_code`` of an expired or unknown session.
SESSION_EXPIRED = 401


class DvcqgError(Exception):
    """A call failed: the portal answered an error, or could not be reached in time."""

    def __init__(self, message: str, *, error_code: int | None = None,
                 http_status: int | None = None) -> None:
        super().__init__(message)
        self.error_code = error_code
        self.http_status = http_status


class DvcqgClient:
    """One session with the national portal. Not thread-safe: one client per worker thread."""

    def __init__(self, base_url: str | None = None, *, username: str | None = None,
                 password: str | None = None, timeout: float | None = None,
                 unit_code: str | None = None) -> None:
        self.base_url = (base_url if base_url is not None else settings.DVCQG_BASE_URL).rstrip("/")
        self.username = username if username is not None else settings.DVCQG_USERNAME
        self.password = password if password is not None else settings.DVCQG_PASSWORD
        self.timeout = timeout if timeout is not None else settings.DVCQG_TIMEOUT
        self.unit_code = unit_code if unit_code is not None else settings.DVCQG_UNIT_CODE
        self.session: str | None = None
        self.http = requests.Session()
        #: When a list, call logs wait there for :meth:`flush_logs` (the outbox writes them in
        #: the transaction that marks the row); otherwise each is saved at once.
        self.deferred_logs: list[CallLog] | None = None

    @property
    def configured(self) -> bool:
        return bool(self.base_url)

    # -- transport -----------------------------------------------------------------------

    def _post(self, path: str, body: dict[str, Any], *, service: str, dossier_code: str = "",
              outbox_id: int | None = None, headers: dict[str, str] | None = None
              ) -> dict[str, Any]:
        raw = json.dumps(body, ensure_ascii=False, sort_keys=True).encode()
        # The password never reaches the log, not even through the digest of a known body.
        digest = hashlib.sha256(raw if service != Service.LOGIN else b"login").hexdigest()
        started = time.monotonic()
        log = CallLog(at=timezone.now(), service=service, dossier_code=dossier_code[:40],
                      outbox_id=outbox_id, request_digest=digest, duration_ms=0)
        try:
            try:
                response = self.http.post(
                    f"{self.base_url}{path}", data=raw, timeout=self.timeout,
                    headers={"Content-Type": "application/json; charset=utf-8",
                             **(headers or {})})
            except requests.Timeout:
                raise DvcqgError(f"timeout after {self.timeout}s") from None
            except requests.RequestException as error:
                raise DvcqgError(f"connection failed: {error.__class__.__name__}") from None
            log.http_status = response.status_code
            try:
                answer = response.json()
            except ValueError:
                raise DvcqgError(f"HTTP {response.status_code}: not JSON",
                                 http_status=response.status_code) from None
            if not isinstance(answer, dict):
                raise DvcqgError("answer is not an object", http_status=response.status_code)
            code = answer.get("error_code")
            log.error_code = code if isinstance(code, int) else None
            if code != 0:
                raise DvcqgError(
                    f"error_code {code}: {answer.get('message', '')}"[:500],
                    error_code=code if isinstance(code, int) else None,
                    http_status=response.status_code)
            if response.status_code >= 400:
                raise DvcqgError(f"HTTP {response.status_code}",
                                 http_status=response.status_code)
            log.ok = True
            return answer
        except DvcqgError as error:
            log.error = str(error)[:1000]
            raise
        finally:
            log.duration_ms = int((time.monotonic() - started) * 1000)
            if self.deferred_logs is not None:
                self.deferred_logs.append(log)
            else:
                log.save()

    def flush_logs(self) -> None:
        """Save the deferred call logs (in the caller's transaction)."""
        if self.deferred_logs:
            CallLog.objects.bulk_create(self.deferred_logs)
            self.deferred_logs = []

    def login(self) -> str:
        """Open a session (LEGAL-NOTES §6: POST username/password → session)."""
        if not self.configured:
            raise DvcqgError("DVCQG_BASE_URL is not set")
        answer = self._post("/login", {"username": self.username, "password": self.password},
                            service=Service.LOGIN)
        session = answer.get("session")
        if not isinstance(session, str) or not session:
            raise DvcqgError("login answered no session")
        self.session = session
        return session

    def call(self, service: str, params: dict[str, Any], *, dossier_code: str = "",
             outbox_id: int | None = None, idempotency_key: str = "") -> dict[str, Any]:
        """Call ``service``; the answer (``error_code`` 0) or :class:`DvcqgError`."""
        headers = {"X-Idempotency-Key": idempotency_key} if idempotency_key else {}
        for attempt in range(2):
            if self.session is None:
                self.login()
            body = {"session": self.session, "madonvi": self.unit_code, "service": service,
                    **params}
            try:
                return self._post("/service", body, service=service, dossier_code=dossier_code,
                                  outbox_id=outbox_id, headers=headers)
            except DvcqgError as error:
                if error.error_code == SESSION_EXPIRED and attempt == 0:
                    self.session = None
                    continue
                raise
        raise DvcqgError("session could not be renewed")  # pragma: no cover

    # -- services of LEGAL-NOTES §6 ------------------------------------------------------

    def sync_dossier(self, record: dict[str, Any], *, updating: bool = True,
                     idempotency_key: str = "", outbox_id: int | None = None) -> dict[str, Any]:
        """``DongBoHoSoMC``: the full record of one dossier after a status change."""
        return self.call(Service.SYNC_DOSSIER, {"isUpdating": updating, "data": [record]},
                         dossier_code=record.get("MaHoSo", ""), outbox_id=outbox_id,
                         idempotency_key=idempotency_key)

    def update_progress(self, record: dict[str, Any], *, idempotency_key: str = "",
                        outbox_id: int | None = None) -> dict[str, Any]:
        """``CapNhatTienDoHoSoMC``: one step of the processing."""
        return self.call(Service.PROGRESS, {"data": [record]},
                         dossier_code=record.get("MaHoSo", ""), outbox_id=outbox_id,
                         idempotency_key=idempotency_key)

    def lookup(self, code: str) -> dict[str, Any] | None:
        """``TraCuuHoSo``: the portal's record of a dossier, ``None`` when unknown."""
        data = self.call(Service.LOOKUP, {"MaHoSo": code}, dossier_code=code).get("data")
        return data if isinstance(data, dict) else None

    def procedures(self) -> list[dict[str, Any]]:
        """``LayDanhSachTTHC``: the national catalogue (code, name, field)."""
        data = self.call(Service.PROCEDURE_LIST, {}).get("data")
        return [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []

    def procedure(self, national_code: str) -> dict[str, Any] | None:
        """``LayThuTuc``: one procedure's details."""
        data = self.call(Service.PROCEDURE, {"MaTTHC": national_code}).get("data")
        return data if isinstance(data, dict) else None

    def submitted_dossiers(self, since: str, until: str) -> list[dict[str, Any]]:
        """Dossiers submitted on the portal itself between two ``yyyyMMddHHmmss`` instants
        (service name inferred: ``DVCQG_FETCH_SERVICE``)."""
        data = self.call(settings.DVCQG_FETCH_SERVICE, {"TuNgay": since, "DenNgay": until}
                         ).get("data")
        return [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []
