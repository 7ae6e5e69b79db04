"""Personal data at rest: AES-256-GCM encryption and a keyed hash for look-up and de-duplication.

The key lives in a file outside the database (settings.data_key_file, mode 0600), so a copy of the
database alone reveals no 身份证号, phone number or second-factor secret. Encrypted values are text:
"v1:" + base64(nonce ‖ ciphertext ‖ tag). The keyed hash (HMAC-SHA256 with a key derived from the
same file) lets equal values be found without decrypting them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from taizhang.errors import ConfigurationError

PREFIX = "v1:"


@dataclass(frozen=True)
class DataKey:
    key: bytes

    @cached_property
    def hash_key(self) -> bytes:
        return hashlib.sha256(b"taizhang-lookup" + self.key).digest()

    @cached_property
    def _cipher(self) -> AESGCM:  # built once: a batch seals hundreds of thousands of payouts
        return AESGCM(self.key)

    def encrypt(self, plaintext: str) -> str:
        nonce = secrets.token_bytes(12)
        sealed = self._cipher.encrypt(nonce, plaintext.encode("utf-8"), None)
        return PREFIX + base64.b64encode(nonce + sealed).decode("ascii")

    def decrypt(self, token: str) -> str:
        if not token.startswith(PREFIX):
            raise ConfigurationError("加密数据格式不认识（可能不是本系统加密的数据）。")
        raw = base64.b64decode(token[len(PREFIX):])
        return self._cipher.decrypt(raw[:12], raw[12:], None).decode("utf-8")

    def lookup_hash(self, value: str) -> str:
        return hmac.digest(self.hash_key, value.encode("utf-8"), "sha256").hex()  # HMAC-SHA256, one C call


def load_key(path: Path, *, create: bool = False) -> DataKey:
    """The data key from its file; with ``create`` a new key is written (0600) when none exists."""
    if not path.exists():
        if not create:
            raise ConfigurationError(f"个人信息加密密钥文件不存在：{path}。请先运行 taizhang init 生成，并与数据库分开备份。")
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(base64.b64encode(secrets.token_bytes(32)))
    data = base64.b64decode(path.read_bytes().strip())
    if len(data) != 32:
        raise ConfigurationError(f"个人信息加密密钥文件 {path} 内容不正确（应为32字节密钥的 base64）。")
    return DataKey(data)
