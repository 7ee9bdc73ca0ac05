#!/usr/bin/env python3
"""A throw-away HTTPS git server for the https sync tests (Python 3 standard library).

    githttpd.py --cert CERT --key KEY --token TOKEN [--open]
                [--redirect BASE] [--lifetime S] PORT_FILE LOG_FILE ROOT

Serves the bare repositories under ROOT over git's smart HTTP protocol:
each request runs `git http-backend` as a CGI program (GIT_PROJECT_ROOT=ROOT,
GIT_HTTP_EXPORT_ALL=1), so https://127.0.0.1:PORT/segou.git is the bare
repository ROOT/segou.git, for fetch, clone and push.

Listens on 127.0.0.1 only, on a port the system chooses, and writes that
port (digits and a newline) to PORT_FILE once it accepts connections; the
file appears whole (written aside, then renamed), so a test can wait for it
to exist.  TLS only: CERT and KEY (PEM) are the server's certificate and
key; the TLS handshake happens in the connection's own thread, so a client
that gives up on the certificate holds up no other.  A connection that
makes no request (the handshake failed, or the client hung up after it) is
reported on stderr as
    githttpd: a connection from 127.0.0.1:PORT made no request: WHY
and not in LOG_FILE.

Every request must carry the header "Authorization: Bearer TOKEN"; one that
does not is answered 401 with "WWW-Authenticate: Bearer realm=..." (unless
--open: then it is served all the same, and only logged).  With
--redirect BASE every request is answered "302 Found" with Location BASE
followed by the request's path and query, and nothing is served.

Every request is logged as one JSON line appended to LOG_FILE, complete
before the answer is sent:
    {"method": "GET", "path": "/segou.git/info/refs",
     "query": "service=git-upload-pack",
     "authorization": null | "right" | "wrong",
     "chunked": false, "status": 200}
"authorization" says whether the header was absent, equal to
"Bearer TOKEN", or something else; the token itself (or whatever the
client sent) is never written anywhere.  "chunked" is true when the
request body came in chunked transfer encoding (git sends a large push
that way); it is passed to the backend as a stream all the same, ended by
end of file, without CONTENT_LENGTH.

The server stops by itself after --lifetime seconds (default 120), or on
SIGTERM or SIGINT.
"""

import argparse
import http.server
import json
import os
import ssl
import subprocess
import sys
import threading
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve import body_chunks, serve  # noqa: E402

