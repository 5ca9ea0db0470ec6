"""The mnist-cnn case of `spindle bench training` on PyTorch's CPU backend.

Reads the rows the benchmark wrote (float32 pixels already divided by 255, int32 labels, raw
little-endian), trains conv 32 3x3 same -> max pool 2 -> conv 64 3x3 same -> max pool 2 ->
dense -> 10 with Adam and cross-entropy on shuffled minibatches, and after every epoch prints one
JSON line: {"epoch", "seconds" (training seconds of the epoch), "samples", "accuracy" (on the
test rows, off the clock)}. Stops after the given epochs or once the training seconds reach the
budget, like the other systems.

usage: pytorch_cnn.py DIR EPOCHS MAX_SECONDS THREADS BATCH DENSE LR SEED
"""
import json
import sys
import time

import numpy as np
import torch
from torch import nn


def main():
    folder, epochs, max_seconds, threads, batch, dense, lr, seed = sys.argv[1:9]
    epochs, threads, batch, dense, seed = int(epochs), int(threads), int(batch), int(dense), int(seed)
    max_seconds, lr = float(max_seconds), float(lr)
    torch.set_num_threads(threads)
    torch.manual_seed(seed)

    def rows(name):
        x = np.fromfile(f"{folder}/{name}_x.f32", dtype="<f4").reshape(-1, 1, 28, 28)
        y = np.fromfile(f"{folder}/{name}_y.i32", dtype="<i4").astype(np.int64)
        return torch.from_numpy(x.copy()), torch.from_numpy(y)

    train_x, train_y = rows("train")
    test_x, test_y = rows("test")
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(7 * 7 * 64, dense), nn.ReLU(), nn.Linear(dense, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    order = torch.Generator().manual_seed(seed)
    spent = 0.0
    epoch = 0
    n = train_x.shape[0]
    while epoch < epochs and spent < max_seconds:
        model.train()
        perm = torch.randperm(n, generator=order)
        t0 = time.perf_counter()
        for start in range(0, n, batch):
            idx = perm[start:start + batch]
            optimizer.zero_grad()
            loss = loss_fn(model(train_x[idx]), train_y[idx])
            loss.backward()
            optimizer.step()
        seconds = time.perf_counter() - t0
        spent += seconds
        epoch += 1
        model.eval()
        with torch.no_grad():
            correct = sum(int((model(test_x[s:s + 1000]).argmax(1) == test_y[s:s + 1000]).sum())
                          for s in range(0, test_x.shape[0], 1000))
        print(json.dumps({"epoch": epoch, "seconds": seconds, "samples": n,
                          "accuracy": correct / test_x.shape[0], "threads": torch.get_num_threads(),
                          "torch": torch.__version__}), flush=True)


if __name__ == "__main__":
    main()
