"""GitHub Actions' OIDC token endpoint, and the check of its tokens as client assertions.

Tokens look like GitHub's JWTs (base64url header.payload.signature); the signature is an
HMAC with a key only this sandbox knows, so a token it did not mint is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from offergate.sandbox.wire import RecordedRequest, Response, json_response

ISSUER = "https://token.actions.githubusercontent.com"
SUBJECT = "repo:octo/app:ref:refs/heads/main"
REPOSITORY = "octo/app"
EXCHANGE_AUDIENCE = "api://AzureADTokenExchange"
LIFETIME = 300.0  # clock seconds an OIDC token is accepted as an assertion
PATH = "/_github/oidc/token"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Claims:
    issuer: str
    subject: str
    audience: str
    issued_at: float  # sandbox clock


class RefusedAssertion(Exception):
    """Why an assertion is refused: `code` is the AADSTS number, the text its description."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


class GitHubOidc:
    """Mints tokens for `GET /_github/oidc/token` and verifies them later."""

    def __init__(self, clock: Callable[[], float], wall: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._wall = wall
        self._key = secrets.token_bytes(32)
        self._issued: dict[str, float] = {}
        self._lock = threading.Lock()
        self.request_token = secrets.token_urlsafe(32)
        self.lifetime = LIFETIME

    def mint(self, audience: str) -> str:
        jti = str(uuid.uuid4())
        now = int(self._wall())
        header = {"typ": "JWT", "alg": "HS256", "kid": "offergate-sandbox"}
        payload = {
            "jti": jti,
            "sub": SUBJECT,
            "aud": audience,
            "ref": "refs/heads/main",
            "repository": REPOSITORY,
            "repository_owner": REPOSITORY.split("/", maxsplit=1)[0],
            "event_name": "push",
            "iss": ISSUER,
            "nbf": now - 5,
            "iat": now,
            "exp": now + int(self.lifetime),
        }
        signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
        signature = hmac.new(self._key, signing_input.encode("ascii"), hashlib.sha256).digest()
        with self._lock:
            self._issued[jti] = self._clock()
        return f"{signing_input}.{_b64(signature)}"

    def verify(self, token: str) -> Claims:
        """The claims of a token this sandbox minted and that is still valid."""
        parts = token.split(".")
        if len(parts) != 3:
            raise RefusedAssertion(50027, "JWT token is invalid or malformed.")
        expected = hmac.new(self._key, f"{parts[0]}.{parts[1]}".encode("ascii"), hashlib.sha256).digest()
        try:
            valid = hmac.compare_digest(_unb64(parts[2]), expected)
            payload: Any = json.loads(_unb64(parts[1]))
        except (ValueError, UnicodeDecodeError):
            raise RefusedAssertion(50027, "JWT token is invalid or malformed.") from None
        if not valid or not isinstance(payload, dict):
            raise RefusedAssertion(50027, "JWT token is invalid or malformed: the signature does not verify.")
        with self._lock:
            issued_at = self._issued.get(str(payload.get("jti")))
        if issued_at is None:
            raise RefusedAssertion(50027, "JWT token is invalid or malformed.")
        if self._clock() - issued_at > self.lifetime:
            raise RefusedAssertion(700024, "Client assertion is not within its valid time range.")
        return Claims(str(payload.get("iss")), str(payload.get("sub")), str(payload.get("aud")), issued_at)

    def handle(self, request: RecordedRequest, params: dict[str, str]) -> Response:  # noqa: ARG002 - the router's handler signature
        """GET /_github/oidc/token?api-version=2.0&audience=...: {"count": 1, "value": token}."""
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), self.request_token.encode()):
            return json_response(401, {"message": "Unauthorized: the ID token request token is missing or invalid."})
        audience = request.query.get("audience") or f"https://github.com/{REPOSITORY.split('/', maxsplit=1)[0]}"
        return json_response(200, {"count": 1, "value": self.mint(audience)})
