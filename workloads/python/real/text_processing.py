"""Text processing: generate prose, tokenize with re, count words and bigrams.

Python lifecycle represented: a text-indexing job.  Every paragraph produces a
burst of short-lived objects -- the sentence and paragraph strings, re match
objects and token lists, case-folded and substituted copies, formatted report
lines and (word, word) bigram tuples that die once counted.  Alongside them
three long-lived structures grow for the whole run: a word Counter, a bigram
dict keyed by tuples, and an inverted index (dict of word -> list of int
positions) whose lists keep being appended to and reallocated.  The
vocabulary itself is a small set of strings alive from start to end.  There
are no reference cycles.

One unit of --scale is one chapter of 40 paragraphs (about 5 ms); default 200.
"""
import argparse
import random
import re
import zlib
from collections import Counter
from itertools import accumulate

SYLLABLES = ["ka", "lo", "mi", "ren", "sta", "qu", "ve", "dor", "an", "tel",
             "is", "ph", "or", "un", "bri", "ze", "ul", "net", "os", "cha"]
PUNCT = [".", ".", ".", "!", "?", ";"]
PARAGRAPHS = 40
WORD_RE = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")
NUMBER_RE = re.compile(r"\d+")
SPACE_RE = re.compile(r"\s+")


def make_vocabulary(rng, size):
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4))))
    return sorted(words)


def make_paragraph(rng, vocab, cum_weights):
    sentences = []
    for _ in range(rng.randint(3, 9)):
        words = rng.choices(vocab, cum_weights=cum_weights, k=rng.randint(4, 18))
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words)), str(rng.randint(1, 2000)))
        if rng.random() < 0.2:
            words[-1] += "'s"
        sentence = " ".join(words)
        sentences.append(sentence[0].upper() + sentence[1:] + rng.choice(PUNCT))
    return ("  " if rng.random() < 0.5 else " ").join(sentences)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=200,
                        help=f"number of chapters of {PARAGRAPHS} paragraphs (default 200)")
    parser.add_argument("--seed", type=int, default=1, help="RNG seed (default 1)")
    args = parser.parse_args()
    if args.scale < 1:
        parser.error("--scale must be a positive integer")

    rng = random.Random(args.seed)
    vocab = make_vocabulary(rng, 3000)
    cum_weights = list(accumulate(1.0 / (rank + 1) for rank in range(len(vocab))))  # Zipf-like
    rng.shuffle(vocab)

    counts = Counter()             # long-lived: word -> occurrences
    bigrams = {}                   # long-lived: (word, word) -> occurrences
    index = {}                     # long-lived: word -> list of token positions
    position = 0
    numbers = 0
    crc = 0
    for chapter in range(args.scale):
        for para_no in range(PARAGRAPHS):
            text = make_paragraph(rng, vocab, cum_weights)
            clean = SPACE_RE.sub(" ", NUMBER_RE.sub(lambda m: "#" * len(m.group()), text))
            numbers += sum(1 for _ in NUMBER_RE.finditer(text))
            tokens = [t.casefold() for t in WORD_RE.findall(clean)]
            counts.update(tokens)
            for a, b in zip(tokens, tokens[1:]):
                bigrams[(a, b)] = bigrams.get((a, b), 0) + 1
            for match in WORD_RE.finditer(clean):
                index.setdefault(match.group().lower(), []).append(position + match.start())
            position += len(clean) + 1
            heading = f"{chapter + 1:03d}.{para_no + 1:02d} {' '.join(tokens[:3]).title()}"
            summary = "|".join(f"{w}:{n}" for w, n in Counter(tokens).most_common(3))
            crc = zlib.crc32(f"{heading}\n{clean.upper()}\n{summary}\n".encode(), crc)

    top_words = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    top_pair = min(bigrams.items(), key=lambda kv: (-kv[1], kv[0]))
    longest = min(index.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    globals()["PYMEMBENCH_OPS"] = args.scale * PARAGRAPHS  # the ops pymembench's python workload counts
    print(f"paragraphs: {args.scale * PARAGRAPHS}  tokens: {sum(counts.values())}  numbers: {numbers}")
    print(f"distinct words: {len(counts)}  distinct bigrams: {len(bigrams)}  indexed: {len(index)}")
    print("top words: " + ", ".join(f"{w}={n}" for w, n in top_words))
    print(f"top bigram: {' '.join(top_pair[0])}={top_pair[1]}  longest posting: {longest[0]}={len(longest[1])}")
    print(f"checksum: {crc:08x}")


if __name__ == "__main__":
    main()
