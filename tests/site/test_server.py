"""The test server answers as GitHub Pages does (tests/site/server.py), on a tiny site of its own."""

from __future__ import annotations

import contextlib
import gzip
import http.client
import threading

import pytest

from tests.site.server import COUNTED_AS, PagesServer

PREFIX = "/project/"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("site")
    (folder / "guide").mkdir()
    (folder / "guide" / "index.html").write_text("<p>guide</p>", "utf-8")
    (folder / "404.html").write_text("<p>not here</p>", "utf-8")
    (folder / "style.css").write_text("p { color: red; }\n" * 50, "utf-8")
    (folder / "picture.png").write_bytes(b"\x89PNG not really")
    return folder


@pytest.fixture(scope="module")
def server(site):
    with PagesServer(site, PREFIX) as server:
        yield server


@contextlib.contextmanager
def connect(server: PagesServer):
    host, port = server.origin.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        yield connection
    finally:
        connection.close()


def ask(connection, path: str, **headers) -> tuple[http.client.HTTPResponse, bytes]:
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    return response, response.read()


def get(server: PagesServer, path: str, **headers) -> tuple[http.client.HTTPResponse, bytes]:
    """One request on a connection of its own."""
    with connect(server) as connection:
        return ask(connection, path, **headers)


def test_one_connection_carries_request_after_request(server):
    with connect(server) as connection:
        first, _ = ask(connection, PREFIX + "guide/")
        socket = connection.sock
        answers = [ask(connection, PREFIX + path)[0].status for path in ("style.css", "missing", "guide")]
        reused = connection.sock is socket  # not reopened: the server kept it alive
    assert first.status == 200 and first.version == 11
    assert answers == [200, 404, 301]
    assert reused


def test_a_folder_without_its_slash_is_redirected(server):
    response, body = get(server, PREFIX + "guide")
    assert (response.status, response.getheader("Location"), body) == (301, PREFIX + "guide/", b"")


def test_a_missing_page_gets_the_sites_404_page(server):
    response, body = get(server, PREFIX + "no/such/page/")
    assert (response.status, body) == (404, b"<p>not here</p>")
    assert response.getheader("Cache-Control") is None  # only what exists may be cached


def test_nothing_exists_outside_the_prefix(server):
    for path in ("/", "/guide/", PREFIX + "../404.html"):
        assert get(server, path)[0].status == 404, path


def test_text_is_gzipped_for_a_browser_that_accepts_it(server):
    zipped, body = get(server, PREFIX + "style.css", **{"Accept-Encoding": "gzip, br"})
    assert zipped.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(body) == b"p { color: red; }\n" * 50
    plain, body = get(server, PREFIX + "style.css")
    assert plain.getheader("Content-Encoding") is None and body == b"p { color: red; }\n" * 50
    picture, _ = get(server, PREFIX + "picture.png", **{"Accept-Encoding": "gzip"})
    assert picture.getheader("Content-Encoding") is None
    assert zipped.getheader("Cache-Control") == "max-age=600"


def test_bytes_sent_are_counted_under_the_requests_label(server):
    start = len(server.sent)
    with connect(server) as connection:
        _, zipped = ask(connection, PREFIX + "style.css", **{"Accept-Encoding": "gzip", COUNTED_AS: "home"})
        ask(connection, PREFIX + "guide/")
    assert server.sent[start:] == [(PREFIX + "style.css", len(zipped), "home"), (PREFIX + "guide/", 12, None)]


def test_close_returns_while_a_browser_keeps_a_connection_open(site):
    server = PagesServer(site, PREFIX)
    server.start()
    with connect(server) as connection:
        ask(connection, PREFIX + "guide/")  # left open, as a browser leaves it
        closing = threading.Thread(target=server.close, daemon=True)
        closing.start()
        closing.join(timeout=5)
        assert not closing.is_alive()
