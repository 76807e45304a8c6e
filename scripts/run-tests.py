#!/usr/bin/env python3
"""Builds the test binaries of a cargo package once, then runs them side by
side: most of the integration tests wait on the devcluster (a grant that
must expire, a watch that must notice), not on the processor, so running
them one after another, as `cargo test` does, leaves both cores idle.

    scripts/run-tests.py [--jobs N] [--alone NAME]... -- <cargo test arguments>

A binary named with --alone (its target name, e.g. high_availability) runs
after the others, by itself: for tests that must be the only ones acting on
the cluster, such as one that checks which portal expired a grant.

Each binary's output is kept and printed whole when it fails, so a failure
reads as it would under `cargo test`. The slowest binaries of the last run
(their times are kept in the target folder) start first. Exit status 1 when
any binary failed; the summary names each one.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path


def test_binaries(cargo_args):
    """Builds the tests (`cargo test --no-run`) and answers their
    executables as (name, path)."""
    command = ["cargo", "test", "--no-run", "--message-format=json-render-diagnostics"]
    build = subprocess.run(command + cargo_args, stdout=subprocess.PIPE, text=True)
    if build.returncode != 0:
        sys.exit(build.returncode)
    binaries = []
    for line in build.stdout.splitlines():
        message = json.loads(line)
        if message.get("reason") != "compiler-artifact" or not message.get("executable"):
            continue
        if not message["profile"]["test"]:
            continue
        target = message["target"]
        kind = "lib" if "lib" in target["kind"] else target["kind"][0]
        name = f"{kind} {target['name']}"
        binaries.append((name, message["executable"]))
    return binaries


def run(name, executable, extra):
    start = time.monotonic()
    result = subprocess.run(
        [executable] + extra, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    return name, result.returncode, time.monotonic() - start, result.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("AIGOV_TEST_JOBS", "4")))
    parser.add_argument("--alone", action="append", default=[], metavar="NAME")
    parser.add_argument("cargo_args", nargs=argparse.REMAINDER)
    options = parser.parse_args()
    cargo_args = [arg for arg in options.cargo_args if arg != "--"]
    # Arguments after a second `--` go to every test binary.
    extra = []
    if "--" in cargo_args:
        split = cargo_args.index("--")
        cargo_args, extra = cargo_args[:split], cargo_args[split + 1 :]

    target_dir = Path(os.environ.get("CARGO_TARGET_DIR", "target"))
    times_file = target_dir / "test-times.json"
    try:
        last_times = json.loads(times_file.read_text())
    except (OSError, ValueError):
        last_times = {}

    binaries = test_binaries(cargo_args)
    binaries.sort(key=lambda binary: -last_times.get(binary[0], 0.0))
    print(f"run-tests: {len(binaries)} test binaries, {options.jobs} at a time", flush=True)

    start = time.monotonic()
    failed = []

    def report(name, status, seconds, output):
        last_times[name] = seconds
        summary = next(
            (line for line in reversed(output.splitlines()) if line.startswith("test result:")),
            f"exit status {status}",
        )
        print(f"  {'ok  ' if status == 0 else 'FAIL'} {name} ({seconds:.0f} s): {summary}", flush=True)
        if status != 0:
            failed.append(name)
            print(output, flush=True)

    alone = [b for b in binaries if b[0].split(" ")[-1] in options.alone]
    together = [b for b in binaries if b not in alone]
    with ThreadPoolExecutor(max_workers=options.jobs) as pool:
        runs = [pool.submit(run, name, path, extra) for name, path in together]
        for finished in as_completed(runs):
            report(*finished.result())
    for name, path in alone:
        report(*run(name, path, extra))

    try:
        times_file.parent.mkdir(parents=True, exist_ok=True)
        times_file.write_text(json.dumps(last_times, indent=1, sort_keys=True))
    except OSError:
        pass
    elapsed = time.monotonic() - start
    if failed:
        print(f"run-tests: {len(failed)} failed in {elapsed:.0f} s: {', '.join(failed)}")
        sys.exit(1)
    print(f"run-tests: all {len(binaries)} passed in {elapsed:.0f} s")


if __name__ == "__main__":
    main()
