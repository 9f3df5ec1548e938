"""The tests' loopback server (tests/helpers/loopback.py) itself: what it logs, how it frames and closes, and that it
is gone when its block ends.

Crawl tests rely on it for what they assert about requests (nothing off-site asked, robots.txt first, the
User-Agent) and for the framing of hostile answers (bodies without a length, lying lengths, chunks by hand); these
tests speak HTTP to it over a plain socket, so that what they read is the bytes it sent.
"""

from __future__ import annotations

import http.client
import socket

import pytest

from tests.helpers.loopback import NOT_FOUND, Answer, LoopbackServer, Request


def ask(sock: socket.socket, path: str, version: str = "HTTP/1.1") -> http.client.HTTPResponse:
    """Send a GET of ``path`` on ``sock`` and read the answer's status line and headers."""
    sock.sendall(f"GET {path} {version}\r\nHost: portal.example\r\n\r\n".encode())
    response = http.client.HTTPResponse(sock, method="GET")
    response.begin()
    return response


def connect(server: LoopbackServer) -> socket.socket:
    return socket.create_connection((server.host, server.port), timeout=60)  # a bound, not a measure


def test_each_server_binds_a_free_port_of_its_own():
    with LoopbackServer(lambda request: Answer()) as one, LoopbackServer(lambda request: Answer()) as two:
        assert 0 not in (one.port, two.port)
        assert one.port != two.port
        assert one.url == f"http://127.0.0.1:{one.port}"  # no final slash


def test_every_request_is_logged_in_order_with_its_host_and_headers():
    with LoopbackServer(lambda request: NOT_FOUND if request.path == "/robots.txt" else Answer(body=b"ok")) as server:
        connection = http.client.HTTPConnection(server.host, server.port, timeout=60)
        for path in ("/robots.txt", "/tin-tuc/?page=2"):
            connection.request("GET", path, headers={"Host": "portal.example:8080", "User-Agent": "govscraper/1.0"})
            connection.getresponse().read()
        connection.close()
        assert server.paths() == ["/robots.txt", "/tin-tuc/?page=2"]
        assert server.log == [("portal.example:8080", "/robots.txt"), ("portal.example:8080", "/tin-tuc/?page=2")]
        first = server.requests[0]
        assert isinstance(first, Request)
        assert (first.method, first.path, first.host) == ("GET", "/robots.txt", "portal.example:8080")
        assert first.headers.get("user-agent") == "govscraper/1.0"  # read case-insensitively
        server.clear()
        assert server.requests == []


def test_an_answer_is_sent_whole_with_its_headers_in_order():
    home_page = "<p>Trang chủ</p>".encode()
    answers = {
        "/": Answer(body=home_page),
        "/raw": Answer(201, b"raw", None, [("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")]),
    }
    route = lambda request: answers.get(request.path, NOT_FOUND)  # noqa: E731
    with LoopbackServer(route, protocol="HTTP/1.1") as server, connect(server) as sock:
        home = ask(sock, "/")
        assert (home.status, home.getheader("Content-Type")) == (200, "text/html; charset=utf-8")
        assert (home.getheader("Content-Length"), home.read()) == ("18", home_page)
        raw = ask(sock, "/raw")
        assert (raw.status, raw.getheader("Content-Type"), raw.read()) == (201, None, b"raw")
        assert raw.msg.get_all("Set-Cookie") == ["a=1", "b=2"]
        missing = ask(sock, "/khong-co")
        assert (missing.status, missing.read()) == (404, NOT_FOUND.body)


def test_http_1_1_keeps_a_connection_after_whole_answers_and_closes_it_after_a_stream():
    def route(request: Request) -> Answer:
        if request.path == "/stream":
            return Answer(stream=lambda out: out.write(b"streamed"))
        return Answer(body=b"whole")

    with LoopbackServer(route, protocol="HTTP/1.1") as server, connect(server) as sock:
        for _ in range(2):  # the same connection, twice
            whole = ask(sock, "/")
            assert (whole.version, whole.getheader("Content-Length"), whole.read()) == (11, "5", b"whole")
        stream = ask(sock, "/stream")
        assert (stream.getheader("Content-Length"), stream.getheader("Connection")) == (None, "close")
        assert stream.read() == b"streamed"  # read to the end of the connection
        assert sock.recv(1) == b""  # closed by the server
        assert server.paths() == ["/", "/", "/stream"]


def test_http_1_0_closes_the_connection_after_each_answer():
    with LoopbackServer(lambda request: Answer(body=b"whole")) as server, connect(server) as sock:
        answer = ask(sock, "/", "HTTP/1.0")
        assert (answer.version, answer.read()) == (10, b"whole")
        assert sock.recv(1) == b""


def test_a_block_that_fails_leaves_no_server_behind():
    started: list[LoopbackServer] = []

    def a_failing_test() -> None:
        with LoopbackServer(lambda request: Answer()) as server:
            started.append(server)
            with connect(server) as sock:
                assert ask(sock, "/").status == 200
            raise RuntimeError("the test failed")

    with pytest.raises(RuntimeError, match="the test failed"):
        a_failing_test()
    with pytest.raises(ConnectionRefusedError):
        connect(started[0])
    started[0].close()  # closing twice is closing once
