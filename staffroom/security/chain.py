"""Verifying the per-business hash chains of security events, and checkpoints that reveal a truncated tail."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass

from django.conf import settings

from .calculations import HASHED_FIELDS, ChainBreak, first_chain_break
from .models import ChainHead, SecurityEvent

ROW_FIELDS = ("id", "previous_hash", "hash", *HASHED_FIELDS)


@dataclass(frozen=True)
class ChainReport:
    chain_key: str
    events: int
    last_sequence: int
    last_hash: str
    problem: ChainBreak | None

    @property
    def is_intact(self) -> bool:
        return self.problem is None


def chain_rows(chain_key: str, *, chunk: int = 5000):
    """The chain's rows in sequence order, read in keyset chunks (constant memory at millions of events)."""
    after = 0
    queryset = SecurityEvent.objects.unscoped().filter(chain_key=chain_key).order_by("sequence")
    while True:
        rows = list(queryset.filter(sequence__gt=after).values(*ROW_FIELDS)[:chunk])
        if not rows:
            return
        yield from rows
        after = rows[-1]["sequence"]


def chain_verify(chain_key: str, *, checkpoint: dict | None = None) -> ChainReport:
    count = 0
    last_sequence = 0
    last_hash = "0" * 64

    def counted(rows):
        nonlocal count, last_sequence, last_hash
        for row in rows:
            count += 1
            last_sequence, last_hash = row["sequence"], row["hash"]
            yield row

    problem = first_chain_break(counted(chain_rows(chain_key)))
    if problem is None:
        head = ChainHead.objects.filter(chain_key=chain_key).first()
        if head is not None and head.last_sequence > last_sequence:
            problem = ChainBreak(last_sequence + 1, None, "events at the end of the chain are missing")
    if problem is None and checkpoint is not None:
        problem = _against_checkpoint(chain_key, checkpoint, last_sequence)
    return ChainReport(chain_key, count, last_sequence, last_hash, problem)


def _against_checkpoint(chain_key: str, checkpoint: dict, last_sequence: int) -> ChainBreak | None:
    sequence = int(checkpoint["sequence"])
    if sequence > last_sequence:
        return ChainBreak(last_sequence + 1, None, f"the chain ends before checkpoint event #{sequence}")
    stored = SecurityEvent.objects.unscoped().filter(chain_key=chain_key, sequence=sequence).first()
    if stored is None or stored.hash != checkpoint["hash"]:
        return ChainBreak(sequence, getattr(stored, "pk", None), "differs from the checkpoint")
    return None


def chain_keys(business_id: str | None = None) -> list[str]:
    if business_id:
        return [str(business_id)]
    return sorted(ChainHead.objects.values_list("chain_key", flat=True))


def _signature(payload: dict) -> str:
    body = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(settings.SECRET_KEY.encode(), body, hashlib.sha256).hexdigest()


def checkpoint_make(report: ChainReport) -> dict:
    payload = {"chain_key": report.chain_key, "sequence": report.last_sequence, "hash": report.last_hash}
    return {**payload, "signature": _signature(payload)}


def checkpoint_is_authentic(checkpoint: dict) -> bool:
    payload = {key: checkpoint.get(key) for key in ("chain_key", "sequence", "hash")}
    return hmac.compare_digest(str(checkpoint.get("signature", "")), _signature(payload))
