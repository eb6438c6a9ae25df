#!/usr/bin/python3
"""Hostile command lines for caspflow's input and output paths (issue 10, items 1, 2 and 8).

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
    refused(s, ["check", child], ["y.csv:3:1: shippers.acg.supply.csv: ", '"-2147483648-01-01"', "between 1900 and 2200"])


def case_csv_year_range(s):
    s.write("y.csv", "date,acg_supply\n1899-12-31,1\n2201-01-01,2\n99999999999-01-01,3\n2025-01-01,4\n")
    child = s.csv_child("y.csv")
    refused(s, ["run", child, "-o", "out.h5", "-q"],
            ["y.csv:2:1: shippers.acg.supply.csv: ", "y.csv:3:1: ", "y.csv:4:1: ", "between 1900 and 2200"])


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
