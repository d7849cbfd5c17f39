"""Pure security arithmetic: event hashing and chain checks, the failure back-off, TOTP step matching."""

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
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


# --- the per-account failure budget ---------------------------------------------------------------------


def failure_backoff_seconds(consecutive_failures: int, *, free_attempts: int = 5, ceiling: int = 900) -> int:
    """Seconds to wait before the next attempt: none for the first few failures, then doubling up to a ceiling."""
    if consecutive_failures < free_attempts:
        return 0
    exponent = min(consecutive_failures - free_attempts, 20)
    return min(ceiling, 2**exponent)


def is_hard_locked(consecutive_failures: int, *, hard_cap: int) -> bool:
    return consecutive_failures >= hard_cap


# --- TOTP ------------------------------------------------------------------------------------------------


def totp_matching_step(
    code: str, *, now_timestamp: float, hotp: Callable[[int], str], period: int = 30, tolerance: int = 1
) -> int | None:
    """The time step (within ± tolerance) whose code equals `code`, or None. `hotp(step)` gives a step's code."""
    code = (code or "").strip().replace(" ", "")
    if not code.isdigit():
        return None
    current = int(now_timestamp) // period
    for step in range(current - tolerance, current + tolerance + 1):
        if hmac.compare_digest(hotp(step), code):
            return step
    return None


# --- chain verification ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainBreak:
    sequence: int | None
    event_id: int | None
    reason: str


def first_chain_break(rows: Iterable[dict[str, Any]], *, start_hash: str = "0" * 64) -> ChainBreak | None:
    """Walk one chain in stored order; name the first event that was edited, deleted before, or reordered.

    Each row has the hashed fields plus `id`, `previous_hash` and `hash`.
    """
    previous_hash = start_hash
    expected_sequence = 1
    for row in rows:
        sequence = row["sequence"]
        if sequence != expected_sequence:
            reason = "missing events before this one" if sequence > expected_sequence else "out of order"
            return ChainBreak(sequence, row["id"], reason)
        if row["previous_hash"] != previous_hash:
            return ChainBreak(sequence, row["id"], "does not link to the event before it")
        if event_hash(row["previous_hash"], row) != row["hash"]:
            return ChainBreak(sequence, row["id"], "content changed after it was recorded")
        previous_hash = row["hash"]
        expected_sequence += 1
    return None
