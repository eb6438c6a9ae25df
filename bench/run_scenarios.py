#!/usr/bin/python3
"""Whole-process timing of `caspflow run` (Release build) on the committed scenarios.

Usage: bench/run_scenarios.py [BUILD_DIR] [REPEATS]   (default build, 5)
Prints min / median wall time and peak resident memory per scenario. Timings are measurements to
report, never test assertions.
"""
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "build")
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
exe = os.path.join(build, "cli", "caspflow")
with tempfile.TemporaryDirectory() as tmp:
    for sc in ["base", "agreement-2p2", "cpc-outage-2025"]:
        path = os.path.join(root, "inputs", "scenarios", sc + ".toml")
        times = []
        for _ in range(reps):
            t0 = time.perf_counter()
            subprocess.run([exe, "run", path, "-o", os.path.join(tmp, sc + ".h5"), "-q"], check=True)
            times.append(time.perf_counter() - t0)
        rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"{sc:18s} wall min {min(times):.3f} s  median {statistics.median(times):.3f} s  "
              f"(n={reps}, 16 years daily)  peak RSS so far {rss_mb:.0f} MiB")
