#!/usr/bin/python3
"""Hostile command lines for caspflow's input and output paths and values (issue 10, items 1-4 and 8).

Usage: run_hostile.py CASPFLOW_BINARY SOURCE_DIR SCRATCH_ROOT CASE
       run_hostile.py --list

Every CASE runs in its own fresh scratch directory below SCRATCH_ROOT (a directory of the build tree) holding
copies of the shipped scenarios (inputs/scenarios/*.toml), an EPANET network (Net1.inp) and a CSV series. Each
case asserts
  * the exit code (the process's own return code, never a regular expression on the output),
  * the message: the file, key or option it must name,
  * that nothing was destroyed: every file in the scratch directory keeps its type and SHA-256, FIFOs stay
    FIFOs, /dev/null stays the same character device (compared by st_mode and st_rdev),
  * that nothing was created: no output and no temporary (`*.caspflow-tmp.*`) unless the case expects one.
The real /dev/null is never named with -o: the device case goes through a symlink `out.h5 -> /dev/null` in the
scratch directory, after the FIFO case proved that the refusal happens before anything is written.
"""
import hashlib
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

EXE = SRC = ROOT = ""
TIMEOUT = 60  # s; a hang (e.g. reading a FIFO) fails the case instead of blocking the suite
TMP_RE = re.compile(r"^\.(.+)\.caspflow-tmp\.[A-Za-z0-9]{6}$")


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def snapshot(top):
    """{relative path: (kind, digest)} of everything under top, without following symlinks or opening FIFOs."""
    snap = {}
    for dirpath, dirnames, filenames in os.walk(top):
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            st = os.lstat(p)
            rel = os.path.relpath(p, top)
            if stat.S_ISREG(st.st_mode):
                with open(p, "rb") as fh:
                    snap[rel] = ("file", hashlib.sha256(fh.read()).hexdigest())
            elif stat.S_ISLNK(st.st_mode):
                snap[rel] = ("symlink", os.readlink(p))
            elif stat.S_ISDIR(st.st_mode):
                snap[rel] = ("dir", "")
            elif stat.S_ISFIFO(st.st_mode):
                snap[rel] = ("fifo", "")
            else:
                snap[rel] = ("other", str(st.st_mode))
    return snap


def devnull_id():
    st = os.stat("/dev/null")
    return (stat.S_IFMT(st.st_mode), st.st_rdev)


