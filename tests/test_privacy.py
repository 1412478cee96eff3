"""Nothing that identifies a resident is kept: no address or position in request logs."""

from __future__ import annotations

import logging

from webmap.privacy import DropQueryStrings


def test_request_lines_lose_their_query_string():
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        '%s - - [x] "%s" %s %s',
        ("127.0.0.1", "GET /?adresse=12+rue+de+Paris&age=34 HTTP/1.1", "200", "-"),
        None,
    )
    DropQueryStrings().filter(record)
    assert record.getMessage() == '127.0.0.1 - - [x] "GET /?… HTTP/1.1" 200 -'


def test_the_app_installs_the_filter_on_the_server_loggers(app, caplog):
    logger = logging.getLogger("werkzeug")
    assert any(isinstance(f, DropQueryStrings) for f in logger.filters)
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        logger.info('"%s" %s', "GET /api/v1/nearest?lat=48.86123&lon=2.44211 HTTP/1.1", "200")
    assert "48.86123" not in caplog.text and "/api/v1/nearest?…" in caplog.text
