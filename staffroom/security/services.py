"""Recording security events: one service, called inside the transaction of the action it records."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from user_agents import parse as parse_user_agent

from staffroom.core.context import current_request_meta

from .calculations import event_hash
from .models import ChainHead, SecurityEvent

# Keys whose values must never reach the log, whatever a caller passes in before/after.
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
    meta = current_request_meta()
    if business is None and actor is not None:
        business = actor.business
    chain_key = str(business.pk) if business is not None else "platform"
    # No savepoint: an error here must abort the caller's whole transaction anyway (event and action are one).
    with transaction.atomic(savepoint=False):
        head = ChainHead.objects.select_for_update().filter(chain_key=chain_key).first()
        if head is None:
            ChainHead.objects.get_or_create(chain_key=chain_key)
            head = ChainHead.objects.select_for_update().get(chain_key=chain_key)
        fields: dict[str, Any] = {
            "chain_key": chain_key,
            "sequence": head.last_sequence + 1,
            "occurred_at": timezone.now(),
            "event_type": event_type,
            "outcome": outcome,
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
            "before": _scrub(before),
            "after": _scrub(after),
        }
        digest = event_hash(head.last_hash, fields)
        event = SecurityEvent.objects.create(business=business, previous_hash=head.last_hash, hash=digest, **fields)
        head.last_sequence = fields["sequence"]
        head.last_hash = digest
        head.save(update_fields=["last_sequence", "last_hash"])
    return event


def security_log_read_record(*, actor, filters: dict, exported: bool = False) -> SecurityEvent:
    """Reading (or exporting) the log is itself an event (SECURITY.md 24)."""
    return security_event_record(
        event_type="security_log.exported" if exported else "security_log.viewed",
        actor=actor,
        target_label="security log",
        after={key: value for key, value in filters.items() if value is not None},
    )
