"""PyTorch peer for the training bench: the published Kryptonite MLP (one hidden layer of 72 units) with the same
preset, a seeded 60/20/20 split, standardisation on the training rows, early stopping on validation loss.

usage: torch_mlp.py X.npy y.npy PRESET SEED TARGET [STOP_AT_TARGET]
Prints one JSON line: ms per epoch, the wall-clock time (ms since the epoch) when test accuracy first reached TARGET,
epochs run and the final test accuracy (best weights restored)."""
import json, sys, time
import numpy as np
import torch

PRESETS = {
    'N-9': dict(opt='sgd', act='elu', lr=0.01, dropout=0.0, batch=128),
    'N-12': dict(opt='sgd', act='elu', lr=0.1, dropout=0.01, batch=256),
    'N-15': dict(opt='sgd', act='tanh', lr=0.1, dropout=0.03, batch=256),
    'N-18': dict(opt='adam', act='tanh', lr=0.1, dropout=0.07, batch=256),
}

def main():
    xf, yf, preset, seed, target = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
    stop = len(sys.argv) > 6 and sys.argv[6] == '1'
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    p = PRESETS[preset]
    X = np.load(xf).astype(np.float32)
    y = np.load(yf).astype(np.float32)
    order = np.random.default_rng(seed).permutation(len(y))
    n_tr, n_va = round(0.6 * len(y)), round(0.2 * len(y))
    tr, va, te = order[:n_tr], order[n_tr:n_tr + n_va], order[n_tr + n_va:]
    mu, sd = X[tr].mean(0), X[tr].std(0)
    sd[sd == 0] = 1
    X = (X - mu) / sd
    Xtr, ytr = torch.from_numpy(X[tr]), torch.from_numpy(y[tr]).unsqueeze(1)
    Xva, yva = torch.from_numpy(X[va]), torch.from_numpy(y[va]).unsqueeze(1)
    Xte, yte = torch.from_numpy(X[te]), torch.from_numpy(y[te]).unsqueeze(1)
    act = torch.nn.ELU() if p['act'] == 'elu' else torch.nn.Tanh()
    model = torch.nn.Sequential(torch.nn.Linear(X.shape[1], 72), act, torch.nn.Dropout(p['dropout']), torch.nn.Linear(72, 1))
    opt = torch.optim.SGD(model.parameters(), lr=p['lr'], momentum=0.9) if p['opt'] == 'sgd' else torch.optim.Adam(model.parameters(), lr=p['lr'])
    loss_fn = torch.nn.BCEWithLogitsLoss()
    best, best_epoch, best_state, target_at, target_epoch = float('inf'), 0, None, None, None
    t0 = time.perf_counter()
    epochs = 0
    for epoch in range(1, 1001):
        epochs = epoch
        model.train()
        perm = torch.randperm(len(Xtr))
        for i in range(0, len(Xtr), p['batch']):
            idx = perm[i:i + p['batch']]
            opt.zero_grad()
            loss = loss_fn(model(Xtr[idx]), ytr[idx])
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            vl = loss_fn(model(Xva), yva).item()
            acc = ((model(Xte) > 0).float() == yte).float().mean().item()
        if target_at is None and acc >= target:
            target_at, target_epoch = time.time() * 1000, epoch
            if stop:
                break
        if vl < best:
            best, best_epoch = vl, epoch
            best_state = {k: v.clone() for k, v in model.state_dict().items()}
        elif epoch - best_epoch >= 200:
            break
    ms = (time.perf_counter() - t0) * 1000 / epochs
    if best_state is not None and not stop:
        model.load_state_dict(best_state)
    with torch.no_grad():
        final = ((model(Xte) > 0).float() == yte).float().mean().item()
    print(json.dumps(dict(msPerEpoch=ms, targetAt=target_at, targetEpoch=target_epoch, epochs=epochs, testAccuracy=final)))

main()
