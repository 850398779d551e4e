"""Nothing lost, nothing twice: a broker that is down, a mail server that is down, a worker killed mid-send.

Real parts throughout: aiosmtpd (the smtp_server fixture), and where it matters Redis and a real
Celery worker process on the test database (helpdesk.testing.worker).
"""

import socket
import time

import pytest
from django.utils import timezone

from feedback import services
from feedback.models import Survey, SurveySettings, SurveyStatus
from helpdesk.testing import require_postgres, require_redis
from helpdesk.testing.worker import broker_unreachable, celery_not_eager, celery_worker
from mailroom.models import DeliveryStatus, OutboundEmail
from mailroom.services import sweep_outbound
from tickets.services import solve_ticket

pytestmark = pytest.mark.django_db


def own_callbacks(callbacks):
    """The survey's after-commit callbacks, without the event stream's announcements to its subscribers."""
    return [c for c in callbacks if not getattr(c, "__qualname__", "").startswith(("record.", "record_many."))]


def wait_until(predicate, timeout=30.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_broker_down_when_the_solve_commits_loses_nothing(
    ticket, agent, no_delay, smtp_server, django_capture_on_commit_callbacks
):
    with celery_not_eager(), broker_unreachable(), django_capture_on_commit_callbacks(execute=True) as callbacks:
        solve_ticket(ticket=ticket, by=agent)
    assert len(own_callbacks(callbacks)) == 1  # the publish was attempted after commit, and failed
    survey = Survey.objects.get(ticket=ticket)
    assert (survey.status, survey.enqueued_at) == (SurveyStatus.SCHEDULED, None)
    assert not OutboundEmail.objects.exists() and smtp_server.messages == []

    assert services.sweep_surveys()["published"] == 1  # the broker is back: the sweeper hands it over

    [message] = smtp_server.wait_for(1)
    assert message["To"] == "eleni@example.gr"
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.SENT
    services.sweep_surveys()
    sweep_outbound()
    assert len(smtp_server.messages) == 1


def test_a_worker_dying_between_claim_and_commit_leaves_the_survey_for_the_sweeper(
    ticket, agent, settings, smtp_server, monkeypatch
):
    settings.SURVEY_DELAY_SECONDS = 0
    settings.SURVEY_ETA_MAX_SECONDS = -1  # no ETA task: only the sweeper sends
    solve_ticket(ticket=ticket, by=agent)
    survey = Survey.objects.get()

    def crash(*args, **kwargs):
        raise SystemExit("worker killed while rendering")

    monkeypatch.setattr(services, "render_email", crash)
    with pytest.raises(SystemExit):
        services.send_survey(survey_id=survey.pk)
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.SCHEDULED and survey.token_hash is None  # the claim rolled back
    assert not OutboundEmail.objects.exists()

    monkeypatch.undo()
    services.sweep_surveys()
    smtp_server.wait_for(1)
    assert len(smtp_server.messages) == 1


def test_smtp_down_is_recorded_and_retried_with_back_off_until_it_comes_back(
    ticket, agent, no_delay, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.MAIL_RETRY_BASE_SECONDS = 30
    smtp_server.stop()
    with django_capture_on_commit_callbacks(execute=True):
        solve_ticket(ticket=ticket, by=agent)
    survey = Survey.objects.get()
    assert survey.status == SurveyStatus.SENT  # the survey went out to the mail path ...
    outbound = OutboundEmail.objects.get(pk=survey.outbound_id)
    assert outbound.status == DeliveryStatus.QUEUED and outbound.attempts == 1  # ... which failed, and will retry
    assert "refused" in outbound.last_error.lower() or "connect" in outbound.last_error.lower()
    first_wait = outbound.next_attempt_at - timezone.now()
    assert 25 < first_wait.total_seconds() <= 30

    assert sweep_outbound() == 0  # not before its back-off
    OutboundEmail.objects.filter(pk=outbound.pk).update(next_attempt_at=timezone.now())  # 30 s pass
    sweep_outbound()  # still down: a second failure, a longer wait
    outbound.refresh_from_db()
    assert outbound.attempts == 2 and 55 < (outbound.next_attempt_at - timezone.now()).total_seconds() <= 60

    smtp_server.start()
    OutboundEmail.objects.filter(pk=outbound.pk).update(next_attempt_at=timezone.now())  # 60 s pass
    sweep_outbound()
    [message] = smtp_server.wait_for(1)
    assert "LAT-" in message["Subject"]
    outbound.refresh_from_db()
    assert outbound.status == DeliveryStatus.SENT and outbound.last_error == ""
    sweep_outbound()
    assert len(smtp_server.messages) == 1


# --- with a real Celery worker process -------------------------------------------------------------


@pytest.fixture
def real_worker_ready(transactional_db):
    require_postgres()
    require_redis()


@pytest.mark.worker
@pytest.mark.slow
def test_a_real_worker_sends_the_survey_after_commit_and_retries_while_smtp_is_down(
    real_worker_ready, ticket, agent, support_queue, smtp_server
):
    SurveySettings.objects.create(queue=support_queue, delay_seconds=0)
    smtp_server.stop()
    with celery_not_eager(), celery_worker(email_url=smtp_server.url, env={"MAIL_RETRY_BASE_SECONDS": "1"}) as worker:
        solve_ticket(ticket=ticket, by=agent)  # commits (transactional test): published to Redis
        outbound = wait_until(
            lambda: OutboundEmail.objects.filter(kind="survey", attempts__gte=2).first(),
            what="two failed attempts",
        )
        assert outbound.last_error and smtp_server.messages == []
        smtp_server.start()
        smtp_server.wait_for(1, timeout=30)
        wait_until(lambda: OutboundEmail.objects.filter(pk=outbound.pk, status="sent").exists(), what="sent")
        time.sleep(2)  # any duplicate would have arrived by now
        assert len(smtp_server.messages) == 1, worker.log()[-3000:]
    assert Survey.objects.get().status == SurveyStatus.SENT


@pytest.mark.worker
@pytest.mark.slow
def test_a_worker_killed_mid_send_loses_no_survey_and_sends_none_twice(
    real_worker_ready, ticket, agent, support_queue, smtp_server, settings
):
    SurveySettings.objects.create(queue=support_queue, delay_seconds=0)
    settings.MAIL_STUCK_AFTER_SECONDS = 1
    port = smtp_server.port
    smtp_server.stop()
    # A mail server that accepts the connection and then says nothing: the worker hangs mid-send.
    hole = socket.socket()
    hole.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    hole.bind(("127.0.0.1", port))
    hole.listen(16)
    try:
        with celery_not_eager(), celery_worker(email_url=smtp_server.url, env={"EMAIL_TIMEOUT": "120"}) as worker:
            solve_ticket(ticket=ticket, by=agent)
            outbound = wait_until(
                lambda: OutboundEmail.objects.filter(kind="survey", status="sending").first(), what="mid-send"
            )
            worker.kill()  # SIGKILL while the e-mail is in flight
            hole.close()
            smtp_server.start()
            assert OutboundEmail.objects.get(pk=outbound.pk).status == "sending"
            assert Survey.objects.get().status == SurveyStatus.SENT

            worker.start()
            time.sleep(1.2)  # past MAIL_STUCK_AFTER_SECONDS: the row is the dead worker's
            assert sweep_outbound() == 1
            smtp_server.wait_for(1)
            for _ in range(3):  # sweepers running again find nothing more to send
                services.sweep_surveys()
                sweep_outbound()
                time.sleep(0.7)
            assert len(smtp_server.messages) == 1, worker.log()[-3000:]
            assert OutboundEmail.objects.get(pk=outbound.pk).status == "sent"
            assert OutboundEmail.objects.filter(kind="survey").count() == 1
    finally:
        hole.close()


def test_the_windows_follow_from_the_smtp_timeout_and_fit_in_two_minutes(settings):
    """A crashed worker's mail waits at most: the stuck window, one sweeper interval, one bounded attempt."""
    from helpdesk.celery import PERIODIC_TASKS

    sweep_every = dict(PERIODIC_TASKS.values())["mailroom.sweep_outbound"]
    assert settings.EMAIL_TIMEOUT == 10  # the default
    assert settings.MAIL_STUCK_AFTER_SECONDS == settings.SURVEY_IN_FLIGHT_SECONDS == settings.EMAIL_TIMEOUT * 2 + 30
    assert settings.MAIL_STUCK_AFTER_SECONDS + sweep_every + settings.EMAIL_TIMEOUT <= 120
    assert settings.SURVEY_IN_FLIGHT_SECONDS + dict(PERIODIC_TASKS.values())["feedback.sweep_surveys"] <= 120


def test_one_send_attempt_is_bounded_by_the_smtp_timeout_as_a_whole(settings, ticket, agent):
    """A server that answers one byte at a time never trips the socket timeout; the attempt still ends."""
    import threading

    from mailroom.services import TransientSendError, queue_email, send_outbound

    trickle = socket.socket()
    trickle.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    trickle.bind(("127.0.0.1", 0))
    trickle.listen(4)
    stop = threading.Event()

    def serve():
        conn, _ = trickle.accept()
        with conn:
            for byte in b"220 slowly.example ESMTP it is coming" * 100:
                if stop.is_set():
                    return
                try:
                    conn.send(bytes([byte]))
                except OSError:
                    return
                time.sleep(0.2)

    threading.Thread(target=serve, daemon=True).start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", trickle.getsockname()[1]
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 1  # each byte comes well within it: only the whole-attempt bound ends this
    outbound = queue_email(to="eleni@example.gr", subject="Hello", body_text="Hi", enqueue=False)
    try:
        with pytest.raises(TransientSendError, match="longer than"):
            send_outbound(outbound_id=outbound.pk)
    finally:
        stop.set()
        trickle.close()
    outbound.refresh_from_db()
    assert outbound.status == DeliveryStatus.QUEUED and outbound.attempts == 1 and "SendTimeout" in outbound.last_error


@pytest.mark.worker
@pytest.mark.slow
def test_a_worker_killed_mid_batch_sends_every_due_mail_once_when_a_worker_is_back(
    real_worker_ready, agent, support_queue, settings
):
    from helpdesk.testing.smtp import SmtpServer
    from tickets.tests.factories import CustomerFactory, TicketFactory

    # Small windows, derived as in production: one attempt is bounded by EMAIL_TIMEOUT.
    timeout = 2
    settings.EMAIL_TIMEOUT = timeout
    settings.MAIL_STUCK_AFTER_SECONDS = settings.SURVEY_IN_FLIGHT_SECONDS = timeout * 2 + 1
    windows = {"EMAIL_TIMEOUT": str(timeout), "MAIL_STUCK_AFTER_SECONDS": str(timeout * 2 + 1)}
    SurveySettings.objects.create(queue=support_queue, delay_seconds=0)
    smtp = SmtpServer(rcpt_delay=0.8)  # slow enough to kill the worker in the middle of the batch
    smtp.start()
    addresses = [f"customer{n}@example.org" for n in range(6)]
    with celery_not_eager(), broker_unreachable():  # solved while the broker was down: all due at once
        for address in addresses:
            ticket = TicketFactory(
                queue=support_queue, assignee=agent, status="open", customer=CustomerFactory(email=address)
            )
            solve_ticket(ticket=ticket, by=agent)
    assert Survey.objects.filter(status=SurveyStatus.SCHEDULED).count() == 6

    def sweep_until_all_arrived():
        services.sweep_surveys()  # what beat runs every 30 s
        sweep_outbound()
        time.sleep(0.5)
        return len(smtp.messages) >= len(addresses)

    try:
        with celery_not_eager(), celery_worker(email_url=smtp.url, env=windows) as worker:
            assert services.sweep_surveys()["published"] == 6  # one batch task for the six
            smtp.wait_for_recipient(3, timeout=60)  # two sent, the third waiting on its slow RCPT
            worker.kill()  # SIGKILL in the middle of the batch
            assert len(smtp.messages) == 2
            left = OutboundEmail.objects.filter(kind="survey").exclude(status=DeliveryStatus.SENT)
            assert left.filter(status=DeliveryStatus.SENDING).exists(), "the batch was cut short"

            worker.start()
            wait_until(sweep_until_all_arrived, timeout=120, what="every due survey e-mail")
            for _ in range(3):  # past another stuck window: nothing more is sent
                time.sleep(timeout)
                services.sweep_surveys()
                sweep_outbound()
            time.sleep(timeout)
            received = sorted(str(m["To"]) for m in smtp.messages)
            assert received == sorted(addresses), worker.log()[-3000:]
            assert not left.exists()
    finally:
        smtp.stop()
