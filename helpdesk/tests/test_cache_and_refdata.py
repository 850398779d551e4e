"""The Redis cache backend and the reference data cache: fewer round trips, never a stale answer."""

from __future__ import annotations

import os

import pytest
from django.core.cache import caches
from django.test import override_settings

from helpdesk import refdata
from tickets import selectors
from tickets.models import Queue

REDIS_URL = os.environ.get("REDIS_URL", "")


@pytest.mark.skipif(not REDIS_URL, reason="needs REDIS_URL (LATITUDE_REQUIRE_ALL makes CI provide it)")
def test_the_redis_backend_keeps_one_client_and_behaves_like_djangos():
    config = {"BACKEND": "helpdesk.cache.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "cache-test"}
    with override_settings(CACHES={"default": config, "other": config}):
        cache = caches["other"]
        cache.clear()
        assert cache.get("missing") is None
        cache.set("a", {"x": [1, 2]}, 30)
        assert cache.get("a") == {"x": [1, 2]}
        assert cache.add("a", 1) is False
        cache.set_many({"b": 1, "c": 2})
        assert cache.get_many(["a", "b", "c", "d"]) == {"a": {"x": [1, 2]}, "b": 1, "c": 2}
        assert cache.incr("b") == 2
        cache.delete("a")
        assert cache.get("a") is None
        client = cache._cache
        assert client.get_client(write=True) is client.get_client(write=True)  # one, not one per call
        cache.clear()


@pytest.mark.django_db
def test_within_a_request_the_generations_are_read_once(support_queue, monkeypatch):
    from django.core.cache import cache

    calls = []
    real = cache.get_many

    def counting(keys, *args, **kwargs):
        calls.append(list(keys))
        return real(keys, *args, **kwargs)

    with refdata.request_scope():
        selectors.queue_choices()  # a fresh cache: the generations are made here
    monkeypatch.setattr(cache, "get_many", counting)
    with refdata.request_scope():
        selectors.queue_choices()
        selectors.display_names()
        selectors.queue_choices()
    assert len([c for c in calls if any(":gen:" in k for k in c)]) == 1

    calls.clear()
    selectors.queue_choices()  # outside a request: as before, the value's own generations
    selectors.display_names()
    assert len(calls) == 2


@pytest.mark.django_db
def test_a_change_inside_the_request_is_seen_by_the_rest_of_it(support_queue):
    with refdata.request_scope():
        assert (support_queue.pk, "General support") in selectors.queue_choices()
        support_queue.name = "Front desk"
        support_queue.save()  # post_save: a new generation, in this request's memory too
        assert (support_queue.pk, "Front desk") in selectors.queue_choices()


@pytest.mark.django_db
def test_a_change_by_another_process_is_seen_by_the_next_request(support_queue):
    from django.core.cache import cache

    with refdata.request_scope():
        assert (support_queue.pk, "General support") in selectors.queue_choices()
    # Another web node renames the queue: the row changes and the generation in the shared cache.
    Queue.objects.filter(pk=support_queue.pk).update(name="Front desk")
    cache.set("refdata:gen:tickets.queue", "from-another-node", None)
    with refdata.request_scope():
        assert (support_queue.pk, "Front desk") in selectors.queue_choices()


@pytest.mark.django_db
def test_the_history_names_people_as_they_are_called_now(client, ticket, agent, teammate):
    from tickets import services

    services.assign_ticket(ticket=ticket, assignee=teammate, by=agent)
    client.force_login(agent)
    teammate.first_name, teammate.last_name = "Tereza", "Nova"
    teammate.save()
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "Tereza Nova" in page.split('id="history-card"')[1]


@pytest.mark.django_db
def test_a_value_read_once_is_kept_by_the_process_until_its_models_change(support_queue, monkeypatch):
    from django.core.cache import cache

    assert (support_queue.pk, "General support") in selectors.queue_choices()
    reads = []
    real = cache.get
    monkeypatch.setattr(cache, "get", lambda key, *a, **k: reads.append(key) or real(key, *a, **k))
    assert (support_queue.pk, "General support") in selectors.queue_choices()
    assert not [k for k in reads if "queue-choices" in k]  # the process's own copy
    copy = selectors.queue_choices()
    copy.clear()  # a caller changing what it got changes nobody else's
    assert selectors.queue_choices()
    support_queue.name = "Front desk"
    support_queue.save()
    assert (support_queue.pk, "Front desk") in selectors.queue_choices()


@pytest.mark.django_db
def test_a_flushed_cache_never_brings_back_a_copy_from_before_the_flush(support_queue):
    from django.core.cache import cache

    assert (support_queue.pk, "General support") in selectors.queue_choices()
    Queue.objects.filter(pk=support_queue.pk).update(name="Front desk")  # no signal: nothing bumped
    cache.clear()  # Redis restarted or flushed: the generations are gone, and get new random values
    assert (support_queue.pk, "Front desk") in selectors.queue_choices()
