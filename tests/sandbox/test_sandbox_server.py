"""Fault injection, request recording, routing, lifecycle and silence of the server."""

from __future__ import annotations

import gzip
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
import requests
from sandbox_helpers import STATIC, secret_form, status, token_request

from offergate.core.clock import VirtualClock
from offergate.sandbox import RecordedRequest, Response, Sandbox


def fresh_status(sb: Sandbox, offer: str = "vm-offer") -> requests.Response:
    """A status call on a new connection (a reset must not spoil the shared session)."""
    return requests.get(
        f"{sb.url}/api/publishers/contoso/offers/{offer}/status",
        params={"api-version": "2017-10-31"},
        headers={"Authorization": f"Bearer {STATIC}"},
        timeout=5,
    )


# ------------------------------------------------------------------ faults


def test_canned_status_for_the_next_matching_requests(sb: Sandbox) -> None:
    sb.add_offer("contoso", "vm-offer")
    fault = sb.inject(
        method="GET",
        path=r"/status$",
        status=503,
        headers={"Retry-After": "1"},
        body=b"busy",
        content_type="text/plain",
        times=2,
    )
    first, second, third = (status(sb, "vm-offer") for _ in range(3))
    assert (first.status_code, first.text, first.headers["Retry-After"]) == (503, "busy", "1")
    assert first.headers["Content-Type"] == "text/plain"
    assert second.status_code == 503 and third.status_code == 200
    assert fault.hits == 2 and fault.remaining == 0
    assert len([r for r in sb.requests if r.path.endswith("/status")]) == 3


def test_a_fault_matches_method_and_searched_path(sb: Sandbox) -> None:
    sb.add_offer("contoso", "vm-offer")
    sb.inject(method="POST", path=r"/status$", status=500, times=None)
    sb.inject(path="oauth2", status=502, times=None)  # any method, searched anywhere in the path
    assert status(sb, "vm-offer").status_code == 200
    assert token_request(sb, **secret_form()).status_code == 502
    assert token_request(sb, **secret_form()).status_code == 502
    sb.clear_faults()
    assert token_request(sb, **secret_form()).status_code == 200


def test_html_page_and_broken_json(sb: Sandbox) -> None:
    sb.add_offer("contoso", "vm-offer")
    sb.inject(path=r"/status$", kind="html")
    page = fresh_status(sb)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html") and "<html>" in page.text
    sb.inject(path=r"/status$", kind="not-json")
    broken = fresh_status(sb)
    assert broken.status_code == 200 and broken.headers["Content-Type"].startswith("application/json")
    with pytest.raises(ValueError):
        broken.json()
    assert fresh_status(sb).json()["status"] == "running"


def test_reset_closes_the_connection_without_an_answer(sb: Sandbox) -> None:
    sb.add_offer("contoso", "vm-offer")
    sb.inject(path=r"/status$", kind="reset")
    with pytest.raises(requests.ConnectionError):
        fresh_status(sb)
    assert fresh_status(sb).status_code == 200
    assert len(sb.requests) == 2


def test_stall_delays_the_real_answer(sb: Sandbox) -> None:
    sb.add_offer("contoso", "vm-offer")
    sb.inject(path=r"/status$", kind="stall", seconds=0.2)
    started = time.monotonic()
    response = fresh_status(sb)
    assert time.monotonic() - started >= 0.2
    assert response.status_code == 200 and response.json()["status"] == "running"
    sb.inject(path=r"/status$", kind="stall", seconds=0.2)
    with pytest.raises(requests.Timeout):
        requests.get(f"{sb.url}/api/publishers/contoso/offers/vm-offer/status", timeout=0.05)


def test_stall_then_canned_answer(sb: Sandbox) -> None:
    sb.inject(path=r"/status$", kind="stall", seconds=0.05, status=504, body="gateway timeout")
    response = fresh_status(sb)
    assert (response.status_code, response.text) == (504, "gateway timeout")


