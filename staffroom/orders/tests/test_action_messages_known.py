"""Every action the orders services log names a message the action log can write (a new one without a sentence
would fail the request that logs it)."""

import ast
from pathlib import Path

from staffroom.orders import services
from staffroom.orders.labels import ACTION_MESSAGES


def _logged_messages() -> set[str]:
    tree = ast.parse(Path(services.__file__).read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_log" and len(node.args) >= 4:
            message = node.args[3]
            if isinstance(message, ast.Constant):
                found.add(message.value)
            elif isinstance(message, ast.IfExp):
                found |= {branch.value for branch in (message.body, message.orelse) if isinstance(branch, ast.Constant)}
    return found


def test_every_logged_message_has_a_sentence():
    logged = _logged_messages()
    assert {"created", "status_changed", "allowance"} <= logged
    assert logged - set(ACTION_MESSAGES) == set()
