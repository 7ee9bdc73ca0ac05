#!/usr/bin/env python3
"""A throw-away SMTP receiver for the notifier tests (Python 3 standard library).

    smtpd.py [--fail N] [--lifetime S] PORT_FILE MAIL_DIR

Listens on 127.0.0.1 only, on a port the system chooses, and writes that
port (digits and a newline) to PORT_FILE once it accepts connections; the
file appears whole (written aside, then renamed).

Each message accepted is written to MAIL_DIR as msg-NNNN.eml (the DATA
exactly as received, CRLF line endings, dot-stuffing undone) and
msg-NNNN.json ({"mail_from": "...", "rcpt_to": ["...", ...]}, written
first); both are complete before the server answers 250, so they are there
when the client exits.

--fail N: the first N messages are refused after DATA with
"451 4.3.0 simulated failure" (and not written).

The server stops by itself after --lifetime seconds (default 120), or on
SIGTERM or SIGINT.

It speaks just enough SMTP (RFC 5321) for a sendmail-like client such as
msmtp: HELO/EHLO (announcing 8BITMIME, SMTPUTF8 and PIPELINING), MAIL,
RCPT, DATA, RSET, NOOP, VRFY, QUIT; no TLS, no AUTH.  (Python 3.12 dropped
the smtpd module, and aiosmtpd is not in the standard library: this needs
neither.)
"""

import argparse
import json
import os
import re
import socketserver
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve import serve  # noqa: E402

ADDR_RE = re.compile(rb"^(?:FROM|TO):\s*<([^>]*)>", re.I)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fail", type=int, default=0, metavar="N")
    ap.add_argument("--lifetime", type=float, default=120.0, metavar="S")
    ap.add_argument("port_file")
    ap.add_argument("mail_dir")
    opts = ap.parse_args()
    os.makedirs(opts.mail_dir, exist_ok=True)

    lock = threading.Lock()
    state = {"data": 0, "saved": 0}

    def save(mail_from, rcpt_to, data):
        with lock:
            state["data"] += 1
            if state["data"] <= opts.fail:
                return False
            state["saved"] += 1
            base = os.path.join(opts.mail_dir, "msg-%04d" % state["saved"])
        env = {"mail_from": mail_from.decode("utf-8", "replace"),
               "rcpt_to": [r.decode("utf-8", "replace") for r in rcpt_to]}
        for ext, payload in ((".json", (json.dumps(env, ensure_ascii=False) + "\n").encode()),
                             (".eml", data)):
            with open(base + ext + ".tmp", "wb") as f:
                f.write(payload)
            os.replace(base + ext + ".tmp", base + ext)
        return True

    class Handler(socketserver.StreamRequestHandler):
        timeout = 30

        def reply(self, text):
            self.wfile.write(text.encode() + b"\r\n")
            self.wfile.flush()

        def handle(self):
            try:
                self.session()
            except (OSError, ValueError):
                pass

        def session(self):
            self.reply("220 127.0.0.1 ESMTP ew-test-smtpd")
            mail_from, rcpt_to = None, []
            while True:
                line = self.rfile.readline(65536)
                if not line:
                    return
                line = line.rstrip(b"\r\n")
                verb, _, arg = line.partition(b" ")
                verb = verb.upper()
                if verb == b"EHLO":
                    self.wfile.write(b"250-127.0.0.1\r\n250-8BITMIME\r\n"
                                     b"250-SMTPUTF8\r\n250-PIPELINING\r\n250 HELP\r\n")
                    self.wfile.flush()
                elif verb == b"HELO":
                    self.reply("250 127.0.0.1")
                elif verb == b"MAIL":
                    m = ADDR_RE.match(arg)
                    if not m:
                        self.reply("501 5.5.4 syntax: MAIL FROM:<address>")
                        continue
                    mail_from, rcpt_to = m.group(1), []
                    self.reply("250 2.1.0 ok")
                elif verb == b"RCPT":
                    m = ADDR_RE.match(arg)
                    if mail_from is None:
                        self.reply("503 5.5.1 MAIL first")
                    elif not m or not m.group(1):
                        self.reply("501 5.5.4 syntax: RCPT TO:<address>")
                    else:
                        rcpt_to.append(m.group(1))
                        self.reply("250 2.1.5 ok")
                elif verb == b"DATA":
                    if mail_from is None or not rcpt_to:
                        self.reply("503 5.5.1 MAIL and RCPT first")
                        continue
                    self.reply("354 end with <CRLF>.<CRLF>")
                    lines = []
                    while True:
                        dl = self.rfile.readline(1 << 20)
                        if not dl:
                            return
                        if dl in (b".\r\n", b".\n"):
                            break
                        if dl.startswith(b"."):
                            dl = dl[1:]
                        lines.append(dl)
                    if save(mail_from, rcpt_to, b"".join(lines)):
                        self.reply("250 2.0.0 queued")
                    else:
                        self.reply("451 4.3.0 simulated failure")
                    mail_from, rcpt_to = None, []
                elif verb == b"RSET":
                    mail_from, rcpt_to = None, []
                    self.reply("250 2.0.0 ok")
                elif verb == b"NOOP":
                    self.reply("250 2.0.0 ok")
                elif verb == b"VRFY":
                    self.reply("252 2.1.5 cannot verify")
                elif verb == b"QUIT":
                    self.reply("221 2.0.0 bye")
                    return
                else:
                    self.reply("502 5.5.2 command not implemented")

    class Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True

        def handle_error(self, request, client_address):
            pass

    server = Server(("127.0.0.1", 0), Handler)
    return serve(server, opts.port_file, opts.lifetime)


if __name__ == "__main__":
    sys.exit(main())
