import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notices import kinds
from notices.models import Notice
from notices.services import notify


@pytest.fixture
def kudos_notices(agent, teammate):
    mine = notify(user=agent, kind="kudos.received", params={"giver": "Bruno", "message": "Thanks!"})
    read = notify(user=agent, kind="kudos.comment", params={"who": "Bruno", "body": "Agreed"})
    Notice.objects.filter(pk=read.pk).update(read_at="2026-01-01T00:00:00Z")
    theirs = notify(user=teammate, kind="kudos.received", params={"giver": "Ana", "message": "Secret"})
    return mine, read, theirs


def test_the_page_lists_unread_then_read_notices_in_the_viewers_words(client, agent, kudos_notices):
    client.force_login(agent)
    page = client.get(reverse("notices:list")).content.decode()
    assert page.index("Bruno gave you kudos: Thanks!") < page.index("Bruno commented: Agreed")
    assert "Secret" not in page


def test_the_page_is_rendered_in_the_viewers_language(client, agent, kudos_notices):
    agent.profile.language = "pt"
    agent.profile.save()
    client.force_login(agent)
    page = client.get(reverse("notices:list")).content.decode()
    assert "Elogio de Bruno: Thanks!" in page and "gave you kudos" not in page


def test_marking_one_notice_read_takes_a_post(client, agent, kudos_notices):
    mine, _read, _theirs = kudos_notices
    client.force_login(agent)
    assert client.get(reverse("notices:read")).status_code == 405
    assert client.post(reverse("notices:read"), {"ids": [mine.pk]}).status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_marking_all_read_touches_only_ones_own_notices(client, agent, kudos_notices):
    _mine, _read, theirs = kudos_notices
    client.force_login(agent)
    client.post(reverse("notices:read"), {"ids": [theirs.pk, "x"]})
    theirs.refresh_from_db()
    assert theirs.read_at is None
    client.post(reverse("notices:read"))
    assert not Notice.objects.filter(user=agent, read_at__isnull=True).exists()
    assert Notice.objects.filter(user=theirs.user, read_at__isnull=True).exists()


def test_the_page_needs_a_login(client):
    assert client.get(reverse("notices:list")).status_code == 302
    assert client.post(reverse("notices:read")).status_code == 302


def test_the_badge_counts_unread_notices_in_one_query(client, agent, kudos_notices):
    client.force_login(agent)
    response = client.get(reverse("notices:list"))
    assert b'<span class="badge text-bg-warning">1<' in response.content
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("tickets:inbox"))
    counts = [q for q in captured.captured_queries if "COUNT(" in q["sql"] and "notices_notice" in q["sql"]]
    assert len(counts) == 1


def test_unknown_kinds_show_their_code(client, agent):
    notify(user=agent, kind="nobody.registered")
    client.force_login(agent)
    assert "nobody.registered" in client.get(reverse("notices:list")).content.decode()


def test_every_registered_kind_renders_without_params():
    for kind in kinds.all_kinds():
        assert isinstance(kind.render(Notice(kind=kind.code, params={})), str)
