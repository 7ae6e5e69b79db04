"""Benchmark of batch evaluation (not a test): N synthetic applicants per rule, from Parquet and CSV.

    .venv/bin/python bench/rules_batch.py                  # every rule, N = 10^5 and 10^6
    .venv/bin/python bench/rules_batch.py --rules job_retention_refund --sizes 1000000

Each measurement runs in a fresh process so that its peak memory (max RSS) is its own. Columns:
read = file → Arrow tables; evaluate = validation, duplicate check, formula, summary (the "compute");
total = both (wall clock), as ``taizhang rules batch`` without writing a results file; cpu = the
process's CPU seconds for the same (threads included; less sensitive to a busy machine); seal = what a
免申即享 batch adds before inserting its payouts — each eligible row's identity encrypted (AES-256-GCM)
and its applicant hashed (HMAC-SHA256), not included in total. Then the pure formula of
job_retention_refund against a hand-written NumPy expression of the same rule on the same columns.
Data is seeded (the same on every run); about 1% of rows carry a bad identifier.
"""

from __future__ import annotations

import argparse
import json
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from taizhang.benefits import rule_book  # noqa: E402
from taizhang.fulfillment.applicants import sealed_payouts  # noqa: E402
from taizhang.privacy.crypto import DataKey  # noqa: E402
from taizhang.rules import identifiers  # noqa: E402
from taizhang.rules.batch import BatchSummary  # noqa: E402
from taizhang.rules.evaluate import evaluate_table  # noqa: E402
from taizhang.rules.files import money_array, read_chunks  # noqa: E402
from taizhang.rules.keys import KeyIndex  # noqa: E402
from taizhang.rules.kinds import CreditCode, Day, Enum, Flag, IdNumber, Money, Percent, ScaledDecimal, Text  # noqa: E402
from taizhang.rules.rule import Evaluation  # noqa: E402

ON = date(2020, 9, 1)
CHUNK_ROWS = 250_000


def _codes(rng, n: int, alphabet: str, weights, check) -> pa.Array:
    letters = np.frombuffer(alphabet.encode(), dtype=np.uint8)
    body = rng.integers(0, len(alphabet), size=(n, 17))
    matrix = np.concatenate([letters[body], check(body)[:, None]], axis=1)
    matrix[rng.random(n) < 0.01, 17] = ord("Z") if alphabet != "0123456789" else ord("Y")  # ~1% bad rows
    return pa.array(matrix.view("S18").ravel()).cast(pa.string())


def credit_codes(rng, n: int) -> pa.Array:
    letters = np.frombuffer(identifiers.CREDIT_ALPHABET.encode(), dtype=np.uint8)
    weights = np.array(identifiers.CREDIT_WEIGHTS)
    return _codes(rng, n, identifiers.CREDIT_ALPHABET, weights,
                  lambda body: letters[(31 - (body * weights).sum(axis=1) % 31) % 31])


