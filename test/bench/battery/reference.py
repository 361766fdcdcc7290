"""Reference numbers for the real-table battery, computed with scikit-learn, scipy and pandas.

    /usr/bin/python3 test/bench/battery/reference.py [DIR] [--out FILE] [--only NAME]

DIR holds the exported tables (default /tmp/kryptonite-battery); FILE defaults to reference.json beside this script.
Needs Debian's python3 (scikit-learn 1.2, scipy 1.10, pandas 1.5).

For every table of manifest.json:

(a) The best 5-fold cross-validated score scikit-learn reaches with two standard models — accuracy for classes,
    R² for regression, averaged over the folds of StratifiedKFold(5, shuffle=True, random_state=0) / KFold(same):
      * linear: LogisticRegression(max_iter=5000) or Ridge() after a ColumnTransformer — numeric columns
        SimpleImputer(median) + StandardScaler, categorical columns SimpleImputer(most_frequent) +
        OneHotEncoder(handle_unknown='ignore');
      * boosted: HistGradientBoostingClassifier/Regressor(random_state=0), categorical columns ordinal-encoded and
        declared as categorical_features when they have at most 255 levels (the HGB bin limit), else passed as
        ordinal codes; missing values left for the model to route natively.
    Rows whose label is missing are set aside. Identifier, date and free-text columns (from the manifest) are
    dropped, as a careful researcher would before fitting.

(b) For every remaining feature, the marginal association with the label over the pairwise-complete rows:
      numeric feature × classes      Kruskal–Wallis H
      categorical feature × classes  Pearson χ² of the contingency table (no Yates correction)
      numeric feature × regression   Spearman ρ
      categorical feature × regr.    Kruskal–Wallis H of the label grouped by the feature's levels
    with Bonferroni significance at 0.05 over the table's tested features and the flag p < 1e-8 ("overwhelming").
    Constant features cannot be tested: their p is null and they count as neither.

Column typing: a column is categorical when pandas reads it as text or booleans (y/n, TRUE/FALSE, quoted words) or
the manifest lists it in categoricalColumns (integer codes that name groups, e.g. ChickWeight's Diet); otherwise
numeric. Quoted numbers from R ("5") are numbers to pandas, hence numeric here.

CPU: one core for the cross-validation (n_jobs=1) and, unless already set, OMP_NUM_THREADS=1 for the boosted
trees' OpenMP loops, so the run shares the machine politely; results do not depend on it.
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import json  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import scipy  # noqa: E402
import sklearn  # noqa: E402
from scipy import stats  # noqa: E402
from sklearn.compose import ColumnTransformer  # noqa: E402
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor  # noqa: E402
from sklearn.impute import SimpleImputer  # noqa: E402
from sklearn.linear_model import LogisticRegression, Ridge  # noqa: E402
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ALPHA = 0.05
OVERWHELMING = 1e-8
HGB_MAX_CATEGORIES = 255


def load(table, data_dir):
    """The table's label and features, typed as described in the module docstring."""
    df = pd.read_csv(os.path.join(data_dir, table["file"]))
    label = table["label"]
    dropped = set(table["idColumns"]) | set(table["dateColumns"]) | set(table["textColumns"])
    df = df[df[label].notna()].reset_index(drop=True)
    y = df[label]
    features = [c for c in df.columns if c != label and c not in dropped]
    forced = set(table.get("categoricalColumns", []))
    numeric, categorical = [], []
    X = pd.DataFrame(index=df.index)
    for c in features:
        col = df[c]
        if c in forced or col.dtype == object or col.dtype == bool:
            # Strings with NaN kept as NaN: one dtype for the imputers and encoders.
            X[c] = col.map(lambda v: v if pd.isna(v) else str(v)).astype(object)
            categorical.append(c)
        else:
            X[c] = col.astype(float)
            numeric.append(c)
    if table["task"] == "regression":
        y = y.astype(float)
    else:
        y = y.map(str)
    return X, y, numeric, categorical


def association(x, y, categorical, task):
    """(test name, statistic, p, rows used) for one feature against the label; p is None when untestable."""
    keep = x.notna().to_numpy()
    x, y = x[keep], y[keep]
    n = int(keep.sum())
    if n < 3 or x.nunique() < 2 or y.nunique() < 2:
        return None, None, None, n
    try:
        if task == "regression":
            if categorical:
                groups = [y[x == level].to_numpy() for level in x.unique()]
                h, p = stats.kruskal(*groups)
                return "kruskal", float(h), float(p), n
            rho, p = stats.spearmanr(x.to_numpy(), y.to_numpy())
            return "spearman", float(rho), float(p), n
        if categorical:
            table = pd.crosstab(x, y)
            chi2, p, _, _ = stats.chi2_contingency(table.to_numpy(), correction=False)
            return "chi2", float(chi2), float(p), n
        groups = [x[y == c].to_numpy() for c in y.unique()]
        h, p = stats.kruskal(*groups)
        return "kruskal", float(h), float(p), n
    except ValueError:  # scipy: "All numbers are identical in kruskal"
        return None, None, None, n


def associations(X, y, numeric, categorical, task, permuted):
    rows = []
    for c in X.columns:
        test, statistic, p, n = association(X[c], y, c in categorical, task)
        if p is not None and not np.isfinite(p):
            p = None
        rows.append({
            "name": c,
            "kind": "categorical" if c in categorical else "numeric",
            "test": test,
            "statistic": statistic,
            "p": p,
            "rows": n,
            "permutedCopy": c in permuted,
        })
    tested = sum(1 for r in rows if r["p"] is not None)
    threshold = ALPHA / tested if tested else 0.0
    for r in rows:
        r["significant"] = r["p"] is not None and r["p"] < threshold
        r["overwhelming"] = r["p"] is not None and r["p"] < OVERWHELMING
    return rows, threshold


