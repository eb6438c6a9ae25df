#!/usr/bin/python3
"""Whole-process timing of `caspflow hydraulics` against EPANET's `runepanet` on the same networks, and the
start-up cost of `caspflow --version` (issue 13 item 8). A measurement, never a test.

Usage: /usr/bin/python3 bench/hydraulics/compare_epanet.py BUILD_DIR [PEER_DIR] [--runs N] [--exe CASPFLOW]

PEER_DIR (default /tmp/caspflow-peer-epanet) gets EPANET 2.3.5 built from ../shared/peers/epanet-2.3.5-src.tar.gz
when it has no b/bin/runepanet yet (outside the repository: none of the peer's code is part of caspflow;
tests/data/epanet/README.md). Prints the median of N runs (default 7) per command and the ratio to runepanet.
runepanet writes its report and binary output file; caspflow is timed with and without `-o OUT.h5`.
Start-up: the median of 3N runs of `caspflow --version` (and of /bin/true, the process floor), with the number of
shared objects the process maps (lines of `ldd`, counting linux-vdso and ld.so) for caspflow and runepanet.
--exe times another caspflow executable (e.g. a copy of an older build) instead of BUILD_DIR/cli/caspflow.
Results are in bench/README.md; the machine's load makes single figures vary by 2x, so compare runs made together.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARBALL = ROOT.parent / "shared" / "peers" / "epanet-2.3.5-src.tar.gz"
NETWORKS = [ROOT.parent / "shared" / "peers" / "epanet" / "btc_like.inp", ROOT / "bench" / "hydraulics" / "btc_fine.inp",
            ROOT.parent / "shared" / "peers" / "epanet" / "Net3.inp"]


def build_peer(peer: Path) -> Path:
    exe = peer / "b" / "bin" / "runepanet"
    if exe.is_file():
        return exe
    peer.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-xzf", str(TARBALL), "-C", str(peer), "--strip-components=1"], check=True)
    subprocess.run(["cmake", "-S", str(peer), "-B", str(peer / "b"), "-DCMAKE_BUILD_TYPE=Release", "-DBUILD_TESTS=OFF"],
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", str(peer / "b"), "-j2"], check=True, stdout=subprocess.DEVNULL)
    return exe


def median_time(cmd, runs):
    ts = []
    for _ in range(runs):
        t0 = time.perf_counter()
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ts.append(time.perf_counter() - t0)
        if r.returncode != 0:
            sys.exit(f"compare_epanet: {' '.join(map(str, cmd))} exited {r.returncode}")
    return statistics.median(ts)


def shared_objects(exe) -> int:
    """Shared objects the dynamic loader maps for `exe` (ldd's lines: linux-vdso and ld.so included)."""
    r = subprocess.run(["ldd", str(exe)], capture_output=True, text=True)
    return len([line for line in r.stdout.splitlines() if line.strip()]) if r.returncode == 0 else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build")
    ap.add_argument("peer", nargs="?", default="/tmp/caspflow-peer-epanet")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--exe", help="the caspflow executable to time (default BUILD/cli/caspflow)")
    a = ap.parse_args()
    caspflow = Path(a.exe) if a.exe else Path(a.build) / "cli" / "caspflow"
    runepanet = build_peer(Path(a.peer))
    tmp = Path(tempfile.mkdtemp(prefix="caspflow-vs-epanet-"))
    v = median_time([caspflow, "--version"], 3 * a.runs)
    t = median_time(["/bin/true"], 3 * a.runs)
    print(f"start-up: caspflow --version {v * 1e3:.1f} ms (/bin/true {t * 1e3:.1f} ms); shared objects: caspflow "
          f"{shared_objects(caspflow)}, runepanet {shared_objects(runepanet)}")
    # ratio = caspflow / runepanet, whole process (start-up, reading the .inp, solving, writing); -o writes HDF5.
    print(f"{'network':16} {'runepanet ms':>13} {'caspflow -o ms':>15} {'ratio':>6} {'caspflow ms':>12} {'ratio':>6}")
    for net in NETWORKS:
        e = median_time([runepanet, net, tmp / "r.rpt", tmp / "o.bin"], a.runs)
        c = median_time([caspflow, "hydraulics", net, "-o", tmp / "c.h5"], a.runs)
        c2 = median_time([caspflow, "hydraulics", net], a.runs)
        print(f"{net.stem:16} {e * 1e3:13.1f} {c * 1e3:15.1f} {c / e:6.2f} {c2 * 1e3:12.1f} {c2 / e:6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
