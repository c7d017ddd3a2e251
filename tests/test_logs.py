"""Log lines are structured and carry no personal data."""

import json
import logging

from django.test import RequestFactory

from medinfra.core.logs import JsonFormatter


def _line(**extra) -> dict:
    record = logging.LogRecord(
        "django.request",
        logging.ERROR,
        __file__,
        1,
        "Internal Server Error: %s",
        ("/incidents/",),
        None,
    )
    for key, value in extra.items():
        setattr(record, key, value)
    return json.loads(JsonFormatter().format(record))


def test_request_log_line_has_the_path_but_not_the_query_string():
    request = RequestFactory().get("/incidents/", {"name": "MARKER-person"})

    line = _line(request=request, status_code=500)

    assert line["path"] == "/incidents/"
    assert line["status_code"] == 500
    assert "MARKER-person" not in json.dumps(line)


def test_exception_text_is_not_logged_only_its_type():
    try:
        raise ValueError("MARKER-contact +380 00 000 0000")
    except ValueError:
        import sys

        line = _line(exc_info=sys.exc_info())

    assert line["exception"] == "ValueError"
    assert "MARKER" not in json.dumps(line)
