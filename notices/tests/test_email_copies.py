from django.urls import reverse

from mailroom.models import OutboundEmail
from notices.models import EmailPreference
from notices.services import notify, set_email_preference, wants_email


def test_a_kind_off_by_default_sends_no_email(agent):
    notify(user=agent, kind="kudos.received", params={"giver": "Bruno", "message": "Thanks!"})
    assert not OutboundEmail.objects.exists()


def test_a_person_who_opted_in_gets_the_copy_through_the_outbox(agent):
    set_email_preference(user=agent, kind="kudos.received", email=True)
    notify(user=agent, kind="kudos.received", params={"giver": "Bruno", "message": "Thanks!"})
    mail = OutboundEmail.objects.get()
    assert mail.to == agent.email and mail.kind == "notification"
    assert "Bruno gave you kudos: Thanks!" in mail.subject and "Thanks!" in mail.body_text


def test_the_copy_is_in_the_persons_language(agent):
    agent.profile.language = "pt"
    agent.profile.save()
    set_email_preference(user=agent, kind="kudos.received", email=True)
    notify(user=agent, kind="kudos.received", params={"giver": "Bruno", "message": "Obrigada"})
    mail = OutboundEmail.objects.get()
    assert mail.language == "pt" and "gave you kudos" not in mail.subject


def test_a_kind_on_by_default_can_be_turned_off(lead):
    assert wants_email(user=lead, kind="survey.low_rating")
    set_email_preference(user=lead, kind="survey.low_rating", email=False)
    assert not wants_email(user=lead, kind="survey.low_rating")


def test_the_preferences_page_saves_each_kind(client, agent):
    client.force_login(agent)
    page = client.get(reverse("notices:email")).content.decode()
    assert 'value="kudos.received"' in page and 'value="offscript.approval"' in page
    response = client.post(reverse("notices:email"), {"email": ["kudos.received"]})
    assert response.status_code == 302
    prefs = dict(EmailPreference.objects.filter(user=agent).values_list("kind", "email"))
    assert prefs["kudos.received"] is True and prefs["offscript.approval"] is False


def test_the_preferences_page_refuses_other_methods(client, agent):
    client.force_login(agent)
    assert client.put(reverse("notices:email")).status_code == 405