def id_numbers(rng, n: int) -> pa.Array:
    person = rng.permutation(n)  # distinct people: a birth day and a serial number each
    births = (np.datetime64("1960-01-01") + person // 1000).astype("datetime64[D]")
    text = np.char.replace(births.astype("U10"), "-", "")
    serial = np.char.zfill((person % 1000).astype("U3"), 3)
    body = np.char.add(np.char.add("360702", text), serial).astype("S17")
    digits = np.frombuffer(body.tobytes(), dtype=np.uint8).reshape(n, 17) - ord("0")
    check = np.frombuffer(identifiers.ID_CHECK_CHARS.encode(), dtype=np.uint8)[
        (digits * np.array(identifiers.ID_WEIGHTS)).sum(axis=1) % 11]
    matrix = np.concatenate([digits + ord("0"), check[:, None]], axis=1).astype(np.uint8)
    matrix[rng.random(n) < 0.01, 17] = ord("A")
    return pa.array(matrix.view("S18").ravel()).cast(pa.string())


def column_for(field, rng, n: int) -> pa.Array:
    """Plausible values for one input, by its kind (typed as a registry's Parquet would be)."""
    kind = field.kind
    if isinstance(kind, CreditCode):
        return credit_codes(rng, n)
    if isinstance(kind, IdNumber):
        return id_numbers(rng, n)
    if isinstance(kind, Enum):
        labels = np.array([c.label for c in kind.choices])
        return pa.array(labels[rng.integers(0, len(labels), n)]).dictionary_encode()
    if isinstance(kind, Flag):
        return pa.array(rng.random(n) < 0.9)
    if isinstance(kind, Money):
        return money_array(rng.integers(0, 50_000_000, n))
    if isinstance(kind, Percent):
        values = rng.integers(0, 80_000, n)  # 0–8%
        return pa.Array.from_buffers(pa.decimal128(12, 4), n, [None, pa.py_buffer(
            np.stack([values, np.zeros(n, dtype=np.int64)], axis=1).tobytes())])
    if isinstance(kind, ScaledDecimal):  # counts of months or people (whole numbers)
        low, high = (10, 2000) if kind.scale else (1 if field.name == "months_claimed" else 0, 40)
        return pa.array(rng.integers(low, high, n))
    if isinstance(kind, Day):
        return pa.array((np.datetime64("2018-06-01") + rng.integers(0, 800, n)).astype("datetime64[D]"))
    if isinstance(kind, Text):
        return pa.array(np.char.add("申请对象", rng.permutation(n).astype("U8")))
    raise TypeError(kind)


def make_files(rule_name: str, n: int, folder: Path) -> tuple[Path, Path]:
    bound = rule_book()[rule_name]
    rng = np.random.default_rng(20200618)
    table = pa.table({f.name: column_for(f, rng, n) for f in bound.rule.fields})
    parquet, csv = folder / f"{rule_name}-{n}.parquet", folder / f"{rule_name}-{n}.csv"
    pq.write_table(table, parquet)
    text = pa.table({name: table.column(name).cast(pa.string()) for name in table.column_names})
    pacsv.write_csv(text, csv)
    return parquet, csv


def measure(rule_name: str, path: Path) -> dict:
    """Run in a child process: read and evaluate one file, report times and peak memory."""
    bound = rule_book()[rule_name]
    read = evaluate = seal = seal_cpu = 0.0
    key, payouts = DataKey(secrets.token_bytes(32)), 0
    cpu_started = time.process_time()
    summary = BatchSummary(rule=rule_name, label=bound.rule.label, on=ON)
    keys, first = KeyIndex(), 1
    chunks = read_chunks(path, CHUNK_ROWS)
    while True:
        started = time.perf_counter()
        chunk = next(chunks, None)
        read += time.perf_counter() - started
        if chunk is None:
            break
        started = time.perf_counter()
        outcome = evaluate_table(bound, chunk, on=ON, first_row=first, keys=keys)
        summary.add(outcome)
        evaluate += time.perf_counter() - started
        first += chunk.num_rows
        if outcome.amount is not None:
            started, started_cpu = time.perf_counter(), time.process_time()
            payouts += len(sealed_payouts(bound.rule, outcome, key))
            seal += time.perf_counter() - started
            seal_cpu += time.process_time() - started_cpu
    peak_mb = peak_memory_mb()
    return {"cpu": time.process_time() - cpu_started - seal_cpu, "rows": summary.rows, "computed": summary.computed, "eligible": summary.eligible,
            "errors": summary.error_rows, "read": read, "evaluate": evaluate, "seal": seal, "payouts": payouts,
            "peak_mb": peak_mb}


def peak_memory_mb() -> float:
    """This process's peak resident memory (VmHWM; ru_maxrss would include the forking parent's)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def formula_against_numpy(n: int = 1_000_000) -> tuple[float, float]:
    """The declared formula of job_retention_refund vs the same rule written by hand in NumPy."""
    bound = rule_book()["job_retention_refund"]
    rng = np.random.default_rng(7)
    columns = {"size": rng.integers(0, 4, n).astype(np.int8), "insured": rng.random(n) < 0.95,
               "layoff_rate": np.zeros(n, dtype=np.int64), "new_benefit_claimants": rng.integers(0, 20, n),
               "avg_insured": rng.integers(10, 1000, n) * 100, "premium_paid": rng.integers(0, 50_000_000, n),
               "refunded_general": rng.integers(0, 1_000_000, n), "credit_code": None, "name": None}
    present = {name: np.ones(n, dtype=bool) for name in columns}
    present["layoff_rate"] = np.zeros(n, dtype=bool)

    def declared():
        evaluation = Evaluation(bound, columns, present, ON, n)
        amount = bound.rule.formula(evaluation)
        eligible = np.logical_and.reduce([c.passed for c in evaluation.conditions])
        return np.where(eligible, amount, 0)

    def by_hand():
        c = columns
        eligible = (c["size"] >= 1) & c["insured"] & (c["new_benefit_claimants"] * 100 * 1000 <= 55 * c["avg_insured"])
        return np.where(eligible, np.maximum(c["premium_paid"] - c["refunded_general"], 0), 0)

    assert (declared() == by_hand()).all()
    return best_of(declared), best_of(by_hand)


def best_of(func, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", nargs="*", default=rule_book().names)
    parser.add_argument("--sizes", nargs="*", type=int, default=[100_000, 1_000_000])
    parser.add_argument("--measure", nargs=2, metavar=("RULE", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure[0], Path(args.measure[1]))))
        return
    print(f"{'rule':<30} {'N':>9} {'from':<8} {'read s':>7} {'eval s':>7} {'total s':>8} {'cpu s':>6} "
          f"{'rows/s':>11} {'peak MB':>8} {'eligible':>9} {'errors':>7} {'seal s':>7} {'payouts':>8}")
    with tempfile.TemporaryDirectory() as folder:
        for rule_name in args.rules:
            for n in args.sizes:
                for path in make_files(rule_name, n, Path(folder)):
                    out = subprocess.run([sys.executable, __file__, "--measure", rule_name, str(path)],
                                         capture_output=True, text=True, check=True)
                    r = json.loads(out.stdout)
                    total = r["read"] + r["evaluate"]
                    print(f"{rule_name:<30} {n:>9,} {path.suffix[1:]:<8} {r['read']:>7.2f} {r['evaluate']:>7.2f} "
                          f"{total:>8.2f} {r['cpu']:>6.2f} {r['rows'] / total:>11,.0f} {r['peak_mb']:>8.0f} {r['eligible']:>9,} "
                          f"{r['errors']:>7,} {r['seal']:>7.2f} {r['payouts']:>8,}", flush=True)
                    path.unlink()
    declared, by_hand = formula_against_numpy()
    print(f"\njob_retention_refund formula on 1,000,000 rows: declared rule {declared * 1000:.1f} ms, "
          f"hand-written NumPy {by_hand * 1000:.1f} ms, ratio {declared / by_hand:.2f}×")


if __name__ == "__main__":
    main()
