"""The scikit-learn peer of test/bench/modelsVsSklearn.ts (run with Debian's /usr/bin/python3: sklearn 1.2, pandas).

    modelsVsSklearn.py export DIR        write the bundled tables as DIR/<name>.csv + DIR/<name>.json
    modelsVsSklearn.py score CSV JSON    5-fold CV of the linear model and HistGradientBoosting; prints one JSON line
    modelsVsSklearn.py time CSV REPS     fastest of REPS fits of HistGradientBoostingClassifier(early_stopping=False)

A table's JSON says its task and which columns are categorical (integer codes, empty cell = missing). Linear models
see mean-imputed, standardised numeric columns with missing indicators and one-hot categoricals (missing as its own
level, unknown levels ignored); HistGradientBoosting sees the raw columns, NaN as missing, categoricals declared
through `categorical_features`. Folds: StratifiedKFold / KFold(shuffle=True, random_state=42).
"""
import json
import sys
import time
import warnings

import numpy as np
import pandas as pd
from sklearn import datasets
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler


def export(directory):
    tables = {
        "breast_cancer": (datasets.load_breast_cancer(), "binary"),
        "iris": (datasets.load_iris(), "multiclass"),
        "wine": (datasets.load_wine(), "multiclass"),
        "digits": (datasets.load_digits(), "multiclass"),
        "diabetes": (datasets.load_diabetes(), "regression"),
    }
    for name, (bunch, task) in tables.items():
        frame = pd.DataFrame(bunch.data, columns=[f"x{i}" for i in range(bunch.data.shape[1])])
        frame["target"] = bunch.target
        frame.to_csv(f"{directory}/{name}.csv", index=False)
        classes = 0 if task == "regression" else int(len(np.unique(bunch.target)))
        with open(f"{directory}/{name}.json", "w") as handle:
            json.dump({"task": task, "classes": classes, "categorical": []}, handle)
    # Boston housing: load_boston is gone from 1.2 but its CSV still ships (header on the second line). CHAS (0/1)
    # and RAD (an index of highway access, 9 levels) are kept numeric, as they usually are.
    boston = pd.read_csv(f"{datasets.__path__[0]}/data/boston_house_prices.csv", skiprows=1)
    boston.columns = [f"x{i}" for i in range(boston.shape[1] - 1)] + ["target"]
    boston.to_csv(f"{directory}/boston.csv", index=False)
    with open(f"{directory}/boston.json", "w") as handle:
        json.dump({"task": "regression", "classes": 0, "categorical": []}, handle)


def score(csv_path, meta_path):
    with open(meta_path) as handle:
        meta = json.load(handle)
    frame = pd.read_csv(csv_path)
    y = frame.pop("target").to_numpy()
    categorical = [c for c in frame.columns if c in set(meta["categorical"])]
    numeric = [c for c in frame.columns if c not in set(categorical)]
    X = frame.astype("float64")
    regression = meta["task"] == "regression"
    preprocess = ColumnTransformer(
        [
            ("num", make_pipeline(SimpleImputer(strategy="mean", add_indicator=True), StandardScaler()), numeric),
            (
                "cat",
                make_pipeline(
                    SimpleImputer(strategy="constant", fill_value=-1),
                    OneHotEncoder(handle_unknown="ignore"),
                ),
                categorical,
            ),
        ]
    )
    if regression:
        linear = make_pipeline(preprocess, Ridge(alpha=1.0))
        boosted = HistGradientBoostingRegressor(
            categorical_features=[frame.columns.get_loc(c) for c in categorical] or None, random_state=42
        )
        folds = KFold(n_splits=5, shuffle=True, random_state=42)
        scoring = "r2"
    else:
        linear = make_pipeline(preprocess, LogisticRegression(C=1.0, max_iter=1000))
        boosted = HistGradientBoostingClassifier(
            categorical_features=[frame.columns.get_loc(c) for c in categorical] or None, random_state=42
        )
        folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=42)
        scoring = "accuracy"
    out = {}
    for key, model in (("linear", linear), ("gbdt", boosted)):
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            scores = cross_val_score(model, X, y, cv=folds, scoring=scoring, n_jobs=1)
        out[key] = {"value": float(np.mean(scores)), "seconds": time.perf_counter() - start}
    print(json.dumps(out))


def time_fit(csv_path, reps):
    frame = pd.read_csv(csv_path)
    y = frame.pop("target").to_numpy()
    X = frame.to_numpy(dtype="float64")
    best = float("inf")
    for _ in range(reps):
        start = time.perf_counter()
        HistGradientBoostingClassifier(early_stopping=False).fit(X, y)
        best = min(best, time.perf_counter() - start)
    print(json.dumps({"seconds": best}))


if __name__ == "__main__":
    if sys.argv[1] == "export":
        export(sys.argv[2])
    elif sys.argv[1] == "time":
        time_fit(sys.argv[2], int(sys.argv[3]))
    else:
        score(sys.argv[2], sys.argv[3])
