#!/usr/bin/env python3
"""A webhook receiver to try hookhub with: it answers 200 OK to every
request and prints each one (method, path, headers, body).

    python3 docs/examples/receiver.py 9000

It returns once it listens on 127.0.0.1:9000, and keeps receiving in the
background; it prints its process id, to stop it with kill. hookhub posts
to this machine only when it runs with --allow-private-targets.
"""
import errno
import http.server
import os
import sys
import time


class Receiver(http.server.BaseHTTPRequestHandler):
    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace")
        print(f"{self.command} {self.path}\n{self.headers}{body}\n", flush=True)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"OK")

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET = answer

    def log_message(self, *args):
        pass  # answer prints every request already


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 9000
    for wait in range(50):  # a receiver just stopped may hold the port a moment
        try:
            server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Receiver)
            break
        except OSError as e:
            if e.errno != errno.EADDRINUSE or wait == 49:
                raise
            time.sleep(0.1)
    child = os.fork()  # listening already: the caller may post at once
    if child:
        print(f"receiving on http://127.0.0.1:{port}/ (process {child}; stop it with: kill {child})", flush=True)
        return
    server.serve_forever()


if __name__ == "__main__":
    main()
