"""Code suggestions: precision@3 by leave-one-interview-out on the fictional Lindeveen cohort.

    .venv/bin/python benchmarks/bench_suggest.py

For every interview i and every coded passage of i, a model fitted on the codings of the other
interviews suggests up to three codes. Two figures per variant (wwlib.analysis.suggest.Variant):

- precision@3: correct suggestions / suggestions made (a passage has one or two codes, so a
  model that always names three codes cannot pass 0.37 here: the table says so);
- hit rate@3: the share of passages where at least one of the suggestions is right;

and the median time to fit a model (eight interviews' codings) and to suggest for one passage.
The variants are compared on this same benchmark (there is no second coded cohort to choose
on), so the best row flatters a little; the default is the variant the module uses.

A second table gives the time a dashboard kernel pays: importing scikit-learn the first time a
coder selects a passage, and fitting the default model on a synthetic cohort of `--interviews`
interviews (benchmarks/national_data.py; its texts are generated, so only its times count).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from national_data import synthetic_cohort  # noqa: E402

from wwlib.analysis.suggest import (  # noqa: E402
    DEFAULT,
    Suggester,
    Variant,
    code_texts,
    coded_passages,
)
from wwlib.folder.dataset import load_dataset  # noqa: E402
from wwlib.store import Store  # noqa: E402

LINDEVEEN = ROOT / "data" / "lindeveen-2026"
VARIANTS = (
    Variant("10 neighbours vote, words", centroids=False, descriptions=False, char_weight=0.0),
    Variant("10 neighbours vote, words+chars", centroids=False, descriptions=False),
    Variant("10 neighbours vote, chars", centroids=False, descriptions=False, char_weight=1.0),
    Variant("code sums, words+chars", descriptions=False),
    Variant("code sums + codebook text, words", char_weight=0.0),
    Variant("code sums + codebook text, chars", char_weight=1.0),
    DEFAULT,
    Variant("the same, codes >= 0.7 of the best", min_share=0.7),
    Variant("the same, the best code only", min_share=1.0),
)


def lindeveen_passages():
    """The cohort's coded passages and its codebook, read from a store of its own."""
    return stored_passages(load_dataset(LINDEVEEN))


def stored_passages(dataset):
    """A dataset's coded passages and codebook, as a dashboard reads them from its store."""
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "s.sqlite", create=True) as s:
        s.load_dataset(dataset, source="benchmark")
        codings = s.codings()
        texts = s.fragment_texts(list(codings["fragment"].unique()))
        return coded_passages(codings, texts), code_texts(s.codes())


def leave_one_interview_out(passages, codebook, variant: Variant) -> dict:
    """Fit without interview i, suggest for each of its passages; count hits and time."""
    made = correct = hit = asked = 0
    fits, suggests = [], []
    for interview in passages["interview"].unique():
        held_out = passages[passages["interview"] == interview]
        started = time.perf_counter()
        model = Suggester(passages[passages["interview"] != interview], codebook, variant)
        fits.append(time.perf_counter() - started)
        for p in held_out.itertuples():
            started = time.perf_counter()
            suggested = model.suggest(p.text).codes
            suggests.append(time.perf_counter() - started)
            right = len(set(suggested) & set(p.codes))
            made, correct, asked = made + len(suggested), correct + right, asked + 1
            hit += right > 0
    return {
        "variant": variant.name + (" (default)" if variant == DEFAULT else ""),
        "passages": asked,
        "made": made,
        "precision": correct / made if made else 0.0,
        "hit_rate": hit / asked,
        "fit_ms": statistics.median(fits) * 1000,
        "suggest_ms": statistics.median(suggests) * 1000,
    }


def kernel_costs(interviews: int) -> dict:
    """Seconds to import scikit-learn's TF-IDF cold, to fit on a synthetic cohort, to suggest."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import sklearn.feature_extraction.text"], check=True)
    python = time.perf_counter() - started
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    python -= time.perf_counter() - started  # the interpreter's own start
    passages, codebook = stored_passages(synthetic_cohort(1, interviews, 30))
    started = time.perf_counter()
    model = Suggester(passages, codebook)
    fit = time.perf_counter() - started
    times = []
    for text in passages["text"].iloc[:: max(1, len(passages) // 50)]:
        started = time.perf_counter()
        model.suggest(text)
        times.append(time.perf_counter() - started)
    return {"interviews": interviews, "passages": len(passages), "import_s": python,
            "fit_s": fit, "suggest_ms": statistics.median(times) * 1000}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interviews", type=int, default=100)
    args = parser.parse_args()
    passages, codebook = lindeveen_passages()
    rows = [leave_one_interview_out(passages, codebook, v) for v in VARIANTS]
    print(f"lindeveen-2026 (fictional): {len(passages)} coded passages, "
          f"{passages['interview'].nunique()} interviews, {len(codebook)} codes")  # fmt: skip
    print(f"{'variant':<48} {'passages':>8} {'suggested':>9} {'precision@3':>11} "
          f"{'hit rate@3':>10} {'fit (ms)':>9} {'suggest (ms)':>12}")  # fmt: skip
    for r in rows:
        print(f"{r['variant']:<48} {r['passages']:>8} {r['made']:>9} {r['precision']:>11.3f} "
              f"{r['hit_rate']:>10.3f} {r['fit_ms']:>9.1f} {r['suggest_ms']:>12.2f}")  # fmt: skip
    ceiling = sum(min(len(c), 3) for c in passages["codes"]) / (3 * len(passages))
    print(f"(three suggestions per passage: precision@3 cannot pass {ceiling:.3f} here)")
    k = kernel_costs(args.interviews)
    print()
    print(f"{'cohort':<16} {'coded passages':>14} {'import sklearn (s)':>18} {'fit (s)':>8} "
          f"{'suggest (ms)':>12}")  # fmt: skip
    print(f"{'synthetic-' + str(k['interviews']):<16} {k['passages']:>14,} {k['import_s']:>18.2f} "
          f"{k['fit_s']:>8.2f} {k['suggest_ms']:>12.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
