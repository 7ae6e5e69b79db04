"""Who a payout is for, kept as personal data should be: the identity inputs sealed with the data key
(AES-256-GCM of their JSON), and the applicant's key fields as a keyed hash, so that the same applicant
is found in any batch — and a repeated one noticed — without decrypting anything.

Pure functions of a rule, an outcome and a ``DataKey``: no session, no settings.
"""

from __future__ import annotations

import json
from datetime import date
from json.encoder import encode_basestring

import numpy as np
import pyarrow as pa

from taizhang.errors import ValidationFailed
from taizhang.privacy.crypto import DataKey
from taizhang.rules.evaluate import Outcome
from taizhang.rules.kinds import CreditCode, IdNumber
from taizhang.rules.rule import Rule

KEY_SEPARATOR = "/"


def applicant_fields(rule: Rule) -> tuple[str, ...]:
    """The fields that say who the applicant is: the rule's key, else its ID numbers and credit codes
    (a rule whose rows are claims, not applicants, still has a person behind each claim)."""
    return rule.key or tuple(f.name for f in rule.fields if isinstance(f.kind, IdNumber | CreditCode))


def applicant_hash(key: DataKey, values: list[str]) -> str:
    """The keyed hash (HMAC-SHA256, hex) of an applicant's key values, in the order of ``applicant_fields``
    (``sealed_payouts`` joins them the same way)."""
    return key.lookup_hash(KEY_SEPARATOR.join(values))


def key_values(rule: Rule, applicant: dict[str, str]) -> list[str]:
    """The key values of an applicant named by a person (English names or Chinese labels), read as a
    batch reads them (spaces removed, letters upper-cased), so that their hash is the stored one."""
    values = []
    for name in applicant_fields(rule):
        f = rule.field(name)
        given = applicant.get(name) or applicant.get(f.label)
        if given is None or not str(given).strip():
            raise ValidationFailed(f"请填写{f.label}（{name}）。")
        converted = f.kind.convert(pa.array([str(given)]), date.max)
        for mask, reason in converted.problems:
            if mask[0]:
                raise ValidationFailed(f"{f.label}“{f.kind.mask(str(given))}”{reason}。")
        value = converted.values[0]
        values.append(str(value.as_py() if isinstance(value, pa.Scalar) else value))
    return values


def sealed_payouts(rule: Rule, outcome: Outcome, key: DataKey) -> list[dict]:
    """The payouts of one computed chunk — eligible rows with an amount — as rows ready to insert
    (without ``job_id``): ``row_no``, ``applicant_key`` (keyed hash), ``identity_sealed``, ``amount_fen``.
    Built column by column (a chunk may hold a hundred thousand payouts)."""
    assert outcome.amount is not None
    chosen = np.flatnonzero(outcome.eligible & (outcome.amount > 0))
    if not len(chosen):
        return []
    taken = pa.array(chosen)
    values = {f.name: outcome.identity[f.name].take(taken).to_pylist() for f in rule.fields if f.identity}
    members = [[None if v is None else f'"{name}":{encode_basestring(str(v))}' for v in column]
               for name, column in values.items()]  # JSON object members, as json.dumps(ensure_ascii=False)
    identities = ["{" + ",".join(m for m in row if m is not None) + "}" for row in zip(*members, strict=True)]
    keys = [KEY_SEPARATOR.join("" if v is None else str(v) for v in row)
            for row in zip(*(values[name] for name in applicant_fields(rule)), strict=True)]
    rows, amounts = outcome.computed_rows[chosen].tolist(), outcome.amount[chosen].tolist()
    return [{"row_no": row, "applicant_key": key.lookup_hash(plain), "identity_sealed": key.encrypt(identity),
             "amount_fen": amount} for row, plain, identity, amount in zip(rows, keys, identities, amounts, strict=True)]


def open_identity(key: DataKey, sealed: str) -> dict[str, str]:
    """The identity inputs of a payout, decrypted (only for the masked view or an audited reveal)."""
    return json.loads(key.decrypt(sealed))


def applicant_view(rule: Rule, identity: dict[str, str], *, reveal: bool = False) -> dict[str, str]:
    """Chinese label → value of each identity input, masked unless ``reveal``."""
    return {f.label: (str(identity[f.name]) if reveal else f.kind.mask(str(identity[f.name])))
            for f in rule.fields if f.identity and f.name in identity}
