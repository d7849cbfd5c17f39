import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def background_exports(settings):
    """Every export goes through the queue (the threshold is 0 rows)."""
    settings.EXPORT_BACKGROUND_ROWS = 0
