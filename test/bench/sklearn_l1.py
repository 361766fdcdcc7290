"""The published L1 pipeline, as the peer for `npm run bench`: standardise, interaction-only polynomial features,
L1-regularised logistic regression on a seeded 60 % training split; prints the dominant term and the time taken."""
import json
import sys
import time

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

x_path, y_path, degree = sys.argv[1], sys.argv[2], int(sys.argv[3])
start = time.perf_counter()
X = np.load(x_path).astype(np.float64)
y = np.load(y_path).astype(np.int64)
X_train, X_rest, y_train, y_rest = train_test_split(X, y, train_size=0.6, random_state=42)
scaler = StandardScaler().fit(X_train)
poly = PolynomialFeatures(degree=degree, interaction_only=True, include_bias=False)
Z_train = poly.fit_transform(scaler.transform(X_train))
Z_rest = poly.transform(scaler.transform(X_rest))
model = LogisticRegression(penalty="l1", solver="liblinear", C=1.0, max_iter=1000).fit(Z_train, y_train)
coef = model.coef_[0]
order = np.argsort(-np.abs(coef))
names = poly.get_feature_names_out([f"x{i + 1}" for i in range(X.shape[1])])
print(json.dumps({
    "seconds": time.perf_counter() - start,
    "terms": int(Z_train.shape[1]),
    "nonzero": int(np.count_nonzero(coef)),
    "top": names[order[0]].split(" "),
    "coefficient": float(coef[order[0]]),
    "holdout_accuracy": float(model.score(Z_rest, y_rest)),
    "matrix_mb": (Z_train.nbytes + Z_rest.nbytes) / 1e6,
}))
