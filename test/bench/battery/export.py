"""Export the Python-sourced tables of the real-table battery and check the whole data folder against manifest.json.

    /usr/bin/python3 test/bench/battery/export.py [DIR] [--update-manifest]     (default DIR /tmp/kryptonite-battery)

Run after export.R (which writes the R-sourced tables into the same DIR). Needs Debian's python3 (scikit-learn 1.2,
pandas 1.5): the `python3` first on PATH may lack them.

* scikit-learn's bundled tables (load_breast_cancer, load_iris, load_wine, load_digits, load_diabetes, load_linnerud)
  are read from the installed package (no download) and written with pandas' to_csv (index=False): bare numbers,
  the target column named `target` as in scikit-learn unless a real name is known.
* vega-datasets (the Vega/Altair gallery tables) come from the npm tarball, fetched once with `npm pack` into
  DIR/.cache (the npm registry is the only network use); JSON tables are flattened with pandas, so missing values
  become empty fields there — a different NA convention from the R exports, on purpose.
* Permuted copies (see export.R) use numpy's seeded generator.

Finally every table in manifest.json is checked against its file: header, row count, and that the label, permuted
copies and identifier/date/text columns exist. --update-manifest rewrites rows/columns/columnNames from the files
instead of failing (for maintainers adding a table).
"""

import csv
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time

import numpy as np
import pandas as pd
from sklearn import datasets

HERE = os.path.dirname(os.path.abspath(__file__))
MANIFEST = os.path.join(HERE, "manifest.json")
VEGA_VERSION = "3.2.1"  # pinned: later releases may rename or reshape tables


def add_permuted(df, columns, seed):
    """Append `<column>_a1`: the column's values in a seeded random row order (no information about the label)."""
    rng = np.random.default_rng(seed)
    out = df.copy()
    for col in columns:
        out[f"{col}_a1"] = df[col].to_numpy()[rng.permutation(len(df))]
    return out


def sklearn_frame(bunch, target_name, target_values=None):
    df = pd.DataFrame(bunch.data, columns=list(bunch.feature_names))
    target = np.asarray(bunch.target)
    df[target_name] = target if target_values is None else np.asarray(target_values)[target]
    return df


def sklearn_tables():
    cancer = datasets.load_breast_cancer()
    iris = datasets.load_iris()
    wine = datasets.load_wine()
    digits = datasets.load_digits()
    # scaled=False: the raw clinical values (age in years, sex 1/2, bmi …), as a researcher would receive them.
    diabetes = datasets.load_diabetes(scaled=False)
    linnerud = datasets.load_linnerud()
    lin = pd.DataFrame(linnerud.data, columns=linnerud.feature_names)
    lin = pd.concat([lin, pd.DataFrame(linnerud.target, columns=linnerud.target_names)], axis=1)
    return {
        "sklearn_breast_cancer": add_permuted(
            sklearn_frame(cancer, "target"), ["worst concave points", "worst perimeter"], 201
        ),
        "sklearn_iris": sklearn_frame(iris, "species", iris.target_names),
        "sklearn_wine": add_permuted(sklearn_frame(wine, "target"), ["proline", "flavanoids"], 202),
        "sklearn_digits": sklearn_frame(digits, "target"),
        "sklearn_diabetes": add_permuted(sklearn_frame(diabetes, "target"), ["bmi", "s5"], 203),
        "sklearn_linnerud": lin,
    }


def vega_dir(cache):
    root = os.path.join(cache, f"vega-datasets-{VEGA_VERSION}")
    if os.path.isdir(os.path.join(root, "package", "data")):
        return os.path.join(root, "package", "data")
    os.makedirs(cache, exist_ok=True)
    tgz = os.path.join(cache, f"vega-datasets-{VEGA_VERSION}.tgz")
    if not os.path.exists(tgz):
        # npm lists the whole tarball on stderr; keep it for the error message only.
        r = subprocess.run(
            ["npm", "pack", f"vega-datasets@{VEGA_VERSION}", "--pack-destination", cache],
            capture_output=True,
            text=True,
        )
        if r.returncode != 0:
            sys.exit(f"export.py: npm pack vega-datasets@{VEGA_VERSION} failed:\n{r.stderr[-2000:]}")
    with tarfile.open(tgz) as t:
        t.extractall(root)
    return os.path.join(root, "package", "data")


def vega_tables(cache):
    data = vega_dir(cache)
    return {
        # Seattle daily weather 2012–2015: date + four measurements + the weather category.
        "seattle_weather": ("copy", os.path.join(data, "seattle-weather.csv")),
        # The classic auto-mpg table (Name free text, Year as an ISO date string, Origin categorical).
        "auto_mpg": pd.read_json(os.path.join(data, "cars.json")),
        # Movies with titles, directors, distributors and release dates like "Jun 12 1998".
        "movies": pd.read_json(os.path.join(data, "movies.json"), convert_dates=False),
    }


def read_shape(path):
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = sum(1 for _ in reader)
    return header, rows


def verify(out_dir, update):
    with open(MANIFEST, encoding="utf-8") as f:
        manifest = json.load(f)
    problems = []
    for table in manifest["tables"]:
        path = os.path.join(out_dir, table["file"])
        if not os.path.exists(path):
            problems.append(f"{table['name']}: {path} missing")
            continue
        header, rows = read_shape(path)
        if update:
            table["rows"], table["columns"], table["columnNames"] = rows, len(header), header
        else:
            if header != table["columnNames"]:
                problems.append(f"{table['name']}: header {header} differs from the manifest")
            if rows != table["rows"]:
                problems.append(f"{table['name']}: {rows} rows, manifest says {table['rows']}")
        named = [table["label"]] + table["permutedCopies"] + table["idColumns"] + table["dateColumns"]
        named += table["textColumns"] + table.get("categoricalColumns", [])
        for col in named:
            if col not in header:
                problems.append(f"{table['name']}: column {col!r} named in the manifest is not in the file")
    listed = {t["file"] for t in manifest["tables"]}
    for name in sorted(os.listdir(out_dir)):
        if name.endswith(".csv") and name not in listed:
            problems.append(f"{name} is in {out_dir} but not in the manifest")
    if update:
        with open(MANIFEST, "w", encoding="utf-8") as f:
            json.dump(manifest, f, indent=2, ensure_ascii=False)
            f.write("\n")
        print(f"export.py: manifest updated from {out_dir}")
    return problems, len(manifest["tables"])


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    update = "--update-manifest" in sys.argv
    out_dir = args[0] if args else "/tmp/kryptonite-battery"
    os.makedirs(out_dir, exist_ok=True)
    started = time.perf_counter()
    tables = {**sklearn_tables(), **vega_tables(os.path.join(out_dir, ".cache"))}
    for name, table in tables.items():
        path = os.path.join(out_dir, f"{name}.csv")
        if isinstance(table, tuple):
            shutil.copyfile(table[1], path)
            header, rows = read_shape(path)
            shape = (rows, len(header))
        else:
            table.to_csv(path, index=False)
            shape = table.shape
        print(f"{name:<24} {shape[0]:6d} x {shape[1]:3d}  {path}")
    print(f"export.py: {len(tables)} tables in {time.perf_counter() - started:.1f} s")
    problems, count = verify(out_dir, update)
    for p in problems:
        print(f"  manifest mismatch: {p}", file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f"export.py: all {count} tables of manifest.json present and matching")


if __name__ == "__main__":
    main()
