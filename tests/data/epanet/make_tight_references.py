#!/usr/bin/env python3
"""Regenerate EPANET 2.3.5 reference results with ACCURACY tightened to 1e-8.

Why: most networks of EPANET's example suite (epanet-tests/) set a loose ACCURACY (1e-3, and 0.1 for
exnet-3*), so EPANET's own NAME.heads.csv / NAME.flows.csv are converged only that far: on example2,
exnet-3 and exnet-3H they differ from the exact solution by more than the suite's rtol 0.01 / atol 0.1.
This script runs EPANET 2.3.5 itself on every network whose file ACCURACY is looser than 1e-8, with
EN_setoption(EN_ACCURACY, 1e-8) after EN_open (the .inp is not edited; everything else -- status
checks, controls, time steps -- is the file's own, except TRIALS, raised to at least 20000: a cap
only, the iterations of a solve that converges earlier are unchanged, but sampletown, Elhay-ZeroFlow,
2PRVs and 2PRVs-a need more than 1000 to reach 1e-8), and writes NAME.acc1e-8.heads.csv / NAME.acc1e-8.flows.csv beside
NAME.inp in exactly the format of the existing references:

  * header `time_s,ID,ID,...`: node IDs (heads) / link IDs (flows) in EPANET's index order;
  * one row per report time: every hydraulic time t with t >= REPORT START and
    (t - REPORT START) a multiple of REPORT STEP (EN_runH / EN_nextH loop);
  * values in the .inp's own units (EN_HEAD, EN_FLOW), printed with C's "%.9g".

Requirements: the EPANET 2.3.5 source tarball (the project's peer copy is
/work/shared/peers/epanet-2.3.5-src.tar.gz; it is OpenWaterAnalytics/EPANET tag v2.3.5, MIT licence),
cmake and a C compiler. The script builds libepanet2.so itself (cmake Release, -j1) unless --lib is
given. Exact commands used for the committed files:

    python3 tests/data/epanet/make_tight_references.py \
        --tarball /work/shared/peers/epanet-2.3.5-src.tar.gz --build-dir /tmp/epa_tight

Check mode: `--accuracy file` re-runs at each file's own ACCURACY into --out-dir and compares with the
committed NAME.heads.csv / NAME.flows.csv byte for byte (this is how the driver was validated to
reproduce the original references).

Every solve is checked: EN_runH must return 0 (no "system unbalanced" warning) and EPANET's own
relative flow change (EN_RELATIVEERROR) must be <= the requested accuracy; otherwise the network is
reported and no tight reference is written for it (the test then uses the file-accuracy reference).
With EPANET 2.3.5 that is the case for five networks, whose status checks cycle (PRV/PBV/check valve
or pump status flip-flops) so that EPANET never reaches 1e-8 whatever TRIALS is: wolf-3 (relative
flow change stalls at 1.1e-4), NET1-PBV (reaches 1e-7, not 3e-8), 6848-68nodes (3e-7), Gorev2 (3e-6),
simpson_test_2-12 (1e-5).
"""
import argparse
import ctypes
import filecmp
import os
import re
import subprocess
import sys
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
SUITE = os.path.join(HERE, "epanet-tests")
TIGHT = 1e-8

EN_ACCURACY, EN_TRIALS = 1, 0
EN_HEAD, EN_FLOW = 10, 8
EN_REPORTSTEP, EN_REPORTSTART = 5, 6
EN_NODECOUNT, EN_LINKCOUNT = 0, 2
EN_RELATIVEERROR = 1
EN_MAXID = 31


def build(tarball, build_dir):
    src = os.path.join(build_dir, "epanet")
    lib = os.path.join(src, "build", "lib", "libepanet2.so")
    if os.path.exists(lib):
        return lib
    os.makedirs(build_dir, exist_ok=True)
    with tarfile.open(tarball) as t:
        t.extractall(build_dir)
    subprocess.run(["cmake", "-S", src, "-B", os.path.join(src, "build"), "-DCMAKE_BUILD_TYPE=Release"], check=True)
    subprocess.run(["cmake", "--build", os.path.join(src, "build"), "-j1"], check=True)
    return lib


def g9(v):
    return "%.9g" % v


