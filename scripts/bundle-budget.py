#!/usr/bin/env python3
"""Checks the browser bundle against the size budgets in bundle-budgets.toml.

For the built site (a `pkg` folder of a split build), it measures the gzipped
size (gzip -9) of
- the shell: the main wasm module every page loads first, and
- each area's first load: the shell plus the chunks of the area's split
  point (the lazily loaded function that draws its pages, src/routes.rs),
  as listed in the split manifest the page shell preloads,
and fails, naming the area and its pages, when one outgrows its budget. An
area of the manifest without a budget, or a budget without its area, fails
too, so a new area gets a budget when it is added.

    scripts/bundle-budget.py dist/aigov/app/site/pkg [--budgets bundle-budgets.toml] [--json]
"""

import argparse
import functools
import glob
import gzip
import json
import os
import sys
import tomllib

KIB = 1024


@functools.cache
def gz_size(path):
    """gzip -9 size of a file; chunks shared by several areas are read once."""
    with open(path, "rb") as f:
        return len(gzip.compress(f.read(), 9, mtime=0))


def one(pkg, pattern):
    found = sorted(glob.glob(os.path.join(pkg, pattern)))
    if len(found) != 1:
        sys.exit(f"bundle-budget: expected one {pattern} in {pkg}, found {len(found)}")
    return found[0]


def main_wasm(pkg, output_name):
    """The main module: `<name>.wasm` or `<name>.<hash>.wasm`, never a chunk."""
    names = [
        p
        for p in glob.glob(os.path.join(pkg, f"{output_name}*.wasm"))
        if os.path.basename(p).count(".") <= 2 and "_bg" not in os.path.basename(p)
    ]
    if len(names) != 1:
        sys.exit(f"bundle-budget: expected one main module {output_name}[.hash].wasm in {pkg}, found {names}")
    return names[0]


def measure(pkg, output_name):
    manifest = json.load(open(one(pkg, "__wasm_split_manifest*.json")))
    shell = gz_size(main_wasm(pkg, output_name))
    splits = {}
    for key, chunks in manifest.items():
        size = shell
        for chunk in chunks:
            size += gz_size(os.path.join(pkg, f"{chunk}.wasm"))
        splits[key] = {"bytes": size, "chunks": len(chunks)}
    return shell, splits


def split_key(splits, name):
    """The manifest key of the split point `name` (`<name>_<hash>`)."""
    keys = [k for k in splits if k.startswith(f"{name}_") and k[len(name) + 1 :].isdigit()]
    return keys[0] if len(keys) == 1 else None


def is_area(key):
    """Whether a manifest key is an area's split point (`<area>_area_<hash>`)."""
    name, _, digits = key.rpartition("_")
    return name.endswith("_area") and digits.isdigit()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pkg", help="the site's pkg folder of a split build")
    parser.add_argument("--budgets", default=os.path.join(os.path.dirname(__file__), "..", "bundle-budgets.toml"))
    parser.add_argument("--json", action="store_true", help="print the measurements as JSON")
    args = parser.parse_args()

    budgets = tomllib.load(open(args.budgets, "rb"))
    shell, splits = measure(args.pkg, budgets.get("output_name", "aigov"))
    failures = []
    rows = [("shell (main module)", shell, budgets["shell_kib"] * KIB, 0)]
    if shell > budgets["shell_kib"] * KIB:
        failures.append(f"the shell is {shell / KIB:.1f} KiB, over its budget of {budgets['shell_kib']} KiB")
    seen = set()
    for name, area in budgets["areas"].items():
        key = split_key(splits, area["split"])
        if key is None:
            failures.append(f"area {name}: no split point `{area['split']}` in the split manifest")
            continue
        seen.add(key)
        size, limit = splits[key]["bytes"], area["kib"] * KIB
        rows.append((f"{name}: {', '.join(area['pages'])}", size, limit, splits[key]["chunks"]))
        if size > limit:
            failures.append(
                f"area {name} ({', '.join(area['pages'])}): first load {size / KIB:.1f} KiB, "
                f"over its budget of {area['kib']} KiB"
            )
    for key in sorted(set(splits) - seen):
        if is_area(key):
            failures.append(f"{key}: an area without a budget in {os.path.basename(args.budgets)}")

    if args.json:
        print(json.dumps([{"first_load": r, "gzip_bytes": s, "budget_bytes": b, "chunks": c} for r, s, b, c in rows], indent=2))
    else:
        print(f"{'KiB':>8} {'budget':>8} {'chunks':>7}  first load (wasm, gzip -9)")
        for name, size, limit, chunks in rows:
            print(f"{size / KIB:>8.1f} {limit / KIB:>8.0f} {chunks:>7}  {name}")
    if failures:
        for failure in failures:
            print(f"bundle-budget: {failure}", file=sys.stderr)
        sys.exit(1)
    print("bundle-budget: every area within its budget")


if __name__ == "__main__":
    main()
