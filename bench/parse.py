"""Parse speed and memory: the seed (and any other documents given), repeated, as figures.

    .venv/bin/python bench/parse.py [--repeat 50] [FILE ...]

Prints, per document: characters, measures, mean and best parse time, characters per second;
then documents per second over the set and the peak memory of one parse (tracemalloc).
Not a test: timings are printed for the closing note, never asserted.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
from pathlib import Path

from taizhang.policy.parse import parse_text
from taizhang.policy.read import read_document

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "taizhang" / "examples" / "ganzhou-2020-liuwen-liubao.txt"
DEV = ROOT / "tests" / "data" / "policy-docs" / "docs"


def dev_text(path: Path) -> str:
    """Development documents start with two '# source/status' lines that are not the document."""
    lines = read_document(path).text.splitlines(keepends=True)
    return "".join(lines[2:]) if lines and lines[0].startswith("# source") else "".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=50)
    args = ap.parse_args()
    paths = args.files or [SEED, *sorted(DEV.glob("*.txt"))]
    texts = [(p.name, dev_text(p)) for p in paths]
    parse_text(texts[0][1])  # warm caches (OpenCC, unit directory)
    print(f"{'document':<42}{'chars':>8}{'measures':>10}{'mean ms':>10}{'best ms':>10}{'chars/s':>12}")
    total_chars, total_time = 0, 0.0
    for name, text in texts:
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            policy = parse_text(text, name=name)
            times.append(time.perf_counter() - t0)
        mean = statistics.mean(times)
        total_chars += len(text)
        total_time += mean
        print(f"{name:<42}{len(text):>8}{len(policy.measures):>10}{mean * 1000:>10.2f}{min(times) * 1000:>10.2f}"
              f"{len(text) / mean:>12,.0f}")
    print(f"\n{len(texts)} documents: {len(texts) / total_time:,.1f} documents/s, {total_chars / total_time:,.0f} chars/s")
    tracemalloc.start()
    parse_text(texts[0][1])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"peak memory of one parse of {texts[0][0]}: {peak / 2**20:.2f} MiB (tracemalloc)")


if __name__ == "__main__":
    main()
