"""Load (or refresh) the demo business; safe to run again."""

from django.core.management.base import BaseCommand

from staffroom.core.demodata import load_demo


class Command(BaseCommand):
    help = "Load the demo business 'Demo Beauty' (idempotent)."

    def handle(self, *args, **options):
        context = load_demo()
        business = context.get("business")
        self.stdout.write(self.style.SUCCESS(f"Demo business ready: {business}"))
