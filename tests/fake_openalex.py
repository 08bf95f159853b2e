"""A local stand-in for api.openalex.org: a real HTTP server in a thread.

It answers from the recorded OpenAlex JSON in `tests/data/openalex/`:
`/works/doi:{doi}` from `works/`, `/works?filter=cites:…` from `cites/` (cursor "*" is
`page1.json`, any other cursor `{cursor}.json`) and `/works?search=…` from `search.json`
(a search for "nothing" finds nothing). `mode` makes it misbehave: "hang" (answers nothing
past the client's timeout), "500", "html", "malformed" (JSON without a list of results) and
"redirect" (sends the client to another host).
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

RECORDED = Path(__file__).resolve().parent / "data" / "openalex"
EMPTY = json.dumps({"meta": {"count": 0, "next_cursor": None}, "results": []}).encode()


class FakeOpenAlex:
    def __init__(self):
        self.mode = "ok"
        self.requests = []  # (path with query, headers) of every request, in order
        self.release = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the http.server API
                fake.requests.append((self.path, dict(self.headers)))
                if fake.mode == "hang":
                    fake.release.wait(5)
                    return
                if fake.mode == "500":
                    return self._send(500, b"Internal Server Error", "text/plain")
                if fake.mode == "html":
                    return self._send(200, b"<!doctype html><h1>Maintenance</h1>", "text/html")
                if fake.mode == "malformed":
                    return self._send(200, b'{"meta": {}, "results": "none"}', "application/json")
                if fake.mode == "redirect":
                    self.send_response(302)
                    self.send_header("Location", "http://example.invalid/works")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return None
                url = urlsplit(self.path)
                query = parse_qs(url.query)
                if url.path.startswith("/works/doi:"):
                    doi = unquote(url.path[len("/works/doi:") :])
                    file = RECORDED / "works" / (doi.replace("/", "_") + ".json")
                    if file.exists():
                        return self._send(200, file.read_bytes(), "application/json")
                    return self._send(404, b'{"error": "not found"}', "application/json")
                if url.path == "/works":
                    cursor = query.get("cursor", ["*"])[0]
                    if "cites:" in query.get("filter", [""])[0]:
                        name = "page1" if cursor == "*" else cursor
                        file = RECORDED / "cites" / f"{name}.json"
                        body = file.read_bytes() if file.exists() else EMPTY
                        return self._send(200, body, "application/json")
                    if "search" in query:
                        found = query["search"][0] != "nothing"
                        body = (RECORDED / "search.json").read_bytes() if found else EMPTY
                        return self._send(200, body, "application/json")
                return self._send(404, b'{"error": "not found"}', "application/json")

            def _send(self, status, body, content_type):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def paths(self):
        return [path for path, _ in self.requests]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
