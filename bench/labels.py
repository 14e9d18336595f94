"""Benchmark: a stance label's use over every layer of a corpus (what the scheme screen shows
before a rename or a removal, ``scheme.label_usage``) and a coded value's
(``Session.attribute_usage``), both read from the corpus index.

Run on a project ``bench/scale.py`` built (default: its 100,000-document one in
``$SAYWHO_BENCH_DIR``, else ``~/.cache/saywho-bench``). Copy it first: the index check
summarizes again what is stale and writes the index::

    cp -a ~/.cache/saywho-bench/scale-100000 /tmp/scale-100000
    python bench/labels.py /tmp/scale-100000

Prints one JSON object: ``open_s``, ``label_usage_s`` (reading every layer file took 79 s at
100,000 documents; target <= 10), ``attribute_usage_s`` and the counts. A first run after a
saywho that wrote the index without ``layer_summary.SUMMARY_VERSION`` includes summarizing
those entries again (once: about 37 s per layer name at 100,000 documents).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from annotations import scheme
from annotations.session import Session


def main() -> None:
    """Time the two counts on the project given (or the cached 100,000-document one)."""
    default = Path(os.environ.get("SAYWHO_BENCH_DIR", Path.home() / ".cache/saywho-bench"))
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("project", type=Path, nargs="?", default=default / "scale-100000")
    args = parser.parse_args()
    start = time.perf_counter()
    with Session.open(args.project, "bench") as session:
        opened = time.perf_counter()
        labels = scheme.label_usage(session.project)
        counted = time.perf_counter()
        attributes = session.attribute_usage("gender")
        done = time.perf_counter()
    print(json.dumps({"open_s": round(opened - start, 2),
                      "label_usage_s": round(counted - opened, 2),
                      "attribute_usage_s": round(done - counted, 2),
                      "labels": dict(labels), "gender": attributes}))


if __name__ == "__main__":
    main()
