"""A stand-in for the national identity provider (VNeID via the National Public Service Portal
SSO): a small but real OpenID Connect provider over HTTP, for the test suite.

It serves, on ``127.0.0.1`` and a free port:

* ``/.well-known/openid-configuration`` - discovery;
* ``/authorize`` - the authorisation endpoint. There is no login page: the person "signed in" at
  the provider is :attr:`OIDCProvider.current_subject`, chosen by the test. It checks the client
  and redirect URI, then redirects back with ``code`` and ``state`` (or ``error``);
* ``/token`` - the token endpoint: a single-use, short-lived code, client authentication by
  ``client_secret_post`` or ``client_secret_basic`` (as allowed), the redirect URI, PKCE when a
  challenge was given; answers an access token and an RS256-signed ID token (iss, sub, aud, exp,
  iat, auth_time, at_hash and the nonce of the authorisation request);
* ``/userinfo`` - the claims of the person, for a bearer access token;
* ``/jwks`` - the public key.

Knobs for the unhappy paths: :attr:`~OIDCProvider.id_token_overrides`,
:attr:`~OIDCProvider.tamper`, :attr:`~OIDCProvider.userinfo_overrides`,
:attr:`~OIDCProvider.token_auth_methods`.

Use it as a context manager, or through the :func:`oidc_provider` pytest fixture.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit, urlunsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

DISCOVERY_PATH = "/.well-known/openid-configuration"


@functools.lru_cache(maxsize=4)
def rsa_key(name: str = "provider") -> rsa.RSAPrivateKey:
    """An RSA key per name, generated once per test run (generation is the slow part)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class OIDCProvider:
    """The stand-in provider. Attributes may be changed while it runs; each request reads them."""

    def __init__(
        self,
        *,
        client_id: str = "dichvucong-portal",
        client_secret: str | None = None,
        redirect_uris: list[str] | None = None,
        token_auth_methods: tuple[str, ...] = ("client_secret_post", "client_secret_basic"),
        key: rsa.RSAPrivateKey | None = None,
        kid: str = "stand-in-1",
        id_token_lifetime: int = 300,
        code_lifetime: int = 60,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret or secrets.token_urlsafe(24)
        #: Registered redirect URIs; ``None`` accepts any ``http(s)`` URI.
        self.redirect_uris = redirect_uris
        #: Client authentication methods the token endpoint accepts (and discovery announces).
        self.token_auth_methods = token_auth_methods
        self.key = key or rsa_key()
        self.kid = kid
        self.id_token_lifetime = id_token_lifetime
        self.code_lifetime = code_lifetime
        #: subject -> claims (returned by the UserInfo endpoint, with ``sub``).
        self.users: dict[str, dict[str, Any]] = {}
        #: The person signed in at the provider; ``None`` makes /authorize answer login_required.
        self.current_subject: str | None = None
        #: Merged into every ID token; a value of ``None`` removes the claim.
        self.id_token_overrides: dict[str, Any] = {}
        #: Merged into every UserInfo response.
        self.userinfo_overrides: dict[str, Any] = {}
        #: Forge the ID token: "payload" (changed after signing), "foreign-key" (signed by another
        #: key under the same kid) or "alg-none" (unsigned).
        self.tamper: str | None = None
        #: Every request received: (method, path).
        self.requests: list[tuple[str, str]] = []
        #: Parameters of every authorisation request.
        self.authorize_requests: list[dict[str, str]] = []
        #: Every token request: its parameters and the client authentication method used.
        self.token_requests: list[dict[str, Any]] = []
        self._codes: dict[str, dict[str, Any]] = {}
        self._access_tokens: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle --

    def start(self) -> OIDCProvider:
        handler = type("StandInHandler", (_Handler,), {"provider": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
            name="oidc-stand-in", daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> OIDCProvider:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def issuer(self) -> str:
        if self._server is None:
            raise RuntimeError("the stand-in provider is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def discovery_url(self) -> str:
        return self.issuer + DISCOVERY_PATH

    # -- people --

    def add_user(self, subject: str, **claims: Any) -> dict[str, Any]:
        """Register a person; the first one added is the one signed in."""
        self.users[subject] = dict(claims)
        if self.current_subject is None:
            self.current_subject = subject
        return self.users[subject]

    def sign_in_as(self, subject: str | None) -> None:
        self.current_subject = subject

    def count(self, path: str) -> int:
        return sum(1 for _method, seen in self.requests if seen == path)

    # -- documents --

    def metadata(self) -> dict[str, Any]:
        issuer = self.issuer
        return {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/authorize",
            "token_endpoint": f"{issuer}/token",
            "userinfo_endpoint": f"{issuer}/userinfo",
            "jwks_uri": f"{issuer}/jwks",
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "profile", "email", "phone", "address"],
            "token_endpoint_auth_methods_supported": list(self.token_auth_methods),
            "code_challenge_methods_supported": ["S256", "plain"],
            "claims_supported": ["sub", "name", "birthdate", "phone_number", "email",
                                 "email_verified", "address", "personal_id"],
        }

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update({"kid": self.kid, "alg": "RS256", "use": "sig"})
        return {"keys": [jwk]}

    def id_token(self, grant: dict[str, Any], access_token: str) -> str:
        now = int(time.time())
        digest = hashlib.sha256(access_token.encode("ascii")).digest()
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": grant["sub"],
            "aud": grant["client_id"],
            "exp": now + self.id_token_lifetime,
            "iat": now,
            "auth_time": grant["auth_time"],
            "at_hash": _b64url(digest[: len(digest) // 2]),
        }
        if grant.get("nonce"):
            claims["nonce"] = grant["nonce"]
        for name, value in self.id_token_overrides.items():
            if value is None:
                claims.pop(name, None)
            else:
                claims[name] = value
        headers = {"kid": self.kid}
        if self.tamper == "alg-none":
            return jwt.encode(claims, None, algorithm="none", headers=headers)
        key = rsa_key("foreign") if self.tamper == "foreign-key" else self.key
        token = jwt.encode(claims, key, algorithm="RS256", headers=headers)
        if self.tamper == "payload":
            header, _payload, signature = token.split(".")
            forged = dict(claims, sub=claims["sub"] + "-forged")
            payload = _b64url(json.dumps(forged, separators=(",", ":")).encode())
            token = ".".join((header, payload, signature))
        return token

    # -- endpoints (called from the handler; each returns status, headers, body) --

    def authorize(self, params: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        self.authorize_requests.append(params)
        redirect_uri = params.get("redirect_uri", "")
        if params.get("client_id") != self.client_id:
            return _page(400, "unknown client")
        if not redirect_uri or urlsplit(redirect_uri).scheme not in ("http", "https") or (
            self.redirect_uris is not None and redirect_uri not in self.redirect_uris
        ):
            # Never redirect to an unregistered URI (RFC 6749 4.1.2.1).
            return _page(400, "redirect_uri is not registered")

        def answer(**values: str) -> tuple[int, dict[str, str], bytes]:
            if params.get("state"):
                values["state"] = params["state"]
            parts = urlsplit(redirect_uri)
            query = "&".join(q for q in (parts.query, urlencode(values)) if q)
            return 302, {"Location": urlunsplit(parts._replace(query=query))}, b""

        if params.get("response_type") != "code":
            return answer(error="unsupported_response_type")
        if "openid" not in params.get("scope", "").split():
            return answer(error="invalid_scope")
        method = params.get("code_challenge_method", "plain")
        if params.get("code_challenge") and method not in ("S256", "plain"):
            return answer(error="invalid_request")
        subject = self.current_subject
        if subject is None or subject not in self.users:
            return answer(error="login_required")
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = {
                "client_id": self.client_id,
                "redirect_uri": redirect_uri,
                "nonce": params.get("nonce"),
                "sub": subject,
                "scope": params.get("scope", ""),
                "code_challenge": params.get("code_challenge"),
                "code_challenge_method": method,
                "expires": time.time() + self.code_lifetime,
                "auth_time": int(time.time()),
            }
        return answer(code=code)

    def token(self, params: dict[str, str],
              authorization: str | None) -> tuple[int, dict[str, str], bytes]:
        client_id, secret, method = params.get("client_id"), params.get("client_secret"), None
        if authorization and authorization.lower().startswith("basic "):
            if secret is not None:
                return _json(400, {"error": "invalid_request",
                                   "error_description": "more than one client authentication"})
            try:
                decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode()
                basic_id, basic_secret = decoded.split(":", 1)
            except ValueError:
                return _invalid_client()
            # RFC 6749 2.3.1: both are form-encoded before being joined.
            basic_id, secret = unquote_plus(basic_id), unquote_plus(basic_secret)
            if client_id is not None and client_id != basic_id:
                return _invalid_client()
            client_id, method = basic_id, "client_secret_basic"
        elif secret is not None:
            method = "client_secret_post"
        self.token_requests.append({"params": dict(params), "auth_method": method})
        if (method is None or method not in self.token_auth_methods
                or client_id != self.client_id
                or not secrets.compare_digest(str(secret), self.client_secret)):
            return _invalid_client()
        if params.get("grant_type") != "authorization_code":
            return _json(400, {"error": "unsupported_grant_type"})
        with self._lock:
            grant = self._codes.pop(params.get("code", ""), None)  # single use
        if (grant is None or grant["expires"] < time.time()
                or grant["client_id"] != client_id
                or grant["redirect_uri"] != params.get("redirect_uri")):
            return _json(400, {"error": "invalid_grant"})
        if grant["code_challenge"]:
            verifier = params.get("code_verifier", "")
            if grant["code_challenge_method"] == "S256":
                computed = _b64url(hashlib.sha256(verifier.encode("ascii")).digest())
            else:
                computed = verifier
            if not verifier or not secrets.compare_digest(computed, grant["code_challenge"]):
                return _json(400, {"error": "invalid_grant", "error_description": "PKCE"})
        access_token = secrets.token_urlsafe(32)
        with self._lock:
            self._access_tokens[access_token] = {"sub": grant["sub"],
                                                 "expires": time.time() + 300}
        body = {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "scope": grant["scope"],
            "id_token": self.id_token(grant, access_token),
        }
        return _json(200, body, {"Cache-Control": "no-store", "Pragma": "no-cache"})

    def userinfo(self, authorization: str | None) -> tuple[int, dict[str, str], bytes]:
        challenge = {"WWW-Authenticate": 'Bearer error="invalid_token"'}
        if not authorization or not authorization.lower().startswith("bearer "):
            return _json(401, {"error": "invalid_token"}, challenge)
        with self._lock:
            grant = self._access_tokens.get(authorization[7:].strip())
        if grant is None or grant["expires"] < time.time():
            return _json(401, {"error": "invalid_token"}, challenge)
        claims = {**self.users.get(grant["sub"], {}), "sub": grant["sub"],
                  **self.userinfo_overrides}
        return _json(200, claims)


def _json(status: int, body: Any,
          headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "application/json", **(headers or {})}, json.dumps(
        body, ensure_ascii=False).encode("utf-8")


def _page(status: int, text: str) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "text/plain; charset=utf-8"}, text.encode("utf-8")


def _invalid_client() -> tuple[int, dict[str, str], bytes]:
    return _json(401, {"error": "invalid_client"},
                 {"WWW-Authenticate": 'Basic realm="stand-in"'})


class _Handler(BaseHTTPRequestHandler):
    provider: OIDCProvider
    server_version = "OIDCStandIn/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet

    def _send(self, answer: tuple[int, dict[str, str], bytes]) -> None:
        status, headers, body = answer
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _form(self) -> dict[str, str]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8") if length else ""
        return dict(parse_qsl(raw, keep_blank_values=True))

    def do_GET(self) -> None:
        provider = self.provider
        url = urlsplit(self.path)
        provider.requests.append(("GET", url.path))
        if url.path == DISCOVERY_PATH:
            self._send(_json(200, provider.metadata()))
        elif url.path == "/jwks":
            self._send(_json(200, provider.jwks()))
        elif url.path == "/authorize":
            self._send(provider.authorize(dict(parse_qsl(url.query, keep_blank_values=True))))
        elif url.path == "/userinfo":
            self._send(provider.userinfo(self.headers.get("Authorization")))
        else:
            self._send(_page(404, "not found"))

    def do_POST(self) -> None:
        provider = self.provider
        url = urlsplit(self.path)
        provider.requests.append(("POST", url.path))
        if url.path == "/token":
            self._send(provider.token(self._form(), self.headers.get("Authorization")))
        elif url.path == "/userinfo":
            self._send(provider.userinfo(self.headers.get("Authorization")))
        else:
            self._send(_page(404, "not found"))


@pytest.fixture
def oidc_provider() -> Iterator[OIDCProvider]:
    """A running stand-in provider, stopped after the test."""
    with OIDCProvider() as provider:
        yield provider
