#!/usr/bin/env python3
"""A pension body's system receiving Parcours's webhooks, for the end-to-end checks.

It checks every delivery with the `standardwebhooks` package from PyPI (an implementation
of Standard Webhooks independent of Parcours's), answers as its mode file says, and
appends one JSON line per delivery to its log:

    {"id": webhook-id, "type", "subject", "version", "whose_move", "valid": bool, "answered": code}

Modes (the first word of --mode-file, read at each request): `ok` (204), `fail` (500),
`slow SECONDS` (answers 204 after a pause; logs the request when it arrives, with
"answered": null, and again once answered).
"""
import argparse
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--secret-file", required=True, help="a file holding the whsec_ secret (read at each request)")
parser.add_argument("--log", required=True)
parser.add_argument("--mode-file", required=True)
args = parser.parse_args()
lock = threading.Lock()


def log(entry):
    with lock, open(args.log, "a") as out:
        out.write(json.dumps(entry) + "\n")


def read(path, default):
    try:
        with open(path) as f:
            return f.read().strip() or default
    except FileNotFoundError:
        return default


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        headers = {k.lower(): v for k, v in self.headers.items()}
        entry = {"id": headers.get("webhook-id"), "at": time.time()}
        try:
            Webhook(read(args.secret_file, "")).verify(body, headers)
            entry["valid"] = True
        except WebhookVerificationError as error:
            entry["valid"] = False
            entry["error"] = str(error)
        try:
            event = json.loads(body)
            data = event.get("data", {})
            entry.update(type=event.get("type"), subject=event.get("subject"), version=data.get("version"),
                         whose_move=data.get("whose_move"), fields=sorted(data.get("data", {}).keys()))
        except ValueError:
            entry["valid"] = False
        mode = read(args.mode_file, "ok").split()
        if mode[0] == "slow":
            log(dict(entry, answered=None))
            time.sleep(float(mode[1]))
        code = 500 if mode[0] == "fail" or not entry["valid"] else 204
        log(dict(entry, answered=code))
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_):
        pass


ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()
