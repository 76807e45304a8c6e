#!/usr/bin/env python3
"""Checks the model server's answers against predictions computed here,
independently, from the shipped parameter and training files.

    check_answers.py --binary PATH    start the server on a free loopback port, check, stop it
    check_answers.py --url URL        check a server that is already running

Only the Python standard library; exit status 0 when every answer matches
(probabilities within 1e-9), 1 otherwise.
"""

import argparse
import json
import math
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

MODELS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models")
TOLERANCE = 1e-9


def data_lines(name):
    with open(os.path.join(MODELS, name), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip()
            if line.strip() and not line.startswith("#"):
                yield line


def words(text):
    out, word = [], []
    for ch in text:
        if ch.isascii() and ch.isalnum():
            word.append(ch.lower())
        elif word:
            out.append("".join(word))
            word = []
    if word:
        out.append("".join(word))
    return out


# ---- logistic regression -------------------------------------------------

def logistic(name, instance):
    with open(os.path.join(MODELS, name + ".json"), encoding="utf-8") as f:
        spec = json.load(f)
    z = spec["bias"]
    for feature in spec["features"]:
        x = instance[feature["name"]]
        t = feature["transform"]
        if t == "log1p":
            x = math.log1p(x)
        elif t == "night":
            x = 1.0 if (x < 6 or x >= 22) else 0.0
        elif t == "indicator":
            x = 1.0 if x else 0.0
        z += feature["weight"] * x
    p = 1.0 / (1.0 + math.exp(-z))
    label = spec["labels"]["positive" if p >= spec["threshold"] else "negative"]
    return {spec["output"]: p, "label": label}


# ---- naive Bayes -----------------------------------------------------------

def naive_bayes(instance):
    docs, counts, totals = {}, {}, {}
    vocabulary = set()
    for line in data_lines("support-tickets.tsv"):
        category, text = line.split("\t", 1)
        category = category.strip()
        docs[category] = docs.get(category, 0) + 1
        bag = counts.setdefault(category, {})
        for w in words(text):
            bag[w] = bag.get(w, 0) + 1
            totals[category] = totals.get(category, 0) + 1
            vocabulary.add(w)
    n_docs = sum(docs.values())
    tokens = [w for w in words(instance["text"]) if w in vocabulary]
    log_scores = {}
    for c in sorted(docs):
        s = math.log(docs[c] / n_docs)
        for w in tokens:
            s += math.log((counts[c].get(w, 0) + 1) / (totals.get(c, 0) + len(vocabulary)))
        log_scores[c] = s
    top = max(log_scores.values())
    total = sum(math.exp(s - top) for s in log_scores.values())
    scores = {c: math.exp(s - top) / total for c, s in log_scores.items()}
    best = sorted(scores, key=lambda c: (-scores[c], c))[0]
    with open(os.path.join(MODELS, "support-replies.json"), encoding="utf-8") as f:
        replies = json.load(f)
    return {"category": best, "scores": scores, "draft": replies[best]}


# ---- nearest centroid --------------------------------------------------------

def nearest_centroid(instance):
    sums = {}
    for line in data_lines("surface-images.txt"):
        parts = line.split()
        label, pixels = parts[0], [int(p) / 255 for p in parts[1:]]
        acc = sums.setdefault(label, [[0.0] * 64, 0])
        acc[0] = [a + p for a, p in zip(acc[0], pixels)]
        acc[1] += 1
    image = [p / 255 for p in instance["pixels"]]
    distances = {}
    for label, (total, n) in sums.items():
        centroid = [t / n for t in total]
        distances[label] = math.sqrt(sum((c - p) ** 2 for c, p in zip(centroid, image)))
    best = sorted(distances, key=lambda l: (distances[l], l))[0]
    temperature = 0.1
    confidence = 1 / sum(math.exp((distances[best] - d) / temperature) for d in distances.values())
    return {"label": best, "confidence": confidence, "distances": distances}


# ---- word bigrams ------------------------------------------------------------

def bigram(instance):
    tokens = words("\n".join(data_lines("playground-corpus.txt")))
    follow, frequency = {}, {}
    for a, b in zip(tokens, tokens[1:]):
        follow.setdefault(a, {})
        follow[a][b] = follow[a].get(b, 0) + 1
    for t in tokens:
        frequency[t] = frequency.get(t, 0) + 1

    def most_common(counts):
        return sorted(counts, key=lambda w: (-counts[w], w))[0]

    known = [w for w in words(instance["prompt"]) if w in frequency]
    current = known[-1] if known else most_common(frequency)
    out = []
    while len(out) < instance.get("max_words", 12) and current in follow:
        current = most_common(follow[current])
        out.append(current)
    return {"completion": " ".join(out), "words": len(out)}


# ---- the cases -----------------------------------------------------------------

def image(kind, seed):
    """A deterministic 8x8 test image unlike the training ones."""
    pixels = [(150 + (i * 37 + seed * 11) % 60) for i in range(64)]
    if kind == "scratch":
        for r in range(8):
            pixels[r * 8 + (7 - r)] = 255
    elif kind == "dent":
        for r, c in ((3, 3), (3, 4), (4, 3), (4, 4), (2, 3), (5, 4)):
            pixels[r * 8 + c] = 60
    return pixels


CASES = {
    "fraud-scorer": (
        lambda i: logistic("fraud-scorer", i),
        [
            {"amount": 912.5, "hour": 3, "merchant_risk": 0.8, "foreign": True, "card_present": False},
            {"amount": 25, "hour": 14, "merchant_risk": 0.1, "foreign": False, "card_present": True},
            {"amount": 0, "hour": 22, "merchant_risk": 1, "foreign": True, "card_present": True},
            {"amount": 149999.99, "hour": 21, "merchant_risk": 0.33, "foreign": False, "card_present": False},
        ],
    ),
    "chargeback-risk": (
        lambda i: logistic("chargeback-risk", i),
        [
            {"amount": 1200, "days_since_purchase": 3, "merchant_category_risk": 0.7, "prior_chargebacks": 2},
            {"amount": 40, "days_since_purchase": 60, "merchant_category_risk": 0.1, "prior_chargebacks": 0},
            {"amount": 310.4, "days_since_purchase": 0, "merchant_category_risk": 0.5, "prior_chargebacks": 1},
        ],
    ),
    "support-assistant": (
        naive_bayes,
        [
            {"text": "I was charged twice and want my money back"},
            {"text": "cannot sign in, password reset never arrives"},
            {"text": "Where is my parcel? Tracking shows nothing since Monday."},
            {"text": "Refund the duplicate invoice please"},
            {"text": "qwerty zxcvb"},
        ],
    ),
    "object-detector": (
        nearest_centroid,
        [{"pixels": image(kind, seed)} for seed, kind in enumerate(("ok", "scratch", "dent", "ok"))],
    ),
    "playground-llm": (
        bigram,
        [
            {"prompt": "The White Rabbit", "max_words": 12},
            {"prompt": "Alice looked down the well"},
            {"prompt": "nothing here is known xyzzy", "max_words": 4},
            {"prompt": "she took a jar", "max_words": 50},
        ],
    ),
}


def same(expected, actual, path):
    if isinstance(expected, float) or isinstance(actual, float):
        if not isinstance(actual, (int, float)) or abs(expected - actual) > TOLERANCE:
            return [f"{path}: expected {expected!r}, got {actual!r}"]
        return []
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or set(expected) != set(actual):
            return [f"{path}: expected keys {sorted(expected)}, got {actual!r}"]
        return [p for k in expected for p in same(expected[k], actual[k], f"{path}.{k}")]
    if expected != actual:
        return [f"{path}: expected {expected!r}, got {actual!r}"]
    return []


def call(url, name, instances):
    body = json.dumps({"instances": instances}).encode()
    request = urllib.request.Request(
        f"{url}/v1/models/{name}:predict", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["predictions"]


def check(url):
    problems, checked = [], 0
    for name, (compute, instances) in CASES.items():
        predictions = call(url, name, instances)
        if len(predictions) != len(instances):
            problems.append(f"{name}: {len(predictions)} predictions for {len(instances)} instances")
            continue
        outputs = set()
        for index, (instance, actual) in enumerate(zip(instances, predictions)):
            problems += same(compute(instance), actual, f"{name}[{index}]")
            outputs.add(json.dumps(actual, sort_keys=True))
            checked += 1
        if len(outputs) < 2:
            problems.append(f"{name}: different inputs gave the same answer {outputs}")
    # One malformed call: the server names the field.
    try:
        call(url, "fraud-scorer", [{"amount": "a lot"}])
        problems.append("fraud-scorer: a malformed instance was answered")
    except urllib.error.HTTPError as e:
        error = json.load(e).get("error", "")
        if e.code != 400 or "instances[0].amount" not in error:
            problems.append(f"fraud-scorer: malformed instance got {e.code} {error!r}")
    for p in problems:
        print("MISMATCH", p)
    print(f"check_answers: {checked} answers of {len(CASES)} models compared, {len(problems)} problems")
    return not problems


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--binary", help="the aigov-model-server binary to start for the check")
    where.add_argument("--url", help="a running server, e.g. http://127.0.0.1:9300")
    args = parser.parse_args()
    if args.url:
        return 0 if check(args.url.rstrip("/")) else 1
    port = free_port()
    server = subprocess.Popen(
        [args.binary, "--listen", f"127.0.0.1:{port}", "--models", MODELS], stderr=subprocess.DEVNULL
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 15
        while True:
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    print(f"check_answers: the server did not answer on {url}", file=sys.stderr)
                    return 1
                time.sleep(0.05)
        return 0 if check(url) else 1
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
