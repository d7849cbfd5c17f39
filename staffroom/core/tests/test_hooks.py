"""`core.hooks.Hook`: how a lower app calls up into apps that registered with it (docs/architecture.md)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from staffroom.core.hooks import Hook


def test_listeners_run_in_registration_order_and_a_second_registration_adds_nothing():
    heard = []
    hook = Hook("test: listeners")

    def first(value):
        heard.append(("first", value))
        return 1

    def second(value):
        heard.append(("second", value))
        return 2

    hook.register(first)
    hook.register(second)
    hook.register(first)  # a second ready() must not make the listener run twice

    assert hook.call_all("x") == [1, 2]
    assert heard == [("first", "x"), ("second", "x")]


def test_unregistered_listener_is_not_called():
    hook = Hook("test: unregister")
    calls = []
    hook.register(calls.append)
    hook.unregister(calls.append)
    assert hook.call_all("x") == []
    assert calls == []


def test_a_single_provider_answers_and_a_second_one_is_refused():
    hook = Hook("test: provider", single=True)
    hook.register(lambda value: value * 2)
    assert hook.call_one(21) == 42
    with pytest.raises(ImproperlyConfigured):
        hook.register(lambda value: value * 3)
    assert hook.call_one(21) == 42


def test_a_provider_nobody_registered_fails_loudly_instead_of_answering_a_default():
    hook = Hook("test: missing provider", single=True)
    with pytest.raises(ImproperlyConfigured):
        hook.call_one(1)
