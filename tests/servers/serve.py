"""serve.py - what the test servers share: announce the port, serve, and
stop by themselves.

The server listens on 127.0.0.1 port 0; the port it got is written to
port_file atomically (the tests wait for the file). It stops on SIGTERM,
SIGINT, or when lifetime seconds have passed, whatever the tests do.
"""
import os
import signal
import threading


def body_chunks(headers, rfile):
    """The body of an HTTP request, piece by piece as it arrives: chunked
    (Transfer-Encoding) or of Content-Length bytes."""
    if headers.get("Transfer-Encoding", "").lower() == "chunked":
        while True:
            line = rfile.readline(1024)
            if not line:
                raise ConnectionError("the client hung up in a chunk")
            size = int(line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                # trailers, then the blank line
                while rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass
                return
            while size > 0:
                data = rfile.read(min(size, 65536))
                if not data:
                    raise ConnectionError("the client hung up in a chunk")
                size -= len(data)
                yield data
            rfile.readline(1024)  # the CRLF after the chunk
    else:
        left = int(headers.get("Content-Length") or 0)
        while left > 0:
            data = rfile.read(min(left, 65536))
            if not data:
                raise ConnectionError("the client hung up in the body")
            left -= len(data)
            yield data


def serve(server, port_file, lifetime):
    tmp = port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.replace(tmp, port_file)

    def stop(*_):
        os._exit(0)  # at once: nothing to flush, every file is written whole

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    timer = threading.Timer(lifetime, stop)
    timer.daemon = True
    timer.start()
    try:
        server.serve_forever(poll_interval=0.1)
    finally:
        server.server_close()
    return 0
