import datetime as dt

import pytest
from django.test import Client
from freezegun import freeze_time

from feedback.models import Survey, SurveyOptOut

pytestmark = pytest.mark.django_db


def url(token, suffix=""):
    return f"/survey/{token}/{suffix}"


def test_the_page_preselects_the_rating_from_the_link_and_records_nothing_on_get(client, sent_survey):
    survey, token = sent_survey
    response = client.get(url(token) + "?rating=4")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="4" id="rating-4" checked' in html
    assert (
        "data-auto-submit" in html
    )  # a real browser answers with one click (static/js/survey.js); a scanner's GET does not
    survey.refresh_from_db()
    assert survey.rating is None and survey.status == "sent"


def test_without_a_rating_in_the_link_the_page_does_not_submit_itself(client, sent_survey):
    _survey, token = sent_survey
    html = client.get(url(token)).content.decode()
    assert "data-auto-submit" not in html and "checked" not in html.split('name="rating"')[1][:80]


def test_the_page_is_in_the_surveys_language_and_fits_a_phone(client, sent_survey):
    _survey, token = sent_survey
    html = client.get(url(token)).content.decode()
    assert '<html lang="el">' in html
    assert "Πώς τα πήγαμε;" in html and "Πολύ ικανοποιημένος" in html  # Greek customer, Greek page
    assert 'name="viewport"' in html and "noindex" in html


def test_posting_records_the_answer_and_thanks(client, sent_survey):
    survey, token = sent_survey
    response = client.post(url(token), {"rating": "2", "reason": "wait", "comment": "Took a week."})
    assert response.status_code == 302 and response.url == url(token, "thanks/")
    survey.refresh_from_db()
    assert (survey.rating, survey.low_reason, survey.comment) == (2, "wait", "Took a week.")
    thanks = client.get(response.url)
    assert thanks.status_code == 200 and b'id="thanks"' in thanks.content


def test_the_customer_can_change_the_answer(client, sent_survey):
    survey, token = sent_survey
    client.post(url(token), {"rating": "5"})
    client.post(url(token), {"rating": "3", "comment": "Actually so-so."})
    survey.refresh_from_db()
    assert (survey.rating, survey.comment) == (3, "Actually so-so.")


def test_a_bad_answer_gets_a_message_not_a_500(client, sent_survey):
    survey, token = sent_survey
    response = client.post(url(token), {"rating": "9"})
    assert response.status_code == 400
    assert b"rating-error" in response.content
    survey.refresh_from_db()
    assert survey.rating is None


def test_a_post_without_the_csrf_token_is_refused(sent_survey):
    survey, token = sent_survey
    response = Client(enforce_csrf_checks=True).post(url(token), {"rating": "5"})
    assert response.status_code == 403
    survey.refresh_from_db()
    assert survey.rating is None


def test_a_wrong_token_gets_a_friendly_404_and_no_survey(client, sent_survey):
    _survey, token = sent_survey
    wrong = ("y" if token[0] == "x" else "x") + token[1:]  # one character off
    response = client.get(url(wrong))
    assert response.status_code == 404
    assert b"We could not find this survey" in response.content
    assert b"Charged twice" not in response.content
    assert client.post(url("nonsense"), {"rating": "1"}).status_code == 404


def test_an_expired_token_gets_a_friendly_410(client, sent_survey):
    survey, token = sent_survey
    with freeze_time(survey.expires_at + dt.timedelta(minutes=1)):
        response = client.get(url(token))
        assert response.status_code == 410
        assert b"Charged twice" not in response.content
        assert client.post(url(token), {"rating": "5"}).status_code == 410
    survey.refresh_from_db()
    assert survey.rating is None


def test_the_public_pages_are_rate_limited_per_ip(client, sent_survey, settings):
    settings.SURVEY_RATE_LIMIT = "3/m"
    _survey, token = sent_survey
    statuses = [client.get(url(f"guess-{i}")).status_code for i in range(4)]
    assert statuses == [404, 404, 404, 429]
    assert client.get(url(token)).status_code == 429  # the same IP, even with a good link
    other_ip = client.get(url(token), REMOTE_ADDR="10.9.8.7")
    assert other_ip.status_code == 200


def test_other_methods_are_refused(client, sent_survey):
    _survey, token = sent_survey
    assert client.put(url(token)).status_code == 405
    assert client.post(url(token, "thanks/")).status_code == 405


def test_thanks_before_an_answer_goes_back_to_the_form(client, sent_survey):
    _survey, token = sent_survey
    response = client.get(url(token, "thanks/"))
    assert response.status_code == 302 and response.url == url(token)


def test_unsubscribe_asks_first_and_opts_out_on_post(client, sent_survey, customer):
    _survey, token = sent_survey
    page = client.get(url(token, "unsubscribe/"))
    assert page.status_code == 200 and not SurveyOptOut.objects.exists()
    done = client.post(url(token, "unsubscribe/"))
    assert done.status_code == 200
    assert SurveyOptOut.objects.get().customer == customer


def test_a_survey_not_yet_sent_has_no_page(client, ticket, agent):
    from tickets.services import solve_ticket

    solve_ticket(ticket=ticket, by=agent)
    assert Survey.objects.get().token_hash is None
    assert client.get(url("None")).status_code == 404
