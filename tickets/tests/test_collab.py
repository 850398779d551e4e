"""Followers hear of every customer reply; colleagues @mentioned in a note get a notice."""

import pytest

from notices.models import Notice
from notices.selectors import render, url
from tickets import collab, services

pytestmark = pytest.mark.django_db


def test_a_follower_gets_a_notice_on_every_customer_reply(ticket, teammate):
    collab.follow(ticket=ticket, user=teammate)
    services.add_customer_message(ticket=ticket, body="Any news?")
    services.add_customer_message(ticket=ticket, body="Hello?")
    notices = Notice.objects.filter(user=teammate, kind=collab.KIND_CUSTOMER_REPLY)
    assert notices.count() == 2
    assert ticket.reference in render(notices.first())
    assert url(notices.first()).startswith(f"/tickets/{ticket.pk}/#message-")


def test_an_unfollowed_ticket_sends_nothing(ticket, teammate):
    collab.follow(ticket=ticket, user=teammate)
    collab.unfollow(ticket=ticket, user=teammate)
    services.add_customer_message(ticket=ticket, body="Any news?")
    assert not Notice.objects.exists()


def test_a_follower_who_can_no_longer_see_the_ticket_hears_nothing(ticket, other_agent):
    collab.follow(ticket=ticket, user=other_agent)
    services.add_customer_message(ticket=ticket, body="Any news?")
    assert not Notice.objects.exists()


def test_a_mention_in_a_note_notifies_the_colleague(ticket, agent, lead):
    services.add_message(ticket=ticket, by=agent, body="@lena can you approve this?", internal=True)
    notice = Notice.objects.get(user=lead)
    assert notice.kind == collab.KIND_MENTION
    assert "Ana Silva mentioned you" in render(notice)


def test_mentions_skip_the_writer_strangers_unknown_names_and_e_mail_addresses(ticket, agent, other_agent, lead):
    services.add_message(ticket=ticket, by=agent, body="@ana @bruno @nobody write to lena@example.com", internal=True)
    assert not Notice.objects.exists()


def test_a_public_reply_mentions_nobody(ticket, agent, lead):
    services.add_message(ticket=ticket, by=agent, body="Thanks @lena", internal=False)
    assert not Notice.objects.filter(user=lead).exists()


def test_mentioned_usernames_are_parsed_once_each():
    assert collab.mentioned_usernames("@lena, @Lena and @tomas. mail x@y.z") == ["lena", "tomas"]
