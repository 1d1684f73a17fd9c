"""Train the reference classifier from scratch: ``python -m course_lib.train``.

Reproduces ``course_lib/assets/reference_weights.npz`` and the training history
and prints loss and accuracy per epoch. Takes about 8 minutes on two CPU cores.
``--bn-momentum 0.99 --init-seed 2026 --history ...`` repeats the first run, with Keras's
default BatchNorm momentum, whose history lesson 02 shows next to the reference's.
"""
import argparse
import time

import numpy as np

from course_lib import data, model as model_lib
from course_lib.quiet import import_tensorflow


def augment(images, rng):
    """Random shifts of up to 2 pixels: cheap, and silhouettes are rarely centred."""
    padded = np.pad(images, ((0, 0), (2, 2), (2, 2), (0, 0)))
    out = np.empty_like(images)
    shifts = rng.integers(0, 5, size=(len(images), 2))
    for i, (dy, dx) in enumerate(shifts):
        out[i] = padded[i, dy:dy + 28, dx:dx + 28]
    return out


def train(epochs=12, batch_size=64, seed=data.SEED, splits=None, model=None, verbose=True):
    """Train (a fresh reference model by default) and return (model, history dict)."""
    tf = import_tensorflow()
    splits = splits or data.load_splits()
    model = model or model_lib.compile_model(model_lib.build_model(seed=seed))
    rng = np.random.default_rng(seed)
    x_val, y_val = splits.val.normalized(), splits.val.labels
    steps = int(np.ceil(len(splits.train) / batch_size)) * epochs
    schedule = tf.keras.optimizers.schedules.CosineDecay(2e-3, steps)
    model.optimizer.learning_rate = schedule  # decays smoothly to 0 by the last step
    history = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}
    if verbose:
        print(f"{'epoch':>5} {'loss':>8} {'accuracy':>9} {'val_loss':>9} {'val_acc':>8} {'time':>6}")
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        x_train = data.normalize(augment(splits.train.images, rng))
        fit = model.fit(x_train, splits.train.labels, batch_size=batch_size, epochs=1,
                        shuffle=True, verbose=0)
        val_loss, val_acc = model.evaluate(x_val, y_val, batch_size=512, verbose=0)
        row = (fit.history["loss"][0], fit.history["accuracy"][0], val_loss, val_acc)
        for key, value in zip(history, row):
            history[key].append(float(value))
        if verbose:
            print(f"{epoch:>5} {row[0]:>8.4f} {row[1]:>9.4f} {row[2]:>9.4f} {row[3]:>8.4f} "
                  f"{time.perf_counter() - start:>5.1f}s", flush=True)
    return model, history


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--weights", default=str(model_lib.WEIGHTS_PATH))
    parser.add_argument("--history", default=str(model_lib.HISTORY_PATH))
    parser.add_argument("--bn-momentum", type=float, default=model_lib.BN_MOMENTUM)
    # The shipped weights started from build_model's seed 0; the first run from data.SEED.
    parser.add_argument("--init-seed", type=int, default=0)
    args = parser.parse_args(argv)
    if not 0 < args.bn_momentum < 1:
        parser.error(f"--bn-momentum must be between 0 and 1 (exclusive), not {args.bn_momentum}")
    fresh = model_lib.compile_model(model_lib.build_model(seed=args.init_seed, bn_momentum=args.bn_momentum))
    model, history = train(epochs=args.epochs, model=fresh)
    splits = data.load_splits()
    _, test_acc = model.evaluate(splits.test.normalized(), splits.test.labels, verbose=0)
    print(f"test accuracy: {test_acc:.4f}  parameters: {model.count_params():,}")
    model_lib.save_weights(model, args.weights)
    model_lib.save_history(history, args.history)
    print(f"wrote {args.weights} and {args.history}")


if __name__ == "__main__":
    main()
