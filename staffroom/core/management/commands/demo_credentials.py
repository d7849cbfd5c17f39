"""Print how to sign in to the demo business as the owner and as each demo role."""

from django.core.management.base import BaseCommand

from staffroom.core.demodata import DEMO_PASSWORD, demo_loaders


class Command(BaseCommand):
    help = "Show the demo sign-in credentials."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000")

    def handle(self, *args, **options):
        url = options["url"]
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Staffroom demo: open {url}/ and sign in with"))
        self.stdout.write(f"  password for every demo login: {DEMO_PASSWORD}")
        # Each app's demo module that creates sign-ins lists them (`credentials(url)`), in INSTALLED_APPS order.
        for _label, module in demo_loaders():
            for line in getattr(module, "credentials", lambda url: [])(url):
                self.stdout.write(f"  {line}")
        self.stdout.write("")
