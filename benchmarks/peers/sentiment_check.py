#!/usr/bin/env python3
"""Check Wayfinder's sentiment scorer against VADER on a labelled sample of customer feedback.

Both scorers read the same texts. For each, the compound score (-1 … 1) is classed as
positive (>= 0.05), negative (<= -0.05) or neutral (between), VADER's convention, and compared
with the hand-written label. The script prints each scorer's accuracy (overall and per label),
how often the two agree, and the Pearson correlation of their compound scores.

It exits with status 1 when Wayfinder's accuracy is below 0.80, or more than 5 points below
VADER's, or when the correlation is below 0.7; with 2 for a usage or setup problem.

Setup:   pip install vaderSentiment
         swift build -c release            (or any built wayfinder binary)
Example: python3 benchmarks/peers/sentiment_check.py .build/release/wayfinder
         python3 benchmarks/peers/sentiment_check.py .build/debug/wayfinder --sample my.csv --show 20
"""

import argparse
import csv
import io
import math
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SAMPLE = os.path.join(HERE, "data", "sentiment-sample.csv")
LABELS = ("positive", "negative", "neutral")
MIN_ACCURACY = 0.80
MAX_GAP = 0.05
MIN_CORRELATION = 0.7


def polarity(compound):
    if compound >= 0.05:
        return "positive"
    if compound <= -0.05:
        return "negative"
    return "neutral"


def read_sample(path):
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or "text" not in reader.fieldnames or "label" not in reader.fieldnames:
            sys.exit(f"{path}: expected the columns text,label")
        rows = []
        for number, row in enumerate(reader, start=2):
            label = (row["label"] or "").strip().lower()
            if label not in LABELS:
                sys.exit(f"{path}:{number}: label '{row['label']}' is not positive, negative or neutral")
            # One text per line for wayfinder: fold line breaks, which the sample should not hold anyway.
            rows.append((" ".join((row["text"] or "").splitlines()), label))
    return rows


def score_vader(texts):
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        print("VADER is missing: pip install vaderSentiment", file=sys.stderr)
        sys.exit(2)
    analyzer = SentimentIntensityAnalyzer()
    return [analyzer.polarity_scores(text)["compound"] for text in texts]


def score_wayfinder(binary, texts):
    run = subprocess.run([binary, "sentiment", "--format", "csv"], input="\n".join(texts) + "\n",
                         capture_output=True, text=True, encoding="utf-8")
    if run.returncode != 0:
        print(f"{binary} sentiment failed with status {run.returncode}:\n{run.stderr}", file=sys.stderr)
        sys.exit(2)
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    if len(rows) != len(texts):
        print(f"{binary} sentiment printed {len(rows)} scores for {len(texts)} texts", file=sys.stderr)
        sys.exit(2)
    return [float(row["compound"]) for row in rows]


def pearson(xs, ys):
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy) if sxx > 0 and syy > 0 else float("nan")


def accuracy(predicted, labels):
    return sum(p == l for p, l in zip(predicted, labels)) / len(labels)


def recall_by_label(predicted, labels):
    parts = []
    for label in LABELS:
        chosen = [p for p, l in zip(predicted, labels) if l == label]
        if chosen:
            parts.append(f"{label} {sum(p == label for p in chosen)}/{len(chosen)}")
    return ", ".join(parts)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[1], epilog="\n\n".join(__doc__.split("\n\n")[2:]),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("wayfinder", help="path of the wayfinder binary, e.g. .build/release/wayfinder")
    parser.add_argument("--sample", default=DEFAULT_SAMPLE, help="labelled CSV with columns text,label (default: %(default)s)")
    parser.add_argument("--show", type=int, default=0, metavar="N",
                        help="also list up to N texts each scorer classes wrongly, with both scores")
    args = parser.parse_args()
    if not os.access(args.wayfinder, os.X_OK):
        parser.error(f"{args.wayfinder} is not an executable; build it with 'swift build' first")

    rows = read_sample(args.sample)
    if len(rows) < 2:
        parser.error(f"{args.sample} holds fewer than two texts")
    texts = [text for text, _ in rows]
    labels = [label for _, label in rows]

    started = time.perf_counter()
    vader = score_vader(texts)
    vader_seconds = time.perf_counter() - started
    started = time.perf_counter()
    ours = score_wayfinder(args.wayfinder, texts)
    ours_seconds = time.perf_counter() - started

    vader_classes = [polarity(c) for c in vader]
    our_classes = [polarity(c) for c in ours]
    vader_accuracy = accuracy(vader_classes, labels)
    our_accuracy = accuracy(our_classes, labels)
    agreement = accuracy(our_classes, vader_classes)
    correlation = pearson(ours, vader)

    counts = ", ".join(f"{labels.count(label)} {label}" for label in LABELS)
    print(f"sample: {args.sample} ({len(rows)} texts: {counts})")
    print(f"VADER      accuracy {vader_accuracy:.3f}  ({recall_by_label(vader_classes, labels)})  {vader_seconds:.2f} s")
    print(f"Wayfinder  accuracy {our_accuracy:.3f}  ({recall_by_label(our_classes, labels)})  {ours_seconds:.2f} s with process start")
    print(f"agreement between the two: {agreement:.3f}")
    print(f"Pearson correlation of the compound scores: {correlation:.3f}")

    if args.show > 0:
        for name, classes in (("Wayfinder", our_classes), ("VADER", vader_classes)):
            wrong = [i for i, (c, l) in enumerate(zip(classes, labels)) if c != l]
            print(f"\n{name} wrong on {len(wrong)} texts:")
            for i in wrong[:args.show]:
                print(f"  [{labels[i]}] wayfinder {ours[i]:+.4f}  vader {vader[i]:+.4f}  {texts[i]}")

    failures = []
    if our_accuracy < MIN_ACCURACY:
        failures.append(f"Wayfinder's accuracy {our_accuracy:.3f} is below {MIN_ACCURACY:.2f}")
    if our_accuracy < vader_accuracy - MAX_GAP:
        failures.append(f"Wayfinder's accuracy is more than {MAX_GAP * 100:.0f} points below VADER's")
    if not correlation >= MIN_CORRELATION:
        failures.append(f"the correlation {correlation:.3f} is below {MIN_CORRELATION}")
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    if not failures:
        print("PASS")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
