"""JSON round trip: build nested documents, serialize, parse back, aggregate.

Python lifecycle represented: a request/response style service that handles
documents in batches.  Each document is a tree of short-lived containers
(dicts of lists of dicts) holding small ints, floats, bools, None and many
short strings.  A batch of generated documents, their JSON text and the parsed
copies are alive together; the whole batch dies when the next batch starts.
Only a small running aggregate (key counts, sums) lives for the whole run.
There are no reference cycles: everything is freed by reference counting.

One unit of --scale is one batch of 100 documents (about 20 ms); default 50.
"""
import argparse
import json
import random
import zlib
from collections import Counter

WORDS = ["alpha", "beta", "gamma", "delta", "omega", "sigma", "kappa", "zeta",
         "theta", "lambda", "rho", "tau", "phi", "chi", "psi", "eta"]
BATCH = 100


def make_value(rng, depth):
    """A random JSON value; containers become rarer as depth grows."""
    r = rng.random()
    if depth < 4 and r < 0.25:
        return {make_key(rng): make_value(rng, depth + 1) for _ in range(rng.randint(1, 6))}
    if depth < 4 and r < 0.40:
        return [make_value(rng, depth + 1) for _ in range(rng.randint(0, 8))]
    if r < 0.55:
        return rng.randint(-10**6, 10**6)
    if r < 0.70:
        return round(rng.uniform(-1000.0, 1000.0), rng.randint(0, 6))
    if r < 0.90:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 5)))
    if r < 0.97:
        return rng.random() < 0.5
    return None


def make_key(rng):
    return f"{rng.choice(WORDS)}_{rng.randint(0, 99)}"


def make_document(rng, doc_id):
    return {
        "id": doc_id,
        "name": f"doc-{doc_id:06d}",
        "tags": [rng.choice(WORDS) for _ in range(rng.randint(0, 6))],
        "items": [{"sku": make_key(rng), "qty": rng.randint(1, 50),
                   "price": round(rng.uniform(0.5, 500.0), 2),
                   "attrs": make_value(rng, 2)}
                  for _ in range(rng.randint(5, 25))],
        "meta": make_value(rng, 0),
    }


def walk(value, stats):
    """Fold a parsed value into stats: key counts, numeric sum, string bytes."""
    if isinstance(value, dict):
        for key, child in value.items():
            stats["keys"][key.split("_")[0]] += 1
            walk(child, stats)
    elif isinstance(value, list):
        for child in value:
            walk(child, stats)
    elif isinstance(value, bool):
        stats["bools"] += value
    elif isinstance(value, (int, float)):
        stats["number_sum"] += value
    elif isinstance(value, str):
        stats["string_chars"] += len(value)
    else:
        stats["nulls"] += 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=50,
                        help=f"number of batches of {BATCH} documents (default 50)")
    parser.add_argument("--seed", type=int, default=1, help="RNG seed (default 1)")
    args = parser.parse_args()
    if args.scale < 1:
        parser.error("--scale must be a positive integer")

    rng = random.Random(args.seed)
    stats = {"keys": Counter(), "bools": 0, "nulls": 0, "number_sum": 0.0, "string_chars": 0}
    total_bytes = 0
    revenue = 0.0
    crc = 0
    for batch in range(args.scale):
        docs = [make_document(rng, batch * BATCH + i) for i in range(BATCH)]
        texts = [json.dumps(doc, sort_keys=(i % 2 == 0)) for i, doc in enumerate(docs)]
        parsed = [json.loads(text) for text in texts]
        for doc, back, text in zip(docs, parsed, texts):
            if doc != back:
                raise SystemExit(f"round trip mismatch in document {doc['id']}")
            total_bytes += len(text)
            crc = zlib.crc32(text.encode(), crc)
            revenue += sum(item["qty"] * item["price"] for item in back["items"])
            walk(back, stats)
        # Compact re-encoding of the whole parsed batch, as if sent onward.
        crc = zlib.crc32(json.dumps(parsed, separators=(",", ":")).encode(), crc)

    globals()["PYMEMBENCH_OPS"] = args.scale * BATCH  # the ops pymembench's python workload counts
    print(f"documents: {args.scale * BATCH}  json bytes: {total_bytes}")
    print(f"revenue: {revenue:.2f}  number sum: {stats['number_sum']:.3f}")
    print(f"strings chars: {stats['string_chars']}  bools true: {stats['bools']}  nulls: {stats['nulls']}")
    print("top keys: " + ", ".join(f"{k}={n}" for k, n in sorted(stats["keys"].items(),
                                                                key=lambda kv: (-kv[1], kv[0]))[:5]))
    print(f"checksum: {crc:08x}")


if __name__ == "__main__":
    main()
