"""The webhook pages: managers and admins only; state changes only on POST."""

from __future__ import annotations

from django.urls import reverse

from webhooks import services
from webhooks.models import Delivery, Webhook


def test_a_manager_adds_a_webhook_from_the_page_and_sees_its_log(client, manager, sink):
    client.force_login(manager)
    response = client.post(reverse("webhooks:list"), {"url": sink.url, "events": ["ticket.created"]})
    webhook = Webhook.objects.get()
    assert response.status_code == 302 and response.url == reverse("webhooks:detail", args=[webhook.pk])
    page = client.get(response.url)
    assert page.status_code == 200 and sink.url in page.content.decode()


def test_the_page_names_url_when_it_is_refused(client, manager, settings):
    settings.WEBHOOK_ALLOWED_HOSTS = []
    client.force_login(manager)
    response = client.post(reverse("webhooks:list"), {"url": "http://127.0.0.1/", "events": ["ticket.created"]})
    assert response.status_code == 200 and response.context["form"].errors["url"]
    assert not Webhook.objects.exists()


def test_agents_may_not_open_the_pages(client, agent, manager, sink):
    webhook = services.create_webhook(by=manager, url=sink.url, events=["ticket.created"])
    client.force_login(agent)
    assert client.get(reverse("webhooks:list")).status_code == 403
    assert client.get(reverse("webhooks:detail", args=[webhook.pk])).status_code == 403
    assert client.post(reverse("webhooks:toggle", args=[webhook.pk])).status_code == 403


def test_redeliver_and_toggle_refuse_get(client, manager, sink, ticket, django_capture_on_commit_callbacks):
    webhook = services.create_webhook(by=manager, url=sink.url, events=["ticket.updated"])
    delivery = services.emit(event="ticket.updated", data={"x": 1})[0]
    client.force_login(manager)
    url = reverse("webhooks:redeliver", args=[webhook.pk, delivery.id])
    assert client.get(url).status_code == 405
    assert client.get(reverse("webhooks:toggle", args=[webhook.pk])).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    assert Delivery.objects.get(pk=delivery.pk).status == "delivered"
