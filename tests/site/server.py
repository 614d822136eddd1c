"""A static server for the built site that counts what it sends."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import threading
from pathlib import Path


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass

    def send_head(self):
        body = super().send_head()
        if body is not None and hasattr(body, "fileno"):
            self.server.sent.append((self.path, os.fstat(body.fileno()).st_size))
        return body

    def handle(self):
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the browser moved on
            super().handle()


class SiteServer:
    """Serves a folder on 127.0.0.1, on a free port, in a thread; `sent` logs (path, bytes)."""

    def __init__(self, folder: Path) -> None:
        self._server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(_Handler, directory=str(folder))
        )
        self._server.sent = []
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def sent(self) -> list[tuple[str, int]]:
        return self._server.sent

    def __enter__(self) -> SiteServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
