"""Django's Redis cache, with one redis-py client per connection pool instead of one per call.

Django 5.2 builds a new ``redis.Redis`` for every cache call, and redis-py 7 fills some 165 response callbacks
in each one's constructor: a third of the time of a page answered from the cache (BENCHMARKS.md, issue 11).
A client holds no connection of its own, only its pool's, and is safe to share between threads.
"""

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
