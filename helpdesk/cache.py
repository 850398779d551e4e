"""The Redis cache backend: Django's, keeping one client object per connection pool.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` for every cache call, and each
construction copies redis-py's table of ~80 response callbacks: a page making 5–25 cache calls spent
more time building clients than talking to Redis. A `redis.Redis` is safe to share between threads
(each command takes a connection from the pool) and across a fork (the pool notices the new process
and opens its own connections), so one per pool is enough.
"""

from __future__ import annotations

import threading

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _ReusingClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}
        self._lock = threading.Lock()

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            with self._lock:
                client = self._clients.get(index)
                if client is None:
                    client = self._client(connection_pool=self._get_connection_pool(write))
                    self._clients[index] = client
        return client


class RedisCache(DjangoRedisCache):
    """settings.CACHES backend when REDIS_URL is set."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusingClient
