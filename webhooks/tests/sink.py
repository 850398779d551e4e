"""A real HTTP receiver on 127.0.0.1 for webhook tests: records every request, answers with the statuses
it is told to (then 200)."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from helpdesk.testing import free_port


class Sink:
    def __init__(self):
        self.port = free_port()
        self.requests: list[dict] = []
        self.statuses: list[int] = []  # answered in order, then 200
        self.extra_headers: dict[str, str] = {}
        self._lock = threading.Lock()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real receivers do

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with sink._lock:
                    sink.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                    status = sink.statuses.pop(0) if sink.statuses else 200
                answer = b'{"ok": true}'
                self.send_response(status)
                for k, v in sink.extra_headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def wait_for(self, n: int, timeout: float = 30.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while len(self.requests) < n:
            if time.monotonic() > deadline:
                raise AssertionError(f"only {len(self.requests)} of {n} webhook requests arrived")
            time.sleep(0.02)
        return self.requests

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
