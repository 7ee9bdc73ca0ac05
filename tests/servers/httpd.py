#!/usr/bin/env python3
"""A throw-away HTTP server for the notifier tests (Python 3 standard library).

    httpd.py [--fail N] [--fail-status CODE] [--delay S] [--lifetime S]
             PORT_FILE LOG_FILE

Listens on 127.0.0.1 only, on a port the system chooses, and writes that
port (digits and a newline) to PORT_FILE once it accepts connections; the
file appears whole (written aside, then renamed), so a test can wait for it
to exist.

Every request is logged as one JSON line appended to LOG_FILE:
    {"method": "POST", "path": "/hook", "authorization": "Bearer x" or null,
     "content_type": "...", "body": "...", "status": 200}
The body is decoded as UTF-8 (undecodable bytes become U+FFFD).

Answers: the first N requests (--fail N, default 0) get status CODE
(--fail-status, default 500) with the body "simulated failure"; later ones
get 200 "ok".  --delay S waits S seconds before answering each request (to
test the client's timeout).

The server stops by itself after --lifetime seconds (default 120), on
SIGTERM or SIGINT, or on a request for the path /quit.
"""

import argparse
import http.server
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve import body_chunks, serve  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fail", type=int, default=0, metavar="N")
    ap.add_argument("--fail-status", type=int, default=500, metavar="CODE")
    ap.add_argument("--delay", type=float, default=0.0, metavar="S")
    ap.add_argument("--lifetime", type=float, default=120.0, metavar="S")
    ap.add_argument("port_file")
    ap.add_argument("log_file")
    opts = ap.parse_args()

    lock = threading.Lock()
    state = {"requests": 0}

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "ew-test-httpd"

        def log_message(self, fmt, *args):  # quiet
            pass

        def _read_body(self):
            return b"".join(body_chunks(self.headers, self.rfile))

        def _handle(self):
            body = self._read_body()
            if self.path == "/quit":
                self._answer(200, b"bye\n")
                threading.Thread(target=self.server.shutdown, daemon=True).start()
                return
            with lock:
                state["requests"] += 1
                n = state["requests"]
            status = opts.fail_status if n <= opts.fail else 200
            entry = {
                "method": self.command,
                "path": self.path,
                "authorization": self.headers.get("Authorization"),
                "content_type": self.headers.get("Content-Type"),
                "body": body.decode("utf-8", "replace"),
                "status": status,
            }
            with lock:
                with open(opts.log_file, "a", encoding="utf-8") as f:
                    f.write(json.dumps(entry, ensure_ascii=False) + "\n")
            if opts.delay > 0:
                time.sleep(opts.delay)
            self._answer(status, b"ok\n" if status < 400 else b"simulated failure\n")

        def _answer(self, status, payload):
            try:
                self.send_response(status)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(payload)
                self.close_connection = True
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout tests)

        do_POST = do_PUT = do_GET = _handle

    class Server(http.server.ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request, client_address):
            pass  # a client that hung up is not an error here

    server = Server(("127.0.0.1", 0), Handler)
    return serve(server, opts.port_file, opts.lifetime)


if __name__ == "__main__":
    sys.exit(main())
