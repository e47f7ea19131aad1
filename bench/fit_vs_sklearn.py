"""The fit's holdout AUC against scikit-learn's logistic regression on the same features.

`ripen fit` writes where each lead went (--split-out); this script encodes the same leads the
way the model sees them (every option of a choice question, every band of a number question,
one-hot; knocked-out leads left out, as the fit leaves them out), trains scikit-learn's
LogisticRegression on the same training leads, and compares holdout AUCs:

    python3 bench/fit_vs_sklearn.py MODEL MAPPING DATA.csv SPLIT.csv FIT.json [--line]

FIT.json is the output of `ripen fit --format json`. Prints one JSON object, or with --line a
one-line summary.
"""
import json
import sys

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score


def encode(model, mapping, data):
    """One-hot columns of the model's features, named question=option or question>=from."""
    columns = {}
    for column, spec in mapping["columns"].items():
        question_id = spec.get("question")
        if not question_id:
            continue
        question = next(q for q in model["questions"] if q["id"] == question_id)
        raw = data[column]
        if question["type"] == "number":
            values = pd.to_numeric(raw, errors="coerce")
            bands = question["bands"]
            for k, band in enumerate(bands):
                lo = band.get("from", -np.inf)
                hi = bands[k + 1].get("from", np.inf) if k + 1 < len(bands) else np.inf
                columns[f"{question_id}>={lo}"] = ((values >= lo) & (values < hi)).astype(np.int8)
        else:
            renames = spec.get("values", {})
            values = raw.astype(str).str.strip().str.lower().map(lambda v: renames.get(v, v))
            for option in question["options"]:
                columns[f"{question_id}={option['value']}"] = (values == option["value"]).astype(np.int8)
    return pd.DataFrame(columns)


def main():
    model_path, mapping_path, data_path, split_path, fit_path = sys.argv[1:6]
    model = json.load(open(model_path))
    mapping = json.load(open(mapping_path))
    fit = json.load(open(fit_path))
    data = pd.read_csv(data_path, dtype=str, keep_default_na=False)
    split = pd.read_csv(split_path)["split"]
    if len(split) != len(data):
        sys.exit(f"{split_path} has {len(split)} leads, {data_path} {len(data)}: the split must cover every row")
    outcome_column = next(c for c, s in mapping["columns"].items() if "outcome" in s)
    positive = set(mapping["columns"][outcome_column]["outcome"])
    y = data[outcome_column].str.strip().str.lower().isin(positive).astype(int).to_numpy()
    x = encode(model, mapping, data).to_numpy(dtype=float)
    train = (split == "train").to_numpy()
    holdout = (split == "holdout").to_numpy()
    results = {"features": x.shape[1], "train": int(train.sum()), "holdout": int(holdout.sum())}
    for name, c in [("sklearn_C1", 1.0), ("sklearn_unpenalised", 1e6)]:
        regression = LogisticRegression(C=c, max_iter=5000)
        regression.fit(x[train], y[train])
        results[name + "_auc_holdout"] = round(roc_auc_score(y[holdout], regression.decision_function(x[holdout])), 4)
    best = max(results["sklearn_C1_auc_holdout"], results["sklearn_unpenalised_auc_holdout"])
    results["ripen_integer_auc_holdout"] = fit["auc_holdout"]
    results["ripen_regression_auc_holdout"] = fit["regression_auc_holdout"]
    results["ratio_to_sklearn"] = round(fit["auc_holdout"] / best, 4)
    if "--line" in sys.argv[6:]:
        print(f"sklearn {results['sklearn_C1_auc_holdout']:.4f} (unpenalised {results['sklearn_unpenalised_auc_holdout']:.4f}), "
              f"ripen integer points {results['ripen_integer_auc_holdout']:.4f}, ripen regression "
              f"{results['ripen_regression_auc_holdout']:.4f}, ratio {results['ratio_to_sklearn']:.4f}")
    else:
        print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
