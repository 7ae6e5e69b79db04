"""Passwords are hashed with argon2id at the recommended parameters (RFC 9106, low memory: 64 MiB,
3 passes, 4 lanes); the test suite alone switches to the cheapest ones, and a hash keeps its own
parameters, so either kind verifies anywhere."""

import subprocess
import sys

from argon2 import PasswordHasher

from taizhang.auth.passwords import hash_password, needs_rehash, verify_password

PRODUCTION_PREFIX = "$argon2id$v=19$m=65536,t=3,p=4$"


def test_a_process_that_is_not_the_test_suite_hashes_with_the_recommended_parameters():
    code = "from taizhang.auth.passwords import hash_password; print(hash_password('Zhengce#Duiban2020'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.startswith(PRODUCTION_PREFIX)


def test_the_suite_hashes_cheaply_and_still_verifies_a_production_hash():
    assert hash_password("Zhengce#Duiban2020").startswith("$argon2id$v=19$m=8,t=1,p=1$")
    production = PasswordHasher().hash("Zhengce#Duiban2020")
    assert production.startswith(PRODUCTION_PREFIX)
    assert verify_password(production, "Zhengce#Duiban2020")
    assert not verify_password(production, "Zhengce#Duiban2021")
    assert needs_rehash(production)  # against this process's (cheap) parameters
