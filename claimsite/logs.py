"""How the server's log lines look: one line per record, so one failed request is one line."""

import logging


class OneLineFormatter(logging.Formatter):
    """`LEVEL logger message`, with any traceback folded into the same line."""

    def __init__(self):
        super().__init__("%(levelname)s %(name)s %(message)s")

    def format(self, record):
        line = super().format(record)
        return line.replace("\r", "").replace("\n", " ⏎ ")

    def formatException(self, ei):  # noqa: N802 - logging's own name
        return super().formatException(ei).strip()
