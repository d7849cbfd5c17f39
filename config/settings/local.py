"""Settings for a developer's machine and `make run`: debug on, console e-mail, SQLite by default."""

from .base import *  # noqa: F403
from .environment import env_bool

DEBUG = env_bool("DEBUG", True)
