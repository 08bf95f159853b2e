"""A local stand-in for api.crossref.org: a real HTTP server in a thread.

It answers `/works/{doi}` and `/works?filter=updates:{doi}` from the recorded Crossref JSON in
`tests/data/crossref/`, so the real client code runs over HTTP and no test needs the internet.
`mode` makes it misbehave: "hang" (answers nothing past the client's timeout), "500", "html",
"redirect" (one 302 to `redirect_to` + the path asked for). `works[doi]` and `updates[doi]`
hold bodies served instead of the recorded answers (the fuzz tests put mutated answers there).
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

RECORDED = Path(__file__).resolve().parent / "data" / "crossref"
EMPTY_LIST = b'{"status":"ok","message-type":"work-list","message":{"total-results":0,"items":[]}}'


def recorded_name(doi: str) -> str:
    return doi.replace("/", "_") + ".json"


class FakeCrossref:
    def __init__(self):
        self.mode = "ok"
        self.requests = []  # (path with query, headers) of every request, in order
        self.release = threading.Event()
        self.works = {}  # doi -> body served at /works/{doi} instead of a recorded file
        self.updates = {}  # doi -> body served at /works?filter=updates:{doi}
        self.redirect_to = ""
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the http.server API
                fake.requests.append((self.path, dict(self.headers)))
                if fake.mode == "hang":
                    fake.release.wait(5)
                    return
                if fake.mode == "500":
                    return self._send(500, b"Internal Server Error", "text/plain")
                if fake.mode == "redirect":
                    fake.mode = "ok"  # once: the request it leads to is answered
                    self.send_response(302)
                    self.send_header("Location", fake.redirect_to + self.path)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return None
                if fake.mode == "html":
                    page = b"<!doctype html><html><body><h1>Maintenance</h1></body></html>"
                    return self._send(200, page, "text/html")
                url = urlsplit(self.path)
                query = parse_qs(url.query)
                if url.path == "/works" and "filter" in query:
                    doi = query["filter"][0].removeprefix("updates:")
                    if doi in fake.updates:
                        return self._send(200, fake.updates[doi], "application/json")
                    file = RECORDED / "updates" / recorded_name(doi)
                    body = file.read_bytes() if file.exists() else EMPTY_LIST
                    return self._send(200, body, "application/json")
                if url.path.startswith("/works/"):
                    doi = unquote(url.path[len("/works/") :])
                    if doi in fake.works:
                        return self._send(200, fake.works[doi], "application/json")
                    file = RECORDED / "works" / recorded_name(doi)
                    if file.exists():
                        return self._send(200, file.read_bytes(), "application/json")
                return self._send(404, b"Resource not found.", "text/plain")

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

    def work_requests(self):
        return [path for path, _ in self.requests if path.startswith("/works/")]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
