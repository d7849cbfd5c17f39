"""`manage.py security_verify [--business ID] [--checkpoints FILE] [--export-checkpoints FILE]`."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from staffroom.security.chain import chain_keys, chain_verify, checkpoint_is_authentic, checkpoint_make


class Command(BaseCommand):
    help = "Verify the security event hash chains; report OK or the first broken event of each chain."

    def add_arguments(self, parser):
        parser.add_argument("--business", help="verify only this business's chain (its id)")
        parser.add_argument("--checkpoints", help="a checkpoint file exported earlier: detects a truncated tail")
        parser.add_argument("--export-checkpoints", help="write the current chain heads to this file (publish it)")

    def handle(self, *args, **options):
        checkpoints = {}
        if options["checkpoints"]:
            try:
                entries = json.loads(Path(options["checkpoints"]).read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise CommandError(f"cannot read checkpoints: {error}") from error
            for entry in entries:
                if not checkpoint_is_authentic(entry):
                    raise CommandError(f"checkpoint for chain {entry.get('chain_key')} is not authentic")
                checkpoints[str(entry["chain_key"])] = entry
        keys = chain_keys(options["business"])
        keys = sorted(set(keys) | (set(checkpoints) if not options["business"] else set()))
        broken = 0
        exported = []
        for key in keys:
            report = chain_verify(key, checkpoint=checkpoints.get(key))
            if report.is_intact:
                self.stdout.write(f"chain {key}: OK ({report.events} events, last #{report.last_sequence})")
                exported.append(checkpoint_make(report))
            else:
                broken += 1
                problem = report.problem
                event = f"event #{problem.sequence}" + (f" (id {problem.event_id})" if problem.event_id else "")
                self.stdout.write(f"chain {key}: BROKEN at {event}: {problem.reason}")
        if options["export_checkpoints"]:
            Path(options["export_checkpoints"]).write_text(json.dumps(exported, indent=2), encoding="utf-8")
            self.stdout.write(f"checkpoints written for {len(exported)} intact chains")
        if broken:
            raise CommandError(f"{broken} chain(s) broken")
