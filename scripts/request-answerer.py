#!/usr/bin/env python3
"""The tax administration's system, for scripts/check-requests.sh: a small real system of
its own that receives Parcours's signed webhooks and answers the requests made to it.

It checks each delivery's Standard Webhooks signature with the `standardwebhooks` package
from PyPI (as scripts/webhook-receiver.py does: an implementation independent of
Parcours's), and for each `parcours.request.opened` answers the request through the
API with its own token: `POST /requests/{id}/answer` with the tax notice as the value and
the delivery's `webhook-id` as `Idempotency-Key`, so that a redelivery answers once. It
appends one JSON line per delivery to its log: {"id", "type", "valid", "request", "answered"}.
"""
import argparse
import hashlib
import json
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--secret-file", required=True)
parser.add_argument("--token-file", required=True)
parser.add_argument("--api", required=True, help="the API's base URL, such as http://127.0.0.1:8080/api/v1")
parser.add_argument("--log", required=True)
args = parser.parse_args()
lock = threading.Lock()


def log(entry):
    with lock, open(args.log, "a") as out:
        out.write(json.dumps(entry) + "\n")


def read(path):
    with open(path) as f:
        return f.read().strip()


def valid(body, headers):
    try:
        Webhook(read(args.secret_file)).verify(body, headers)
        return True
    except WebhookVerificationError:
        return False


def answer(request_id, webhook_id):
    notice = {"type": "avis-imposition", "issuer": "dgfip", "name": "avis-2025.pdf", "size": 184320,
              "sha256": hashlib.sha256(b"avis 2025").hexdigest()}
    call = urllib.request.Request(f"{args.api}/requests/{request_id}/answer", method="POST",
                                  data=json.dumps({"value": notice}).encode(),
                                  headers={"Authorization": f"Bearer {read(args.token_file)}",
                                           "Content-Type": "application/json", "Idempotency-Key": webhook_id})
    try:
        with urllib.request.urlopen(call, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        headers = {k.lower(): v for k, v in self.headers.items()}
        entry = {"id": headers.get("webhook-id"), "valid": valid(body, headers)}
        code = 400
        if entry["valid"]:
            event = json.loads(body)
            entry["type"] = event.get("type")
            code = 204
            if entry["type"] == "parcours.request.opened":
                request = event["data"]["request"]
                entry["request"] = request["request"]
                entry["answered"] = answer(request["id"], entry["id"])
                code = 204 if entry["answered"] == 200 else 500
        log(entry)
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_):
        pass


ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()
