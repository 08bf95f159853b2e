import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # These tests sign in hundreds of times; the real hasher takes about a second each here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
