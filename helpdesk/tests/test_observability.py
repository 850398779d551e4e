"""Request ids, JSON log lines, Prometheus metrics behind a setting."""

import json
import logging
import sys

import pytest

from helpdesk.observability import JsonFormatter, RequestIdFilter, request_id_var
from helpdesk.testing import free_port
from helpdesk.testing.deploy import Entrypoint, base_env, http_get, run


def test_a_response_carries_the_request_id_the_balancer_sent(client, db):
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID="from-the-balancer-123")
    assert response["X-Request-ID"] == "from-the-balancer-123"


def test_a_request_id_that_does_not_look_like_one_is_replaced(client, db):
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID="bad id\nwith a newline")
    assert len(response["X-Request-ID"]) == 32 and " " not in response["X-Request-ID"]


def test_a_log_record_becomes_one_json_line_with_the_request_id():
    token = request_id_var.set("req-abcdef12")
    try:
        record = logging.makeLogRecord({"name": "tickets", "levelname": "INFO", "msg": "solved %s", "args": ("LAT-1",)})
        record.ticket_id = 7
        RequestIdFilter().filter(record)
        line = JsonFormatter().format(record)
    finally:
        request_id_var.reset(token)
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["message"] == "solved LAT-1"
    assert parsed["request_id"] == "req-abcdef12"
    assert parsed["ticket_id"] == 7
    assert parsed["level"] == "INFO"


@pytest.mark.slow
def test_metrics_are_served_only_when_enabled_and_only_with_the_token(tmp_path):
    env = base_env(PYTHON=sys.executable, LATITUDE_VAR_DIR=str(tmp_path))
    assert run("release", env=env).returncode == 0
    port = free_port()
    web = Entrypoint(
        "web",
        env={**env, "PORT": str(port), "WEB_CONCURRENCY": "1", "METRICS_ENABLED": "1", "METRICS_TOKEN": "scrape-me"},
    )
    try:
        web.start(wait_http=port)
        http_get(port, "/accounts/login/")
        assert http_get(port, "/metrics")[0] == 403
        status, _, body = http_get(port, "/metrics", headers={"Authorization": "Bearer scrape-me"})
        assert status == 200
        assert b"django_http_requests_total_by_method_total" in body
    finally:
        web.stop()


def test_without_the_setting_there_is_no_metrics_page(client, db, agent):
    client.force_login(agent)
    assert client.get("/metrics").status_code == 404
