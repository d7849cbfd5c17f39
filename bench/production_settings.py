"""The production settings with the benchmark's URLs beside the app's (a hello-world view to measure against)."""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
