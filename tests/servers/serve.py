"""serve.py - what the test servers share: announce the port, serve, and
stop by themselves.

The server listens on 127.0.0.1 port 0; the port it got is written to
port_file atomically (the tests wait for the file). It stops on SIGTERM,
SIGINT, or when lifetime seconds have passed, whatever the tests do.
"""
import os
import signal
import threading


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