def run(en, inp, accuracy, trials_min):
    """Returns (heads rows, flows rows, node ids, link ids, worst relerr, warnings)."""
    ph = ctypes.c_void_p()

    def ck(rc, what):  # codes > 100 are errors, 1..6 warnings
        if rc > 100:
            raise RuntimeError("%s: %s returned error %d" % (inp, what, rc))
        return rc

    ck(en.EN_createproject(ctypes.byref(ph)), "EN_createproject")
    try:
        ck(en.EN_open(ph, inp.encode(), os.devnull.encode(), b""), "EN_open")
        facc = ctypes.c_double()  # the file's ACCURACY as EPANET applies it (clamped to [1e-5, 0.1])
        en.EN_getoption(ph, EN_ACCURACY, ctypes.byref(facc))
        if accuracy is not None and facc.value > accuracy:
            ck(en.EN_setoption(ph, EN_ACCURACY, ctypes.c_double(accuracy)), "EN_setoption(ACCURACY)")
            v = ctypes.c_double()
            en.EN_getoption(ph, EN_TRIALS, ctypes.byref(v))
            if v.value < trials_min:
                ck(en.EN_setoption(ph, EN_TRIALS, ctypes.c_double(trials_min)), "EN_setoption(TRIALS)")
        acc = ctypes.c_double()
        en.EN_getoption(ph, EN_ACCURACY, ctypes.byref(acc))
        n, m = ctypes.c_int(), ctypes.c_int()
        en.EN_getcount(ph, EN_NODECOUNT, ctypes.byref(n))
        en.EN_getcount(ph, EN_LINKCOUNT, ctypes.byref(m))
        buf = ctypes.create_string_buffer(EN_MAXID + 1)
        nodes, links = [], []
        for i in range(1, n.value + 1):
            en.EN_getnodeid(ph, i, buf)
            nodes.append(buf.value.decode())
        for k in range(1, m.value + 1):
            en.EN_getlinkid(ph, k, buf)
            links.append(buf.value.decode())
        rstep, rstart = ctypes.c_long(), ctypes.c_long()
        en.EN_gettimeparam(ph, EN_REPORTSTEP, ctypes.byref(rstep))
        en.EN_gettimeparam(ph, EN_REPORTSTART, ctypes.byref(rstart))
        ck(en.EN_openH(ph), "EN_openH")
        ck(en.EN_initH(ph, 0), "EN_initH")
        H, Q = [], []
        worst, warnings = 0.0, []
        t, tstep = ctypes.c_long(), ctypes.c_long(1)
        val = ctypes.c_double()
        while True:
            rc = ck(en.EN_runH(ph, ctypes.byref(t)), "EN_runH")
            en.EN_getstatistic(ph, EN_RELATIVEERROR, ctypes.byref(val))
            worst = max(worst, val.value)
            if rc:
                warnings.append((t.value, rc))
            if t.value >= rstart.value and (t.value - rstart.value) % rstep.value == 0:
                row = [str(t.value)]
                for i in range(1, n.value + 1):
                    en.EN_getnodevalue(ph, i, EN_HEAD, ctypes.byref(val))
                    row.append(g9(val.value))
                H.append(row)
                row = [str(t.value)]
                for k in range(1, m.value + 1):
                    en.EN_getlinkvalue(ph, k, EN_FLOW, ctypes.byref(val))
                    row.append(g9(val.value))
                Q.append(row)
            ck(en.EN_nextH(ph, ctypes.byref(tstep)), "EN_nextH")
            if tstep.value <= 0:
                break
        en.EN_closeH(ph)
        return H, Q, nodes, links, worst, warnings, facc.value, acc.value
    finally:
        en.EN_close(ph)
        en.EN_deleteproject(ph)


def write(path, ids, rows):
    with open(path, "w", newline="\n") as f:
        f.write(",".join(["time_s"] + ids) + "\n")
        for r in rows:
            f.write(",".join(r) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tarball", default="/work/shared/peers/epanet-2.3.5-src.tar.gz")
    ap.add_argument("--build-dir", default="/tmp/epanet-2.3.5-build")
    ap.add_argument("--lib", help="an already built libepanet2.so (EPANET 2.3.5)")
    ap.add_argument("--accuracy", default="1e-8", help="1e-8 (default) or 'file' (check mode)")
    ap.add_argument("--trials", type=int, default=20000, help="minimum TRIALS when the accuracy is overridden")
    ap.add_argument("--out-dir", help="check mode: where to write the re-run CSVs")
    ap.add_argument("names", nargs="*", help="only these networks (stems)")
    a = ap.parse_args()
    lib = a.lib or build(a.tarball, a.build_dir)
    en = ctypes.CDLL(lib)
    en.EN_setoption.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_double]
    ver = ctypes.c_int()
    en.EN_getversion(ctypes.byref(ver))
    if ver.value != 20305:
        sys.exit("expected EPANET 2.3.5 (20305), got %d" % ver.value)
    check = a.accuracy == "file"
    bad, unconverged = 0, []
    for d in sorted(os.listdir(SUITE)):
        sub = os.path.join(SUITE, d)
        if not os.path.isdir(sub):
            continue
        for fn in sorted(os.listdir(sub)):
            if not fn.endswith(".inp"):
                continue
            name = fn[:-4]
            if a.names and name not in a.names:
                continue
            inp = os.path.join(sub, fn)
            if check:
                H, Q, nodes, links, worst, warn, facc, acc = run(en, inp, None, 0)
                out = os.path.join(a.out_dir or "/tmp/epanet-check", d)
                os.makedirs(out, exist_ok=True)
                write(os.path.join(out, name + ".heads.csv"), nodes, H)
                write(os.path.join(out, name + ".flows.csv"), links, Q)
                same = all(filecmp.cmp(os.path.join(out, name + s), os.path.join(sub, name + s), shallow=False)
                           for s in (".heads.csv", ".flows.csv"))
                print("%-22s ACCURACY %-8g rows %3d  %s" % (name, acc, len(H), "identical" if same else "DIFFERENT"))
                bad += not same
                continue
            try:
                H, Q, nodes, links, worst, warn, facc, acc = run(en, inp, TIGHT, a.trials)
            except RuntimeError as e:
                print("%-22s ERROR %s" % (name, e))
                bad += 1
                continue
            # warnings 1 (unbalanced) and 2 (unstable) mean the solve did not converge; 3..6 (disconnected,
            # pump/valve cannot deliver, negative pressures) are properties of the network, kept as in the file.
            if facc <= TIGHT:
                print("%-22s ACCURACY %-8g already tight: the existing reference is kept" % (name, facc))
                continue
            ok = not [w for w in warn if w[1] in (1, 2)] and worst <= TIGHT
            print("%-22s file ACCURACY %-8g -> %g: rows %3d, worst relative flow change %.2e, warnings %s%s"
                  % (name, facc, acc, len(H), worst, warn[:3] or "none", "" if ok else "  NOT WRITTEN"))
            if not ok:
                unconverged.append(name)
                continue
            write(os.path.join(sub, name + ".acc1e-8.heads.csv"), nodes, H)
            write(os.path.join(sub, name + ".acc1e-8.flows.csv"), links, Q)
    if unconverged:
        print("EPANET does not converge to %g on: %s (no tight reference written)" % (TIGHT, " ".join(unconverged)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
