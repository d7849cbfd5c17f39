"""Print how to sign in to the demo business as the owner and as each demo role."""

from django.core.management.base import BaseCommand

from staffroom.core.demodata import DEMO_PASSWORD, OPERATOR_EMAIL
from staffroom.staff.demo import DEMO_PEOPLE
from staffroom.support.demo import DEMO_AGENT_EMAIL


class Command(BaseCommand):
    help = "Show the demo sign-in credentials."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000")

    def handle(self, *args, **options):
        url = options["url"]
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Staffroom demo: open {url}/ and sign in with"))
        self.stdout.write(f"  password for every demo login: {DEMO_PASSWORD}")
        for person in DEMO_PEOPLE.values():
            self.stdout.write(f"  {person['role_label']:<22} {person['email']}")
        self.stdout.write(f"  {'Platform operator':<22} {OPERATOR_EMAIL}   (operator console: {url}/operator/)")
        self.stdout.write(f"  {'Support supervisor':<22} {DEMO_AGENT_EMAIL}   (support console: {url}/support-desk/)")
        self.stdout.write("")
