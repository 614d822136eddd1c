"""A static server that answers like GitHub Pages does for a project site.

* The site lives under a path prefix, such as /lambda-puzzle/; nothing else exists.
* A folder is served by its index.html; a folder asked for without its final slash
  is redirected to it (301).
* A missing address under the prefix gets the site's own 404.html, with status 404.
* Text (HTML, CSS, JavaScript, JSON, XML, SVG) is gzipped when the browser accepts it.
* What exists may be cached for ten minutes (Cache-Control: max-age=600), as Pages
  allows; a browser that loads page after page fetches the theme's files once.
* A connection carries request after request (HTTP/1.1 keep-alive).

It counts the bytes it sends (after gzip), for the byte budget, with the label a
client may give its requests in the COUNTED_AS header.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import mimetypes
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

TEXT_TYPES = ("text/", "application/javascript", "application/json", "application/xml", "image/svg+xml")
COUNTED_AS = "X-Counted-As"
mimetypes.add_type("application/x-ipynb+json", ".ipynb")
mimetypes.add_type("application/zip", ".whl")


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server
    # Keep-alive, as Pages (HTTP/2, one connection) gives: with HTTP/1.0 every request
    # opened a connection of its own, and Lighthouse's simulated phone paid a round
    # trip for each. Every answer says its length, so a connection can carry the next.
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # the signature is the base class's
        pass

    def handle(self):
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the browser moved on
            super().handle()

    def do_GET(self):  # the name http.server calls
        path = unquote(urlsplit(self.path).path)
        prefix = self.server.prefix
        if not path.startswith(prefix):
            return self._send(404, b"outside the site", "text/plain")
        file = (self.server.folder / path[len(prefix):]).resolve()
        if not file.is_relative_to(self.server.folder):
            return self._send(404, b"outside the site", "text/plain")
        if file.is_dir() and not path.endswith("/"):
            self.send_response(301)
            self.send_header("Location", path + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if file.is_dir():
            file = file / "index.html"
        status = 200
        if not file.is_file():
            status, file = 404, self.server.folder / "404.html"
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        zipped = kind.startswith(TEXT_TYPES) and "gzip" in self.headers.get("Accept-Encoding", "")
        return self._send(status, _body(file, file.stat().st_mtime_ns, zipped), kind, zipped)

    def _send(self, status: int, body: bytes, kind: str, zipped: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind + ("; charset=utf-8" if kind.startswith("text/") else ""))
        self.send_header("Content-Length", str(len(body)))
        if zipped:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        if status == 200:
            self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        # Noted before it is sent: once a client has the answer, the count holds it.
        self.server.sent.append((self.path, len(body), self.headers.get(COUNTED_AS)))
        self.wfile.write(body)


@functools.lru_cache(maxsize=512)
def _body(file: Path, mtime_ns: int, zipped: bool) -> bytes:
    """The file's bytes as sent, gzipped once per version of the file (mtime_ns is the key)."""
    body = file.read_bytes()
    return gzip.compress(body, compresslevel=6, mtime=0) if zipped else body


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True  # close() waits for no connection a browser keeps open
    folder: Path
    prefix: str
    sent: list[tuple[str, int, str | None]]


class PagesServer:
    """Serves `folder` at http://127.0.0.1:<free port><prefix>, in a thread.

    The port is taken when the server is made, so that a site can be built for the
    address before it is served; `start()` serves it, `close()` stops. It is also a
    context manager that does both.
    """

    def __init__(self, folder: Path, prefix: str = "/") -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.folder = Path(folder).resolve()
        self._server.prefix = prefix
        self._server.sent = []
        self.origin = f"http://127.0.0.1:{self._server.server_port}"
        self.url = self.origin + prefix.rstrip("/")  # page paths start with "/"
        # close() waits for the serving loop to look up: a twentieth of a second at most.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def sent(self) -> list[tuple[str, int, str | None]]:
        """(path, bytes on the wire, the request's COUNTED_AS label) of every response so far."""
        return self._server.sent

    def start(self) -> None:
        if not self._thread.is_alive():
            self._thread.start()

    def close(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> PagesServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()