# Request headers not handed to the CGI program as HTTP_*: the token stays
# in this process, and the body's framing is the server's business.
NOT_PASSED = {"authorization", "content-type", "content-length",
              "transfer-encoding", "connection", "proxy-authorization"}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cert", required=True, metavar="CERT")
    ap.add_argument("--key", required=True, metavar="KEY")
    ap.add_argument("--token", required=True, metavar="TOKEN")
    ap.add_argument("--open", action="store_true")
    ap.add_argument("--redirect", metavar="BASE")
    ap.add_argument("--lifetime", type=float, default=120.0, metavar="S")
    ap.add_argument("port_file")
    ap.add_argument("log_file")
    ap.add_argument("root")
    opts = ap.parse_args()
    root = os.path.abspath(opts.root)
    expected = "Bearer " + opts.token

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(opts.cert, opts.key)

    lock = threading.Lock()

    def log(entry):
        with lock:
            with open(opts.log_file, "a", encoding="utf-8") as f:
                f.write(json.dumps(entry) + "\n")

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "ew-test-githttpd"

        def log_message(self, fmt, *args):  # quiet
            pass

        def _body_chunks(self):
            """The request body, piece by piece, as it arrives."""
            return body_chunks(self.headers, self.rfile)

        def _drain(self):
            for _ in self._body_chunks():
                pass

        requests = 0  # on this connection

        def _handle(self):
            self.requests += 1
            path, _, query = self.path.partition("?")
            auth = self.headers.get("Authorization")
            verdict = None if auth is None else "right" if auth == expected else "wrong"
            chunked = self.headers.get("Transfer-Encoding", "").lower() == "chunked"
            entry = {"method": self.command, "path": path, "query": query,
                     "authorization": verdict, "chunked": chunked}
            if opts.redirect:
                self._drain()
                entry["status"] = 302
                log(entry)
                self._answer(302, "Found", [("Location", opts.redirect + self.path)],
                             b"moved\n")
                return
            if verdict != "right" and not opts.open:
                self._drain()
                entry["status"] = 401
                log(entry)
                self._answer(401, "Unauthorized",
                             [("WWW-Authenticate", 'Bearer realm="ew-test"')],
                             b"a bearer token is required\n")
                return
            status, reason, headers, body = self._cgi(path, query, verdict, chunked)
            entry["status"] = status
            log(entry)
            self._answer(status, reason, headers, body)

        def _cgi(self, path, query, verdict, chunked):
            env = {
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "HOME": os.environ.get("HOME", root),
                "GIT_CONFIG_NOSYSTEM": "1",
                "GIT_PROJECT_ROOT": root,
                "GIT_HTTP_EXPORT_ALL": "1",
                "GATEWAY_INTERFACE": "CGI/1.1",
                "SERVER_PROTOCOL": "HTTP/1.1",
                "SERVER_NAME": "127.0.0.1",
                "SERVER_PORT": str(self.server.server_address[1]),
                "REQUEST_METHOD": self.command,
                "PATH_INFO": urllib.parse.unquote(path),
                "QUERY_STRING": query,
                "REMOTE_ADDR": self.client_address[0],
            }
            if verdict == "right":
                # http-backend takes pushes only from an authenticated user
                env["REMOTE_USER"] = "office"
                env["AUTH_TYPE"] = "Bearer"
            elif opts.open:
                env["REMOTE_USER"] = "anonymous"
            if self.headers.get("Content-Type"):
                env["CONTENT_TYPE"] = self.headers["Content-Type"]
            if not chunked and self.headers.get("Content-Length"):
                env["CONTENT_LENGTH"] = self.headers["Content-Length"]
            for k, v in self.headers.items():
                if k.lower() not in NOT_PASSED:
                    env["HTTP_" + k.upper().replace("-", "_")] = v
            proc = subprocess.Popen(["git", "http-backend"], env=env, cwd=root,
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            failure = []

            def feed():
                # the body goes to the backend as it arrives; if the
                # backend stops reading, the rest is read and dropped
                broken = False
                try:
                    for data in self._body_chunks():
                        if not broken:
                            try:
                                proc.stdin.write(data)
                            except BrokenPipeError:
                                broken = True
                except (OSError, ValueError, ConnectionError) as e:
                    failure.append(e)
                finally:
                    try:
                        proc.stdin.close()
                    except BrokenPipeError:
                        pass

            feeder = threading.Thread(target=feed, daemon=True)
            feeder.start()
            out = proc.stdout.read()
            proc.wait()
            feeder.join()
            if failure:
                raise ConnectionError(str(failure[0]))
            head, sep, body = out.partition(b"\r\n\r\n")
            if not sep:
                head, sep, body = out.partition(b"\n\n")
            status, reason, headers = 200, "OK", []
            for line in head.decode("latin-1").splitlines():
                name, _, value = line.partition(":")
                value = value.strip()
                if name.lower() == "status":
                    code, _, reason = value.partition(" ")
                    status = int(code)
                elif name and name.lower() not in ("content-length", "connection"):
                    headers.append((name, value))
            if not sep or proc.returncode != 0 and status == 200:
                return 500, "Internal Server Error", [], b"git http-backend failed\n"
            return status, reason, headers, body

        def _answer(self, status, reason, headers, payload):
            try:
                self.send_response(status, reason)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                if status >= 300:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                self.wfile.write(payload)
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
                self.close_connection = True

        do_GET = do_POST = _handle

    class Server(http.server.ThreadingHTTPServer):
        daemon_threads = True

        def finish_request(self, request, client_address):
            # in the connection's thread: a handshake that fails or
            # stalls holds up no one else
            request.settimeout(30)
            try:
                conn = ctx.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError) as e:
                self._no_request(client_address, "TLS handshake failed: %s" % e)
                return
            try:
                handler = self.RequestHandlerClass(conn, client_address, self)
            finally:
                conn.close()
            if not handler.requests:
                # a client that checks the certificate after the handshake
                # (curl with GnuTLS) hangs up then
                self._no_request(client_address, "the client hung up")

        def _no_request(self, client_address, why):
            print("githttpd: a connection from %s:%d made no request: %s"
                  % (client_address[0], client_address[1], why),
                  file=sys.stderr, flush=True)

        def handle_error(self, request, client_address):
            pass  # a client that hung up is not an error here

    server = Server(("127.0.0.1", 0), Handler)
    return serve(server, opts.port_file, opts.lifetime)


if __name__ == "__main__":
    sys.exit(main())
