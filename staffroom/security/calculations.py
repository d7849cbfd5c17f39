"""Hashing of security events: the canonical form of an event and the link to the one before it."""

import hashlib
import json
from datetime import datetime
from typing import Any

HASHED_FIELDS = (
    "chain_key", "sequence", "occurred_at", "event_type", "outcome", "actor_id", "actor_label", "person_id",
    "branch_id", "ip_address", "user_agent", "device", "object_type", "object_id", "object_label", "before",
    "after",
)  # fmt: skip


def _normalise(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    return value


def event_hash(previous_hash: str, fields: dict[str, Any]) -> str:
    canonical = json.dumps(
        {name: _normalise(fields.get(name)) for name in HASHED_FIELDS},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(f"{previous_hash}|{canonical}".encode()).hexdigest()
