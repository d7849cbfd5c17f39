"""Load (or refresh) the demo business; safe to run again."""

from django.core.management.base import BaseCommand

from staffroom.core.demodata import load_demo


class Command(BaseCommand):
    help = "Load the demo business (idempotent), in DEMO_LANGUAGE or the language given."

    def add_arguments(self, parser):
        parser.add_argument(
            "--language", default=None, help="a code of settings.LANGUAGES (default: the DEMO_LANGUAGE setting)"
        )

    def handle(self, *args, **options):
        context = load_demo(options["language"])
        business = context.get("business")
        self.stdout.write(self.style.SUCCESS(f"Demo business ready: {business}"))