class Scratch:
    def __init__(self, case):
        os.makedirs(ROOT, exist_ok=True)
        self.dir = tempfile.mkdtemp(prefix=f"{case}-", dir=ROOT)
        for name in os.listdir(os.path.join(SRC, "inputs", "scenarios")):
            if name.endswith(".toml"):
                shutil.copy(os.path.join(SRC, "inputs", "scenarios", name), self.dir)
        shutil.copy(os.path.join(SRC, "tests", "data", "epanet", "Net1.inp"), self.dir)
        shutil.copy(os.path.join(SRC, "tests", "data", "csv-series", "acg.csv"), self.dir)

    def path(self, name):
        return os.path.join(self.dir, name)

    def write(self, name, text):
        with open(self.path(name), "w", encoding="utf-8") as fh:
            fh.write(text)

    def csv_child(self, csv, name="child.toml"):
        self.write(name, 'extends = "base.toml"\n[shippers.acg]\n'
                         f'supply = {{ csv = "{csv}", column = "acg_supply", unit = "Mt/yr", interp = "linear" }}\n')
        return name

    def run(self, *args, env_extra=None, expect_rc=2):
        env = dict(os.environ)
        env.pop("CASPFLOW_TEST_HOLD_TEMP_MS", None)
        env.update(env_extra or {})
        try:
            p = subprocess.run([EXE, *args], cwd=self.dir, capture_output=True, text=True, timeout=TIMEOUT, env=env,
                               stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise Failure(f"caspflow {' '.join(args)}: no answer within {TIMEOUT} s (hang)")
        out = p.stdout + p.stderr
        check(p.returncode == expect_rc,
              f"caspflow {' '.join(args)}: exit code {p.returncode}, expected {expect_rc}\n{out}")
        return out

    def temporaries(self):
        return [n for n in os.listdir(self.dir) if ".caspflow-tmp." in n]


def needs(out, *parts):
    for part in parts:
        check(part in out, f"message lacks {part!r}:\n{out}")


def refused(s, args, names, created=()):
    """Runs caspflow with args in scratch s: exit code 2, every name in the message, nothing destroyed or created
    (apart from `created`), no temporary, /dev/null unchanged."""
    before, null_before = snapshot(s.dir), devnull_id()
    out = s.run(*args)
    needs(out, *names)
    after = snapshot(s.dir)
    for rel, what in before.items():
        check(after.get(rel) == what, f"{rel} changed: {what} -> {after.get(rel)}")
    extra = sorted(set(after) - set(before) - set(created))
    check(not extra, f"files created: {extra}")
    check(not s.temporaries(), f"temporaries left: {s.temporaries()}")
    check(devnull_id() == null_before, "/dev/null changed")
    return out


# ------------------------------------------------------------------------------------------------------------
# A. Outputs

def case_out_is_scenario(s):
    refused(s, ["run", "base.toml", "-o", "base.toml", "-q"], ["base.toml: -o: ", "a file this run reads"])


def case_out_is_parent(s):
    s.write("child.toml", 'extends = "base.toml"\ntitle = "child"\n')
    refused(s, ["run", "child.toml", "-o", "base.toml", "-q"], ["base.toml: -o: ", "'base.toml'"])


def case_out_is_parent_other_spelling(s):
    os.mkdir(s.path("sub"))
    s.write("sub/child.toml", 'extends = "../base.toml"\n')
    refused(s, ["run", "sub/child.toml", "-o", "sub/../sub/./../base.toml", "-q"],
            ["sub/../sub/./../base.toml: -o: ", "base.toml'"])


def case_out_is_csv(s):
    child = s.csv_child("acg.csv")
    refused(s, ["run", child, "-o", "acg.csv", "-q"], ["acg.csv: -o: ", "'acg.csv', a file this run reads"])


def case_out_is_pipeline_file(s):
    refused(s, ["run", "base.toml", "-o", "btc-hydraulics.toml", "-q"],
            ["btc-hydraulics.toml: -o: ", "'btc-hydraulics.toml', a file this run reads"])


def case_out_symlink_to_scenario(s):
    os.symlink("base.toml", s.path("out.h5"))
    refused(s, ["run", "base.toml", "-o", "out.h5", "-q"], ["out.h5: -o: ", "symbolic link to 'base.toml'"])


def case_out_hardlink_to_pipeline_file(s):
    os.link(s.path("btc-hydraulics.toml"), s.path("out.h5"))
    refused(s, ["run", "base.toml", "-o", "out.h5", "-q"], ["out.h5: -o: ", "same file as 'btc-hydraulics.toml'"])


def case_out_default_is_input(s):
    # Without -o the output is outputs/<stem>.h5: here that is the scenario itself (a TOML file named base.h5).
    os.mkdir(s.path("outputs"))
    shutil.copy(s.path("base.toml"), s.path("outputs/base.h5"))
    shutil.copy(s.path("btc-hydraulics.toml"), s.path("outputs"))
    refused(s, ["run", "outputs/base.h5", "-q"], ["outputs/base.h5: output: ", "a file this run reads"])


def case_out_is_inp(s):
    refused(s, ["hydraulics", "Net1.inp", "-o", "Net1.inp"], ["Net1.inp: -o: ", "'Net1.inp', a file this run reads"])


def case_out_symlink_to_inp(s):
    os.symlink(s.path("Net1.inp"), s.path("net.h5"))
    refused(s, ["hydraulics", "Net1.inp", "-o", "net.h5"], ["net.h5: -o: ", "Net1.inp"])


def case_out_fifo_run(s):
    os.mkfifo(s.path("out.h5"))
    refused(s, ["run", "base.toml", "-o", "out.h5", "-q"], ["out.h5: -o: ", "found a FIFO"])
    check(stat.S_ISFIFO(os.lstat(s.path("out.h5")).st_mode), "the FIFO is gone")


def case_out_fifo_hydraulics(s):
    os.mkfifo(s.path("out.h5"))
    refused(s, ["hydraulics", "Net1.inp", "-o", "out.h5"], ["out.h5: -o: ", "found a FIFO"])
    check(stat.S_ISFIFO(os.lstat(s.path("out.h5")).st_mode), "the FIFO is gone")


def case_out_directory(s):
    os.mkdir(s.path("out.h5"))
    s.write("out.h5/keep.txt", "keep\n")
    refused(s, ["run", "base.toml", "-o", "out.h5", "-q"], ["out.h5: -o: ", "found a directory"])
    refused(s, ["hydraulics", "Net1.inp", "-o", "out.h5"], ["out.h5: -o: ", "found a directory"])


def case_out_symlink_to_devnull(s):
    # Only after the FIFO cases: the symlink is in the scratch directory, /dev/null is compared before and after.
    os.symlink("/dev/null", s.path("out.h5"))
    refused(s, ["run", "base.toml", "-o", "out.h5", "-q"], ["out.h5: -o: ", "'/dev/null', a character device"])
    refused(s, ["hydraulics", "Net1.inp", "-o", "out.h5"], ["out.h5: -o: ", "'/dev/null', a character device"])
    check(stat.S_ISCHR(os.stat("/dev/null").st_mode), "/dev/null is no longer a character device")


def case_profile_is_input(s):
    refused(s, ["capacity", "btc-hydraulics.toml", "--profile", "btc-hydraulics.toml"],
            ["btc-hydraulics.toml: --profile: ", "a file this run reads"])
    refused(s, ["capacity", "base.toml", "--profile", "base.toml"], ["base.toml: --profile: "])


def case_profile_fifo(s):
    os.mkfifo(s.path("p.csv"))
    refused(s, ["capacity", "btc-hydraulics.toml", "--profile", "p.csv"], ["p.csv: --profile: ", "found a FIFO"])


def case_hydraulics_creates_directory(s):
    out = s.run("hydraulics", "Net1.inp", "-o", "new/dir/net.h5", expect_rc=0)
    needs(out, "wrote new/dir/net.h5")
    check(os.path.isfile(s.path("new/dir/net.h5")), "no output file")
    check(not [n for n in os.listdir(s.path("new/dir")) if ".caspflow-tmp." in n], "temporary left")
    with open(s.path("new/dir/net.h5"), "rb") as fh:
        check(fh.read(8) == b"\x89HDF\r\n\x1a\n", "output is not HDF5")


def case_run_writes_normally(s):
    s.run("run", "base.toml", "-o", "o/base.h5", "-q", expect_rc=0)
    check(os.path.isfile(s.path("o/base.h5")), "no output file")
    check(not [n for n in os.listdir(s.path("o")) if ".caspflow-tmp." in n], "temporary left")
    mode = stat.S_IMODE(os.stat(s.path("o/base.h5")).st_mode)
    umask = os.umask(0)
    os.umask(umask)
    check(mode == 0o644 & ~umask, f"output mode {oct(mode)}, expected {oct(0o644 & ~umask)} (0644 & ~umask)")


def interrupted(s, sig):
    """Starts a run that holds its finished temporary for 20 s, sends `sig` once the temporary exists."""
    old = b"old output\n"
    with open(s.path("out.h5"), "wb") as fh:
        fh.write(old)
    env = dict(os.environ, CASPFLOW_TEST_HOLD_TEMP_MS="20000")
    p = subprocess.Popen([EXE, "run", "base.toml", "-o", "out.h5", "-q"], cwd=s.dir, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.time() + TIMEOUT
    tmps = []
    while time.time() < deadline and not tmps and p.poll() is None:
        tmps = s.temporaries()
        time.sleep(0.05)
    if not tmps:
        p.kill()
        p.communicate()
        raise Failure("no temporary appeared")
    check(len(tmps) == 1 and TMP_RE.match(tmps[0]) and TMP_RE.match(tmps[0]).group(1) == "out.h5",
          f"temporary name {tmps} does not follow .<name>.caspflow-tmp.XXXXXX")
    p.send_signal(sig)
    try:
        _, err = p.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        raise Failure(f"still running {TIMEOUT} s after signal {sig}")
    check(p.returncode == -sig, f"exit status {p.returncode}, expected death by signal {sig}\n{err.decode()}")
    with open(s.path("out.h5"), "rb") as fh:
        check(fh.read() == old, "the previous output was changed")
    return tmps[0]


def case_sigint_removes_temporary(s):
    interrupted(s, signal.SIGINT)
    check(not s.temporaries(), f"temporary left after SIGINT: {s.temporaries()}")


def case_sigterm_removes_temporary(s):
    interrupted(s, signal.SIGTERM)
    check(not s.temporaries(), f"temporary left after SIGTERM: {s.temporaries()}")


def case_sigkill_stale_temporary(s):
    # SIGKILL cannot be handled: the stale temporary keeps the documented pattern, and a later run neither
    # mistakes it for output nor touches it.
    stale = interrupted(s, signal.SIGKILL)
    check(s.temporaries() == [stale], f"expected the stale temporary {stale}, found {s.temporaries()}")
    with open(s.path(stale), "rb") as fh:
        digest = hashlib.sha256(fh.read()).hexdigest()
    s.run("run", "base.toml", "-o", "out.h5", "-q", expect_rc=0)
    with open(s.path("out.h5"), "rb") as fh:
        check(fh.read(8) == b"\x89HDF\r\n\x1a\n", "output is not HDF5")
    with open(s.path(stale), "rb") as fh:
        check(hashlib.sha256(fh.read()).hexdigest() == digest, "the stale temporary was changed")
    check(s.temporaries() == [stale], f"new temporaries: {s.temporaries()}")


def case_concurrent_writers(s):
    # Two writers of one target hold their temporaries at the same time: distinct names, both succeed.
    env = dict(os.environ, CASPFLOW_TEST_HOLD_TEMP_MS="1500")
    ps = [subprocess.Popen([EXE, "hydraulics", "Net1.inp", "-o", "net.h5"], cwd=s.dir, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(2)]
    seen = set()
    while any(p.poll() is None for p in ps):
        seen.update(s.temporaries())
        time.sleep(0.05)
    for p in ps:
        err = p.communicate()[1].decode()
        check(p.returncode == 0, f"writer exit code {p.returncode}\n{err}")
    check(len(seen) == 2, f"expected two distinct temporaries, saw {sorted(seen)}")
    check(not s.temporaries(), "temporaries left")
    with open(s.path("net.h5"), "rb") as fh:
        check(fh.read(8) == b"\x89HDF\r\n\x1a\n", "output is not HDF5")


# ------------------------------------------------------------------------------------------------------------
# B. Inputs

def case_scenario_fifo(s):
    os.mkfifo(s.path("s.toml"))
    for cmd in (["check", "s.toml"], ["run", "s.toml", "-o", "out.h5", "-q"]):
        refused(s, cmd, ["s.toml: ", "a FIFO (named pipe), expected a regular file"])


def case_scenario_devzero(s):
    refused(s, ["check", "/dev/zero"], ["/dev/zero: ", "a character device, expected a regular file"])
    refused(s, ["capacity", "/dev/zero"], ["/dev/zero: ", "a character device, expected a regular file"])


def case_extends_devzero(s):
    s.write("child.toml", 'extends = "/dev/zero"\n')
    refused(s, ["run", "child.toml", "-o", "out.h5", "-q"],
            ["child.toml:1:11: extends: ", "'/dev/zero' is a character device"])


def case_extends_fifo(s):
    os.mkfifo(s.path("parent.toml"))
    s.write("child.toml", 'extends = "parent.toml"\n')
    refused(s, ["check", "child.toml"], ["child.toml:1:11: extends: ", "parent.toml' is a FIFO"])


def case_csv_devzero(s):
    child = s.csv_child("/dev/zero")
    refused(s, ["run", child, "-o", "out.h5", "-q"],
            ["child.toml:3:", "shippers.acg.supply.csv: ", "'/dev/zero' is a character device"])


def case_csv_fifo(s):
    os.mkfifo(s.path("fifo.csv"))
    child = s.csv_child("fifo.csv")
    refused(s, ["check", child], ["child.toml:3:", "shippers.acg.supply.csv: ", "fifo.csv' is a FIFO"])


def case_pipeline_file_fifo(s):
    os.rename(s.path("btc-hydraulics.toml"), s.path("real-hydraulics.toml"))
    os.mkfifo(s.path("btc-hydraulics.toml"))
    refused(s, ["check", "base.toml"], ["base.toml:", "legs.btc.hydraulics: ", "btc-hydraulics.toml' is a FIFO"])
    refused(s, ["capacity", "btc-hydraulics.toml"], ["btc-hydraulics.toml: ", "a FIFO"])


def case_inp_fifo(s):
    os.mkfifo(s.path("net.inp"))
    refused(s, ["hydraulics", "net.inp"], ["net.inp: ", "EPANET input file is a FIFO"])
    refused(s, ["hydraulics", "net.inp", "-o", "out.h5"], ["net.inp: ", "EPANET input file is a FIFO"])


def case_inp_devzero(s):
    refused(s, ["hydraulics", "/dev/zero", "-o", "out.h5"], ["/dev/zero: ", "EPANET input file is a character device"])


def case_inp_directory(s):
    os.mkdir(s.path("net.inp"))
    refused(s, ["hydraulics", "net.inp"], ["net.inp: ", "is a directory"])


def case_too_large(s):
    limit = 64 << 20
    with open(s.path("big.toml"), "wb") as fh:  # sparse: no disk space used
        fh.truncate(limit + 1)
    with open(s.path("big.csv"), "wb") as fh:
        fh.truncate(limit + 1)
    with open(s.path("big.inp"), "wb") as fh:
        fh.truncate(limit + 1)
    refused(s, ["check", "big.toml"], ["big.toml: ", "at most 64 MiB"])
    s.write("child.toml", 'extends = "big.toml"\n')
    refused(s, ["check", "child.toml"], ["child.toml:1:11: extends: ", "big.toml' is 64 MiB", "at most 64 MiB"])
    child = s.csv_child("big.csv", "csvchild.toml")
    refused(s, ["check", child], ["csvchild.toml:3:", "big.csv' is 64 MiB", "at most 64 MiB"])
    refused(s, ["hydraulics", "big.inp"], ["big.inp: ", "at most 64 MiB"])


def chain(s, n):
    """c0.toml extends c1.toml ... c{n-1}.toml extends base.toml: n levels of `extends`."""
    for i in range(n):
        s.write(f"c{i}.toml", f'extends = "{"c%d.toml" % (i + 1) if i + 1 < n else "base.toml"}"\n')


def case_extends_depth_64_ok(s):
    chain(s, 64)
    out = s.run("check", "c0.toml", expect_rc=0)
    needs(out, "ok: c0.toml")


def case_extends_depth_65_refused(s):
    chain(s, 65)
    refused(s, ["check", "c0.toml"], ["c64.toml:1:11: extends: ", "more than 64 levels of `extends` below c0.toml"])


def case_extends_chain_7000(s):
    chain(s, 7000)  # overflowed the stack before (SIGSEGV in read_tree)
    refused(s, ["run", "c0.toml", "-o", "out.h5", "-q"], ["c64.toml:1:11: extends: ", "at most 64 parents"])


def case_csv_year_int_min(s):
    s.write("y.csv", "date,acg_supply\n2025-01-01,22.7\n-2147483648-01-01,1\n")
    child = s.csv_child("y.csv")
    # Not four digits: not a date YYYY-MM-DD at all (the one date parser, model::parse_iso_date).
    refused(s, ["check", child], ["y.csv:3:1: shippers.acg.supply.csv: ", '"-2147483648-01-01"', "expected a real calendar date YYYY-MM-DD"])


def case_csv_year_range(s):
    s.write("y.csv", "date,acg_supply\n1899-12-31,1\n2201-01-01,2\n99999999999-01-01,3\n2025-01-01,4\n")
    child = s.csv_child("y.csv")
    refused(s, ["run", child, "-o", "out.h5", "-q"],
            ["y.csv:2:1: shippers.acg.supply.csv: ", "y.csv:3:1: ", "y.csv:4:1: ", "between 1900 and 2200"])


# ------------------------------------------------------------------------------------------------------------
# C. Values (issue 10 item 3): every numeric input in a documented range, checked at load time (exit 2, file:line,
# key and range named), by `check` and `run` alike; item 4: no hang.

TWO_NODES = """[JUNCTIONS]
J0 10
J1 10 1
[RESERVOIRS]
R1 100
[PIPES]
P1 R1 J0 1000 300 100
[OPTIONS]
UNITS LPS
"""


def net1_with(s, name, option_lines=(), replace=()):
    """Net1.inp with extra [OPTIONS] lines and (regex, replacement) edits, written as `name`."""
    with open(s.path("Net1.inp"), encoding="utf-8") as fh:
        text = fh.read()
    for pat, rep in replace:
        text, n = re.subn(pat, rep, text, flags=re.M | re.I)
        check(n == 1, f"Net1.inp: pattern {pat!r} matched {n} times")
    text = text.replace("[OPTIONS]\n", "[OPTIONS]\n" + "".join(l + "\n" for l in option_lines), 1)
    s.write(name, text)


def hydraulics_refused(s, name, parts):
    refused(s, ["hydraulics", name], parts)
    refused(s, ["hydraulics", name, "-o", "out.h5"], parts)


def case_inp_gpv_one_point(s):
    # Read past the curve (ASan heap-buffer-overflow in head_loss); Release printed numbers from memory.
    s.write("gpv.inp", TWO_NODES + "[VALVES]\nV1 J0 J1 300 GPV C1\n[CURVES]\nC1 1 5\n[END]\n")
    hydraulics_refused(s, "gpv.inp", ["gpv.inp:11: VALVES.V1.setting: ", "curve 'C1' with 1 point",
                                      "at least 2 (flow, head loss) points"])


def case_inp_curve_x_not_increasing(s):
    s.write("c.inp", TWO_NODES + "[VALVES]\nV1 J0 J1 300 GPV C1\n[CURVES]\nC1 2 5\nC1 1 6\n[END]\n")
    hydraulics_refused(s, "c.inp", ["c.inp:14: CURVES.C1: ", "found x = 1 after x = 2", "strictly increasing x"])


def case_inp_volume_curve_one_point(s):
    s.write("v.inp", TWO_NODES.replace("[PIPES]", "[TANKS]\nT1 50 5 0 10 0 0 VC\n[PIPES]\nP2 T1 J1 100 300 100") +
            "[CURVES]\nVC 1 100\n[END]\n")
    hydraulics_refused(s, "v.inp", ["v.inp:7: TANKS.T1.volume-curve: ", "volume curve 'VC' with 1 point",
                                    "at least 2 (level, volume) points"])


def case_inp_trials_1e300(s):
    net1_with(s, "t.inp", ["TRIALS 1e300"])  # was cast to int: undefined behaviour
    hydraulics_refused(s, "t.inp", ["t.inp:", ": OPTIONS.TRIALS: found 1e300, expected a whole number 1 <= TRIALS <= 1e+06"])


def case_inp_accuracy_range(s):
    net1_with(s, "a.inp", replace=[(r"^ Accuracy\s.*$", " Accuracy 0")])
    hydraulics_refused(s, "a.inp", [": OPTIONS.ACCURACY: found 0, expected 0 < ACCURACY <= 1"])
    net1_with(s, "b.inp", replace=[(r"^ Accuracy\s.*$", " Accuracy 2")])
    hydraulics_refused(s, "b.inp", [": OPTIONS.ACCURACY: found 2, expected 0 < ACCURACY <= 1"])


def case_inp_duration_1e12_hours(s):
    # Kept every step in memory (~230 MB/s until bad_alloc).
    net1_with(s, "d.inp", replace=[(r"^ Duration\s.*$", " Duration 1e12 HOURS")])
    hydraulics_refused(s, "d.inp", ["d.inp:", ": TIMES.DURATION: found 1e12 HOURS", "at most 1e+12 s"])
    net1_with(s, "e.inp", replace=[(r"^ Duration\s.*$", " Duration 100000 HOURS")])
    hydraulics_refused(s, "e.inp", [": TIMES.DURATION: found 100000 h, expected 0 <= DURATION <= 87600 h (3650 days)"])


def case_inp_report_times_bounded(s):
    net1_with(s, "r.inp", replace=[(r"^ Duration\s.*$", " Duration 87000 HOURS"),
                                   (r"^ Report Timestep\s.*$", " Report Timestep 0:10")])
    hydraulics_refused(s, "r.inp", [": TIMES.DURATION: found 522001 report times", "at most 100000 report times"])


def case_inp_viscosity_1e200(s):
    # Spun the solver; a D-W network so that the viscosity matters.
    net1_with(s, "v.inp", replace=[(r"^ Viscosity\s.*$", " Viscosity 1e200"), (r"^ Headloss\s.*$", " Headloss D-W")])
    hydraulics_refused(s, "v.inp", [": OPTIONS.VISCOSITY: found 1e+200", "0.1 to 100000 cSt"])


def case_inp_specific_gravity_range(s):
    net1_with(s, "g.inp", replace=[(r"^ Specific Gravity\s.*$", " Specific Gravity 1e-9")])
    hydraulics_refused(s, "g.inp", [": OPTIONS.SPECIFIC GRAVITY: found 1e-9, expected 0.3 <= specific gravity <= 2"])


def case_inp_disconnected(s):
    # Was exit 3 "linear solver setup failed"; now exit 2 naming the nodes cut off from every fixed head.
    s.write("d.inp", TWO_NODES + "[JUNCTIONS]\nJ2 5 1\nJ3 5 0\n[PIPES]\nP2 J2 J3 100 300 100\n"
                                 "[VALVES]\nV1 J0 J1 300 TCV 1\n[END]\n")
    hydraulics_refused(s, "d.inp", ["d.inp:11: JUNCTIONS.J2: found a node not connected to any reservoir or tank",
                                    "d.inp:12: JUNCTIONS.J3: ", "2 unconnected nodes: J2, J3"])


def case_inp_no_pipes(s):
    s.write("n.inp", "[JUNCTIONS]\nJ1 10 1\n[RESERVOIRS]\nR1 100\n[OPTIONS]\nUNITS LPS\n[END]\n")
    hydraulics_refused(s, "n.inp", ["n.inp: found no links, expected at least one pipe, pump or valve",
                                    "n.inp:2: JUNCTIONS.J1: found a node not connected", "1 unconnected node: J1"])


def case_inp_control_character(s):
    s.write("z.inp", TWO_NODES.replace("J1 10 1", "J\x001 10 1") + "[END]\n")
    hydraulics_refused(s, "z.inp", ["z.inp:3:2: found the control character 0x00, expected printable text"])


def run_and_check_refused(s, name, parts):
    """`check` and `run` reject the same input, with the same message parts; run writes nothing."""
    refused(s, ["check", name], parts)
    refused(s, ["run", name, "-o", "out.h5", "-q"], parts)


def case_scenario_title_nul(s):
    # Simulated, then exit 4 (the HDF5 writer refused the title).
    s.write("nul.toml", 'extends = "base.toml"\ntitle = "a\\u0000b"\n')
    run_and_check_refused(s, "nul.toml", ["nul.toml:2:9: title: found a string with the control character U+0000",
                                          "expected text without control characters"])


def case_scenario_control_character_in_name(s):
    s.write("c.toml", 'extends = "base.toml"\n[nodes.ceyhan]\nname = "Cey\\u001bhan"\n')
    run_and_check_refused(s, "c.toml", ["c.toml:3:8: nodes.ceyhan.name: ", "U+001B"])


def cold_pipeline(s, temperature):
    with open(s.path("btc-hydraulics.toml"), encoding="utf-8") as fh:
        text = fh.read()
    text, n = re.subn(r'^temperature = .*$', f'temperature = "{temperature}"', text, flags=re.M)
    check(n == 1, "btc-hydraulics.toml: no temperature line")
    s.write("cold.toml", text)
    with open(s.path("base.toml"), encoding="utf-8") as fh:
        s.write("cold-base.toml", fh.read().replace('"btc-hydraulics.toml"', '"cold.toml"'))


def case_pipeline_temperature_minus_300(s):
    # Passed `check`, then "internal error" in run (exit 1); 0 K and 1e6 K were accepted too.
    for temperature in ("-300 degC", "0 K", "1e6 K", "-41 degC", "151 degC"):
        cold_pipeline(s, temperature)
        parts = ["cold.toml:15:15: temperature: found " + temperature + ",", "-40 to 150 degC"]
        run_and_check_refused(s, "cold-base.toml", parts)
        refused(s, ["capacity", "cold.toml"], parts)
    cold_pipeline(s, "150 degC")  # the edge of the range is accepted
    needs(s.run("check", "cold-base.toml", expect_rc=0), "ok: cold-base.toml")


def case_grade_viscosity_temperature(s):
    s.write("g.toml", 'extends = "base.toml"\n[grades.azeri]\n'
                      'viscosity = [["0 K", "6 cSt"], ["40 degC", "3.5 cSt"]]\n')
    run_and_check_refused(s, "g.toml", ["g.toml:3:15: grades.azeri.viscosity[0][0]: found 0 K", "-40 to 150 degC"])


def case_capacity_1e306(s):
    # Passed validation, then "CVODE h = nan" (exit 3).
    s.write("cap.toml", 'extends = "base.toml"\n[legs.cpc]\ncapacity = "1e306 kg/s"\n')
    run_and_check_refused(s, "cap.toml", ["cap.toml:3:12: legs.cpc.capacity: found 1e306 kg/s",
                                          "expected a mass flow of at most 1e6 kg/s"])
    s.write("vol.toml", 'extends = "base.toml"\n[legs.cpc]\ncapacity = "1e4 m3/s"\n')
    run_and_check_refused(s, "vol.toml", ["vol.toml:3:12: legs.cpc.capacity: ", "at most 1000 m3/s"])


def case_supply_csv_ceiling(s):
    s.write("y.csv", "date,acg_supply\n2025-01-01,1e300\n")
    child = s.csv_child("y.csv")
    run_and_check_refused(s, child, ["y.csv:2: shippers.acg.supply.csv: found 1e300 Mt/yr", "at most 1e6 kg/s"])


def case_tanker_1m_crossing(s):
    # Never finished (the integrator's step is bounded by 0.45 transit times).
    s.write("tk.toml", 'extends = "base.toml"\n[legs.caspian_tankers]\ndistance = "1 m"\n'
                       'load_time = "0 h"\nunload_time = "0 h"\n')
    run_and_check_refused(s, "tk.toml", ["tk.toml:3:12: legs.caspian_tankers.distance: found a transit time",
                                         "expected at least 1 h"])


def case_tanker_fleet_and_cargo_bounded(s):
    s.write("f.toml", 'extends = "base.toml"\n[legs.caspian_tankers]\nfleet = 1e5\n')
    run_and_check_refused(s, "f.toml", ["f.toml:3:9: legs.caspian_tankers.fleet: found 100000, expected 0 <= fleet <= 10000"])
    s.write("c.toml", 'extends = "base.toml"\n[legs.caspian_tankers]\ncargo = "1e9 t"\n')
    run_and_check_refused(s, "c.toml", ["c.toml:3:9: legs.caspian_tankers.cargo: found fleet x cargo / cycle",
                                        "at most 1e6 kg/s"])


def case_port_berths_bounded(s):
    s.write("b.toml", 'extends = "base.toml"\n[legs.aktau_loading]\nberths = 5000\n')
    run_and_check_refused(s, "b.toml", ["b.toml:3:10: legs.aktau_loading.berths: found 5000, expected 0 <= berths <= 1000"])


def case_simulation_span_bounded(s):
    s.write("l.toml", 'extends = "base.toml"\n[simulation]\nstart = 1950-01-01\nend = 2199-12-31\n')
    run_and_check_refused(s, "l.toml", ["l.toml:4:7: simulation.end: found 2199-12-31",
                                        "at most 200 years (a last day before 2149-12-31)"])


CASES = {k[len("case_"):]: v for k, v in sorted(globals().items()) if k.startswith("case_")}


def main():
    global EXE, SRC, ROOT
    if sys.argv[1:] == ["--list"]:
        print("\n".join(CASES))
        return 0
    if len(sys.argv) != 5 or sys.argv[4] not in CASES:
        print(__doc__)
        print("cases:", " ".join(CASES))
        return 2
    EXE, SRC, ROOT = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
    case = sys.argv[4]
    s = Scratch(case)
    try:
        CASES[case](s)
    except Failure as e:
        print(f"FAIL {case}: {e}\n(scratch directory kept: {s.dir})")
        return 1
    shutil.rmtree(s.dir)
    print(f"ok {case}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