def raw_status(sb: Sandbox) -> tuple[bytes, bytes]:
    """(head, body as it came before the connection ended) of a status call, over a bare socket."""
    parts = urlsplit(sb.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as sock:
        sock.sendall(
            b"GET /api/publishers/contoso/offers/vm-offer/status?api-version=2017-10-31 HTTP/1.1\r\n"
            b"Host: x\r\nAuthorization: Bearer " + STATIC.encode() + b"\r\n\r\n"
        )
        data = b""
        try:
            while chunk := sock.recv(65536):
                data += chunk
        except ConnectionResetError:
            pass
    head, _, body = data.partition(b"\r\n\r\n")
    return head, body


def declared_length(head: bytes) -> int:
    (line,) = [x for x in head.split(b"\r\n") if x.lower().startswith(b"content-length:")]
    return int(line.split(b":", 1)[1])


def test_short_and_long_body_lie_about_the_length_and_close(sb: Sandbox) -> None:
    sb.add_offer("contoso", "vm-offer")
    sb.inject(path=r"/status$", kind="short-body")
    head, body = raw_status(sb)
    assert declared_length(head) > len(body) > 0 and b"Connection: close" in head
    sb.inject(path=r"/status$", kind="long-body")
    head, body = raw_status(sb)
    assert 0 < declared_length(head) < len(body)
    sb.inject(path=r"/status$", kind="short-body")
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        fresh_status(sb)
    assert fresh_status(sb).status_code == 200


def test_reset_mid_body_sends_half_then_resets(sb: Sandbox) -> None:
    sb.add_offer("contoso", "vm-offer")
    sb.inject(path=r"/status$", kind="reset-mid-body")
    head, body = raw_status(sb)
    assert head.startswith(b"HTTP/1.1 200") and 0 < len(body) < declared_length(head)
    sb.inject(path=r"/status$", kind="reset-mid-body")
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        fresh_status(sb)


def test_drip_sends_one_byte_per_interval(sb: Sandbox) -> None:
    sb.inject(path=r"/drip$", kind="drip", status=200, body=b"abcde", seconds=0.04)
    started = time.monotonic()
    response = requests.get(f"{sb.url}/drip", timeout=1, stream=True)
    pieces = list(response.raw.stream(1))
    assert b"".join(pieces) == b"abcde" and len(pieces) == 5
    assert time.monotonic() - started >= 0.15


def test_gzip_encodes_the_real_answer_or_sends_the_canned_body_as_given(sb: Sandbox) -> None:
    sb.add_offer("contoso", "vm-offer")
    sb.inject(path=r"/status$", kind="gzip")
    response = fresh_status(sb)
    assert response.headers["Content-Encoding"] == "gzip" and response.json()["status"] == "running"
    bomb = gzip.compress(b"\0" * 100_000)
    sb.inject(path=r"/bomb$", kind="gzip", status=200, body=bomb, content_type="application/octet-stream")
    raw = requests.get(f"{sb.url}/bomb", timeout=5, stream=True)
    assert raw.raw.read(decode_content=False) == bomb


def test_non_latin1_header_values_go_out_as_utf8(sb: Sandbox) -> None:
    sb.inject(path=r"/x$", status=429, headers={"Retry-After": "٣"})
    head, _, _ = raw_get(sb, "/x").partition(b"\r\n\r\n")
    assert "Retry-After: ٣".encode() in head


def raw_get(sb: Sandbox, path: str) -> bytes:
    parts = urlsplit(sb.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return data


def test_stop_ends_a_drip_at_once(vclock: VirtualClock) -> None:
    sandbox = Sandbox(clock=vclock.monotonic).start()
    sandbox.inject(kind="drip", status=200, body=b"x" * 1000, seconds=0.5)
    response = requests.get(f"{sandbox.url}/anything", timeout=5, stream=True)
    started = time.monotonic()
    threading.Timer(0.1, sandbox.stop).start()
    with pytest.raises(requests.RequestException):
        _ = response.content
    assert time.monotonic() - started < 2


def test_stop_ends_a_stall_at_once(vclock: VirtualClock) -> None:
    sandbox = Sandbox(clock=vclock.monotonic).start()
    sandbox.inject(kind="stall", seconds=30)
    url = f"{sandbox.url}/anything"
    errors: list[BaseException] = []

    def call() -> None:
        try:
            requests.get(url, timeout=10)
        except requests.RequestException as error:
            errors.append(error)

    caller = threading.Thread(target=call)
    caller.start()
    time.sleep(0.05)
    started = time.monotonic()
    sandbox.stop()
    caller.join(timeout=5)
    assert not caller.is_alive()
    assert time.monotonic() - started < 2


def test_bad_fault_arguments(sb: Sandbox) -> None:
    with pytest.raises(ValueError):
        sb.inject(kind="explode")
    with pytest.raises(ValueError):
        sb.inject(times=0)


# ------------------------------------------------------------------ recording


def test_requests_are_recorded(sb: Sandbox, vclock: VirtualClock) -> None:
    sb.add_offer("contoso", "vm-offer")
    vclock.advance(42)
    status(sb, "vm-offer")
    token_request(sb, **secret_form())
    call, token_call = sb.requests
    assert isinstance(call, RecordedRequest)
    assert call.method == "GET"
    assert call.path == "/api/publishers/contoso/offers/vm-offer/status"
    assert call.query == {"api-version": "2017-10-31"}
    assert call.headers["authorization"] == f"Bearer {STATIC}"
    assert call.headers["Authorization"] == f"Bearer {STATIC}"
    assert "AUTHORIZATION" in call.headers
    assert call.body == b""
    assert call.at == vclock.monotonic()
    assert token_call.method == "POST" and token_call.path == "/tenant-1/oauth2/v2.0/token"
    assert b"client_secret=s3cret" in token_call.body
    assert token_call.form()["grant_type"] == "client_credentials"
    sb.clear_requests()
    assert sb.requests == []


def test_concurrent_requests_are_all_answered_and_recorded(sb: Sandbox) -> None:
    sb.add_offer("contoso", "vm-offer", scenario="succeeded")

    def poll(_: int) -> int:
        with requests.Session() as session:
            codes = [
                session.get(
                    f"{sb.url}/api/publishers/contoso/offers/vm-offer/status",
                    params={"api-version": "2017-10-31"},
                    headers={"Authorization": f"Bearer {STATIC}"},
                    timeout=5,
                ).status_code
                for _ in range(10)
            ]
        return codes.count(200)

    with ThreadPoolExecutor(max_workers=6) as pool:
        assert sum(pool.map(poll, range(6))) == 60
    assert len(sb.requests) == 60


# ------------------------------------------------------------------ routing and lifecycle


def test_more_routes_can_be_added(sb: Sandbox) -> None:
    def catalog(request: RecordedRequest, params: dict[str, str]) -> Response:
        return Response(200, f"catalog {params['id']} {request.query.get('x')}".encode(), "text/plain")

    sb.add_route("GET", r"/merchant/catalogs/(?P<id>\d+)", catalog)
    response = requests.get(f"{sb.url}/merchant/catalogs/17", params={"x": "y"}, timeout=5)
    assert response.text == "catalog 17 y"
    assert requests.get(f"{sb.url}/merchant/catalogs/x", timeout=5).status_code == 404


def test_a_failing_handler_answers_500_and_is_kept(sb: Sandbox) -> None:
    def broken(request: RecordedRequest, params: dict[str, str]) -> Response:
        raise RuntimeError("boom")

    sb.add_route("GET", "/broken", broken)
    response = requests.get(f"{sb.url}/broken", timeout=5)
    assert response.status_code == 500
    assert [str(e) for e in sb.errors] == ["boom"]


def test_lifecycle(vclock: VirtualClock) -> None:
    sandbox = Sandbox(clock=vclock.monotonic)
    with pytest.raises(RuntimeError):
        _ = sandbox.url
    with sandbox as running:
        assert running is sandbox
        assert sandbox.url.startswith("http://127.0.0.1:") and not sandbox.url.endswith("/")
        with pytest.raises(RuntimeError):
            sandbox.start()
        url = sandbox.url
    with pytest.raises(requests.ConnectionError):
        requests.get(url, timeout=2)
    sandbox.stop()  # stopping twice is harmless
    sandbox.start()
    try:
        assert requests.get(f"{sandbox.url}/nothing", timeout=2).status_code == 404
    finally:
        sandbox.stop()


def test_stop_cuts_keep_alive_connections(vclock: VirtualClock) -> None:
    sandbox = Sandbox(clock=vclock.monotonic).start()
    with requests.Session() as session:
        assert session.get(f"{sandbox.url}/nothing", timeout=2).status_code == 404
        started = time.monotonic()
        sandbox.stop()
        assert time.monotonic() - started < 1


def test_the_server_writes_nothing_to_stderr(sb: Sandbox, capfd: pytest.CaptureFixture[str]) -> None:
    sb.add_offer("contoso", "vm-offer")
    sb.inject(path="reset-me", kind="reset")
    status(sb, "vm-offer")
    requests.get(f"{sb.url}/nothing", timeout=2)
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{sb.url}/reset-me", timeout=2)
    requests.request("BREW", f"{sb.url}/pot", timeout=2)
    token_request(sb, **secret_form(client_secret="wrong"))
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""
