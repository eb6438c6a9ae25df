#!/usr/bin/python3
"""Execute a notebook headless with nbclient (kernel python3 = /usr/bin/python3, timeout 300 s per cell) on a
given caspflow output file; exit 1 if any cell raises.

Usage: /usr/bin/python3 tests/python/run_notebook.py NOTEBOOK OUTPUT_H5 [--executed OUT.ipynb] [--save-figs]

The kernel runs in the repository root, with CASPFLOW_OUTPUT set to OUTPUT_H5 (made absolute).
CASPFLOW_SAVE_FIGS is passed as 1 only with --save-figs (so tests never overwrite docs/figures/).
The source notebook is never modified; --executed writes the executed copy elsewhere.
"""
import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

ROOT = Path(__file__).resolve().parents[2]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("notebook")
    ap.add_argument("output_h5")
    ap.add_argument("--executed", help="write the executed notebook here")
    ap.add_argument("--save-figs", action="store_true", help="let the notebook save docs/figures/*.png")
    args = ap.parse_args()

    h5 = Path(args.output_h5).resolve()
    if not h5.is_file():
        print(f"run_notebook: output file {h5} does not exist", file=sys.stderr)
        return 1
    os.environ["CASPFLOW_OUTPUT"] = str(h5)
    if args.save_figs:
        os.environ["CASPFLOW_SAVE_FIGS"] = "1"
    else:
        os.environ.pop("CASPFLOW_SAVE_FIGS", None)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")

    nb = nbformat.read(args.notebook, as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}})
    t0 = time.monotonic()
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError) as e:
        print(f"run_notebook: {args.notebook} failed on {h5}:\n{e}", file=sys.stderr)
        return 1
    finally:
        if args.executed:
            nbformat.write(nb, args.executed)
    n = sum(1 for c in nb.cells if c.cell_type == "code")
    print(f"run_notebook: {args.notebook}: {n} code cells ran without error on {h5} "
          f"in {time.monotonic() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
