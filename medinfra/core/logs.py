"""Structured log lines that carry no personal data."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

# Only these attributes of a log record are written: an allow-list, as for public output.
REQUEST_FIELDS = ("method", "path", "status_code")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and request facts if any."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        if request is not None:
            # The path only: query strings and bodies can hold what people typed.
            line["method"] = getattr(request, "method", None)
            line["path"] = getattr(request, "path", None)
        status = getattr(record, "status_code", None)
        if status is not None:
            line["status_code"] = status
        if record.exc_info and record.exc_info[0] is not None:
            # The exception's type, not its text or locals, which may quote user input.
            line["exception"] = record.exc_info[0].__name__
        return json.dumps(line, ensure_ascii=False)
