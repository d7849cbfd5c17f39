"""Recording security events: one service, called inside the transaction of the action it records."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone
from user_agents import parse as parse_user_agent

from staffroom.core.context import current_request_meta

from .calculations import event_hash
from .models import ChainHead, SecurityEvent

# Keys whose values must never reach the log, whatever a caller passes in before/after.
# Rows per INSERT when many events are recorded at once.
BULK_BATCH_SIZE = 1000
SECRET_KEYS = frozenset({"password", "password1", "password2", "code", "token", "secret", "recovery_codes", "key"})


def _scrub(data: dict[str, Any] | None) -> dict[str, Any] | None:
    """Hide secrets and reduce values to plain JSON, so the stored form is exactly the hashed form."""
    if data is None:
        return None
    hidden = {key: ("[hidden]" if key.lower() in SECRET_KEYS else value) for key, value in data.items()}
    return json.loads(json.dumps(hidden, cls=DjangoJSONEncoder))


def describe_device(user_agent: str) -> str:
    if not user_agent:
        return ""
    parsed = parse_user_agent(user_agent)
    parts = [parsed.browser.family, parsed.os.family]
    if parsed.is_mobile or parsed.is_tablet:
        parts.append(parsed.device.family)
    return " / ".join(part for part in parts if part and part != "Other")[:200]


def security_event_record(
    *,
    event_type: str,
    business=None,
    actor=None,
    person=None,
    target=None,
    target_label: str | None = None,
    branch=None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    outcome: str = "success",
) -> SecurityEvent:
    """Append one event to the business's chain (or the platform chain) in the caller's transaction."""
    return security_events_record(
        [
            {
                "event_type": event_type,
                "business": business,
                "actor": actor,
                "person": person,
                "target": target,
                "target_label": target_label,
                "branch": branch,
                "before": before,
                "after": after,
                "outcome": outcome,
            }
        ]
    )[0]


def _business_id(business) -> int | None:
    return getattr(business, "pk", business)


def _event_fields(meta, *, chain_key: str, sequence: int, occurred_at, event: dict[str, Any]) -> dict[str, Any]:
    """The stored (and hashed) fields of one event; single and bulk recording both build them here."""
    actor, person, branch, target = event.get("actor"), event.get("person"), event.get("branch"), event.get("target")
    target_label = event.get("target_label")
    return {
        "chain_key": chain_key,
        "sequence": sequence,
        "occurred_at": occurred_at,
        "event_type": event["event_type"],
        "outcome": event.get("outcome", "success"),
        "actor_id": actor.pk if actor is not None else None,
        "actor_label": str(actor)[:200] if actor is not None else "",
        "person_id": (person.pk if person is not None else getattr(actor, "person_id", None)),
        "branch_id": branch.pk if branch is not None else None,
        "ip_address": meta.ip_address,
        "user_agent": meta.user_agent[:500],
        "device": describe_device(meta.user_agent),
        "object_type": target._meta.label_lower if target is not None else "",
        "object_id": str(target.pk) if target is not None else "",
        "object_label": (target_label if target_label is not None else str(target or ""))[:200],
        "before": _scrub(event.get("before")),
        "after": _scrub(event.get("after")),
    }


def _locked_heads(chain_keys: list[str]) -> dict[str, ChainHead]:
    """Lock the chain heads of `chain_keys` in one statement (in key order), creating the missing ones first."""
    heads = ChainHead.objects.select_for_update().filter(chain_key__in=chain_keys).order_by("chain_key")
    found = {head.chain_key: head for head in heads}
    missing = [key for key in chain_keys if key not in found]
    if missing:
        ChainHead.objects.bulk_create([ChainHead(chain_key=key) for key in missing], ignore_conflicts=True)
        more = ChainHead.objects.select_for_update().filter(chain_key__in=missing).order_by("chain_key")
        found.update({head.chain_key: head for head in more})
    return found


def security_events_record(events: Sequence[dict[str, Any]]) -> list[SecurityEvent]:
    """Append several events, in the given order, in the caller's transaction: one lock on all their chain heads,
    one INSERT of the events, one UPDATE of the heads. Each event takes the keyword arguments of
    `security_event_record` (`business` may be an id); every chain comes out exactly as recording the events one
    by one would make it (same sequences, same hashes)."""
    if not events:
        return []
    meta = current_request_meta()
    keyed = []
    for event in events:
        business, actor = event.get("business"), event.get("actor")
        if business is None and actor is not None:
            business = actor.business
        business_id = _business_id(business)
        keyed.append((str(business_id) if business_id is not None else "platform", business, event))
    # No savepoint: an error here must abort the caller's whole transaction anyway (event and action are one).
    with transaction.atomic(savepoint=False):
        heads = _locked_heads(sorted({chain_key for chain_key, _business, _event in keyed}))
        rows = []
        for chain_key, business, event in keyed:
            business_id = _business_id(business)
            head = heads[chain_key]
            fields = _event_fields(
                meta, chain_key=chain_key, sequence=head.last_sequence + 1, occurred_at=timezone.now(), event=event
            )
            digest = event_hash(head.last_hash, fields)
            row = SecurityEvent(business_id=business_id, previous_hash=head.last_hash, hash=digest, **fields)
            if business_id is not None and business_id is not business:
                row.business = business  # the caller's object, not a second query when it is read
            rows.append(row)
            head.last_sequence, head.last_hash = fields["sequence"], digest
        if len(rows) == 1:
            rows[0].save(force_insert=True)
            next(iter(heads.values())).save(update_fields=["last_sequence", "last_hash"])
        else:
            SecurityEvent.objects.bulk_create(rows, batch_size=BULK_BATCH_SIZE)
            _store_heads(list(heads.values()))
    return rows


def _store_heads(heads: list[ChainHead]) -> None:
    """Write the new ends of many chains with one UPDATE joined to a VALUES list (bulk_update's CASE per row
    costs more than the rest of a billing batch). PostgreSQL and SQLite (3.33+) both name the columns column1..3."""
    table = connection.ops.quote_name(ChainHead._meta.db_table)
    with connection.cursor() as cursor:
        for offset in range(0, len(heads), BULK_BATCH_SIZE):
            chunk = heads[offset : offset + BULK_BATCH_SIZE]
            values = ", ".join(["(%s, %s, %s)"] * len(chunk))
            # The table's name and placeholders only.
            sql = f"UPDATE {table} SET last_sequence = v.column2, last_hash = v.column3 FROM (VALUES {values}) AS v "  # noqa: S608
            cursor.execute(
                sql + f"WHERE {table}.id = v.column1",
                [value for head in chunk for value in (head.pk, head.last_sequence, head.last_hash)],
            )


def security_log_read_record(*, actor, filters: dict, exported: bool = False) -> SecurityEvent:
    """Reading (or exporting) the log is itself an event (SECURITY.md 24)."""
    return security_event_record(
        event_type="security_log.exported" if exported else "security_log.viewed",
        actor=actor,
        target_label="security log",
        after={key: value for key, value in filters.items() if value is not None},
    )