def linear_model(task, numeric, categorical):
    pre = ColumnTransformer([
        ("num", Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]), numeric),
        ("cat", Pipeline([
            ("impute", SimpleImputer(strategy="most_frequent")),
            ("onehot", OneHotEncoder(handle_unknown="ignore")),
        ]), categorical),
    ])
    model = Ridge() if task == "regression" else LogisticRegression(max_iter=5000)
    return Pipeline([("pre", pre), ("model", model)])


def boosted_model(task, X, numeric, categorical):
    low = [c for c in categorical if X[c].nunique() <= HGB_MAX_CATEGORIES]
    high = [c for c in categorical if c not in low]

    def encoder():
        return OrdinalEncoder(
            handle_unknown="use_encoded_value", unknown_value=np.nan, encoded_missing_value=np.nan
        )

    pre = ColumnTransformer([
        ("low", encoder(), low),
        ("high", encoder(), high),
        ("num", "passthrough", numeric),
    ])
    mask = [True] * len(low) + [False] * (len(high) + len(numeric))
    cls = HistGradientBoostingRegressor if task == "regression" else HistGradientBoostingClassifier
    model = cls(random_state=0, categorical_features=mask if any(mask) else None)
    return Pipeline([("pre", pre), ("model", model)])


def cross_validate(table, X, y, numeric, categorical):
    task = table["task"]
    if task == "regression":
        cv, scoring = KFold(5, shuffle=True, random_state=0), "r2"
    else:
        cv, scoring = StratifiedKFold(5, shuffle=True, random_state=0), "accuracy"
    models = {
        ("Ridge" if task == "regression" else "LogisticRegression"): linear_model(task, numeric, categorical),
        ("HistGradientBoostingRegressor" if task == "regression" else "HistGradientBoostingClassifier"):
            boosted_model(task, X, numeric, categorical),
    }
    scores = {}
    for name, model in models.items():
        started = time.perf_counter()
        with warnings.catch_warnings():
            # Rare classes (< 5 rows) and unseen levels in a fold are expected on real tables.
            warnings.simplefilter("ignore")
            s = cross_val_score(model, X, y, cv=cv, scoring=scoring, n_jobs=1)
        scores[name] = {
            "mean": float(np.mean(s)),
            "std": float(np.std(s)),
            "folds": [float(v) for v in s],
            "seconds": round(time.perf_counter() - started, 2),
        }
    best = max(scores, key=lambda k: scores[k]["mean"])
    if task == "regression":
        trivial = 0.0
    else:
        trivial = float(y.value_counts(normalize=True).iloc[0])
    return {
        "metric": scoring,
        "models": scores,
        "bestModel": best,
        "best": scores[best]["mean"],
        "trivial": trivial,
    }


def main():
    argv = sys.argv[1:]
    out = os.path.join(HERE, "reference.json")
    only = None
    positional = []
    i = 0
    while i < len(argv):
        if argv[i] == "--out":
            out, i = argv[i + 1], i + 2
        elif argv[i] == "--only":
            only, i = argv[i + 1], i + 2
        else:
            positional.append(argv[i])
            i += 1
    data_dir = positional[0] if positional else "/tmp/kryptonite-battery"
    with open(os.path.join(HERE, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    previous = {}
    if only and os.path.exists(out):
        with open(out, encoding="utf-8") as f:
            previous = {t["name"]: t for t in json.load(f)["tables"]}
    results = []
    started_all = time.perf_counter()
    for table in manifest["tables"]:
        if only and table["name"] != only:
            if table["name"] in previous:
                results.append(previous[table["name"]])
            continue
        started = time.perf_counter()
        X, y, numeric, categorical = load(table, data_dir)
        feats, threshold = associations(X, y, numeric, categorical, table["task"], set(table["permutedCopies"]))
        cv = cross_validate(table, X, y, numeric, categorical)
        seconds = round(time.perf_counter() - started, 2)
        results.append({
            "name": table["name"],
            "task": table["task"],
            "label": table["label"],
            "rowsUsed": int(len(y)),
            "classes": None if table["task"] == "regression" else int(y.nunique()),
            "numeric": numeric,
            "categorical": categorical,
            "cv": cv,
            "bonferroniThreshold": threshold,
            "features": feats,
            "seconds": seconds,
        })
        sig = sum(f["significant"] for f in feats)
        ow = sum(f["overwhelming"] for f in feats)
        models = "  ".join(f"{k} {v['mean']:.4f}" for k, v in cv["models"].items())
        print(
            f"{table['name']:<24} {cv['metric']:<8} best {cv['best']:.4f}  ({models})  "
            f"features {len(feats)}: {sig} significant, {ow} overwhelming  [{seconds:.1f} s]",
            flush=True,
        )
    report = {
        "schema": "kryptonite.battery-reference/1",
        "generatedBy": "test/bench/battery/reference.py",
        "environment": {
            "python": platform.python_version(),
            "sklearn": sklearn.__version__,
            "scipy": scipy.__version__,
            "pandas": pd.__version__,
            "numpy": np.__version__,
        },
        "settings": {
            "cv": "StratifiedKFold/KFold(5, shuffle=True, random_state=0)",
            "alpha": ALPHA,
            "multiplicity": "Bonferroni over each table's tested features",
            "overwhelming": OVERWHELMING,
        },
        "tables": results,
    }
    with open(out, "w", encoding="utf-8") as f:
        json.dump(report, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"reference.py: {len(results)} tables in {time.perf_counter() - started_all:.1f} s -> {out}")


if __name__ == "__main__":
    main()
