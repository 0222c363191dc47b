"""Test-wide setup: the fast path (MD5 hasher, local memory, temporary media)."""

import shutil
import tempfile

import pytest
from django.core.cache import caches


@pytest.fixture(autouse=True)
def _fast_settings(settings, tmp_path_factory):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _clean_cache():
    for cache in caches.all():
        cache.clear()
    yield


@pytest.fixture(scope="session")
def media_root():
    path = tempfile.mkdtemp(prefix="aipick-media-")
    yield path
    shutil.rmtree(path, ignore_errors=True)
