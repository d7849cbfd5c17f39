"""Versioned cache entries for what every request reads but rarely changes (membership, role, 2FA policy, sessions).

An entry is stored under a key that carries the current version of each scope it was computed from
(`person:<id>`, `business:<id>`). A change bumps the scope's version (`cache_scopes_bump`), so every process
computes the entry afresh on its next request. Versions live in Django's cache, so the cache must be shared by
every process serving requests: Redis in production (config/settings/production.py refuses to start without
REDIS_URL); LocMemCache is per process and fits only a single process (`make run`, the test suite).

A bump happens at once and again after the transaction commits: at once so the writing process reads its own
change, after commit so that an entry computed by another process from the rows as they were before the commit
cannot outlive it. Entries also expire on their own (`ENTRY_SECONDS`), a bound on any bump that was missed.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.db import transaction

VERSION_PREFIX = "staffroom:version:"
ENTRY_PREFIX = "staffroom:entry:"
ENTRY_SECONDS = 300
_MISSING = object()


def person_scope(person_id) -> str:
    return f"person:{person_id}"


def business_scope(business_id) -> str:
    return f"business:{business_id}"


def _new_token() -> str:
    return secrets.token_hex(8)


def cache_scope_versions(scopes: Iterable[str]) -> list[str]:
    """The current version token of each scope (one cache round trip when they all exist)."""
    keys = [VERSION_PREFIX + scope for scope in scopes]
    found = cache.get_many(keys)
    tokens = []
    for key in keys:
        token = found.get(key)
        if token is None:
            # First use (or evicted): the first process to add a token wins; everybody then reads that one.
            cache.add(key, _new_token(), timeout=None)
            token = cache.get(key) or _new_token()
        tokens.append(token)
    return tokens


def cache_entry_key(name: str, scopes: Iterable[str]) -> str:
    return f"{ENTRY_PREFIX}{name}:" + ":".join(cache_scope_versions(scopes))


def cached(name: str, scopes: Iterable[str], compute: Callable[[], Any], timeout: int = ENTRY_SECONDS) -> Any:
    """The entry `name` valid for the scopes' current versions, computed (and stored) when there is none."""
    key = cache_entry_key(name, scopes)
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, timeout)
    return value


def cached_replace(name: str, scopes: Iterable[str], value: Any, timeout: int = ENTRY_SECONDS) -> None:
    """Store a newer value of an entry the caller just wrote to the database (e.g. a session's last-seen time)."""
    cache.set(cache_entry_key(name, scopes), value, timeout)


def cache_scopes_bump(*scopes: str) -> None:
    """Invalidate every entry computed from these scopes, in every process: now and again after commit."""
    scopes = tuple(dict.fromkeys(scope for scope in scopes if scope))
    if not scopes:
        return

    def bump() -> None:
        cache.set_many({VERSION_PREFIX + scope: _new_token() for scope in scopes}, timeout=None)

    bump()
    transaction.on_commit(bump, robust=True)
