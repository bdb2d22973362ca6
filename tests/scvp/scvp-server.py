#!/usr/bin/env python3
"""The SCVP test responder: HTTP POST on 127.0.0.1:PORT, each CVRequest
answered by scvp-answer.  Usage: scvp-server.py PORT SCVP-ANSWER ARGS..."""
import http.server
import subprocess
import sys

port, answer, args = int(sys.argv[1]), sys.argv[2], sys.argv[3:]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        run = subprocess.run([answer] + args, input=body, capture_output=True)
        if run.returncode != 0:
            sys.stderr.write(run.stderr.decode(errors="replace"))
            self.send_response(500)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/scvp-cv-response")
        self.send_header("Content-Length", str(len(run.stdout)))
        self.end_headers()
        self.wfile.write(run.stdout)


http.server.HTTPServer(("127.0.0.1", port), Handler).serve_forever()
