"""Stage 2: the reference classifier, a small MobileNet-style CNN.

Depthwise-separable blocks (depthwise 3x3 + pointwise 1x1), BatchNorm and ReLU6,
as in MobileNet v1/v2, sized for 28x28x1 inputs. Its trained weights and training
history ship in ``course_lib/assets`` so no lesson or grader has to train it;
``python -m course_lib.train`` reproduces them.
"""
import json
from pathlib import Path

import numpy as np

from course_lib.data import CLASS_NAMES, IMAGE_SHAPE, NUM_CLASSES
from course_lib.errors import CourseInputError
from course_lib.quiet import import_tensorflow, quiet

ASSETS = Path(__file__).resolve().parent / "assets"
WEIGHTS_PATH = ASSETS / "reference_weights.npz"
HISTORY_PATH = ASSETS / "reference_history.json"
# The same training with Keras's default BatchNorm momentum (0.99), before the fix (lesson 02).
DEFAULT_MOMENTUM_HISTORY_PATH = ASSETS / "history_bn_momentum_0.99.json"

# (pointwise filters, stride) of each depthwise-separable block.
BLOCKS = ((64, 1), (64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (256, 1))


# BatchNorm's running averages move 10% of the way to each batch's statistics. Keras's default,
# 1%, lags so far behind the fast-changing early weights that the model scored at chance level
# in inference mode for its first four epochs (lesson 02 shows that fault and this fix).
BN_MOMENTUM = 0.9


def build_model(blocks=BLOCKS, stem_filters=32, seed=0, bn_momentum=BN_MOMENTUM):
    """The untrained reference architecture (a Keras 2 functional model).

    Input: float32 (N, 28, 28, 1) in [0, 1]. Output: softmax over the 10 classes.
    """
    tf = import_tensorflow()
    layers = tf.keras.layers
    tf.keras.utils.set_random_seed(seed)

    def conv_bn(x, filters, kernel, stride, name):
        x = layers.Conv2D(filters, kernel, strides=stride, padding="same",
                          use_bias=False, name=f"{name}_conv")(x)
        x = layers.BatchNormalization(momentum=bn_momentum, name=f"{name}_bn")(x)
        return layers.ReLU(6.0, name=f"{name}_relu6")(x)

    inputs = tf.keras.Input(shape=IMAGE_SHAPE, name="image")
    x = conv_bn(inputs, stem_filters, 3, 1, "stem")
    for i, (filters, stride) in enumerate(blocks, start=1):
        x = layers.DepthwiseConv2D(3, strides=stride, padding="same", use_bias=False,
                                   name=f"block{i}_dw")(x)
        x = layers.BatchNormalization(momentum=bn_momentum, name=f"block{i}_dw_bn")(x)
        x = layers.ReLU(6.0, name=f"block{i}_dw_relu6")(x)
        x = conv_bn(x, filters, 1, 1, f"block{i}_pw")
    x = layers.GlobalAveragePooling2D(name="pool")(x)
    x = layers.Dropout(0.2, name="dropout")(x)
    outputs = layers.Dense(NUM_CLASSES, activation="softmax", name="probabilities")(x)
    return tf.keras.Model(inputs, outputs, name="animal_mobilenet")


def compile_model(model, learning_rate=2e-3):
    tf = import_tensorflow()
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def load_reference_model(weights_path=WEIGHTS_PATH):
    """The trained reference classifier, built and loaded from the shipped weights."""
    weights_path = Path(weights_path)
    if not weights_path.is_file():
        raise CourseInputError(
            f"No weights at {weights_path}. Run `python -m course_lib.train` to make them."
        )
    model = build_model()
    with np.load(weights_path, allow_pickle=False) as saved:
        weights = [saved[f"w{i}"] for i in range(len(saved.files))]
    expected = [w.shape for w in model.get_weights()]
    if [w.shape for w in weights] != expected:
        raise CourseInputError(
            f"{weights_path} does not match the reference architecture "
            f"({len(weights)} arrays, expected {len(expected)} with shapes {expected[:3]}...)."
        )
    model.set_weights(weights)
    return compile_model(model)


def save_weights(model, path=WEIGHTS_PATH):
    np.savez(path, **{f"w{i}": w for i, w in enumerate(model.get_weights())})


def load_history(path=HISTORY_PATH):
    """Per-epoch training history: {"loss": [...], "accuracy": [...], "val_loss": ..., ...}."""
    return json.loads(Path(path).read_text())


def save_history(history, path=HISTORY_PATH):
    clean = {k: [round(float(v), 6) for v in vals] for k, vals in history.items()}
    Path(path).write_text(json.dumps(clean, indent=1) + "\n")


def count_macs(model):
    """Multiply-accumulate operations for one image (conv, depthwise and dense layers).

    A device-independent proxy for compute and energy: it ignores memory traffic,
    which on a phone often costs as much energy as the arithmetic.
    """
    tf = import_tensorflow()
    layers = tf.keras.layers
    macs = 0
    for layer in model.layers:
        if isinstance(layer, layers.DepthwiseConv2D):
            _, h, w, c = layer.output_shape
            kh, kw = layer.kernel_size
            macs += h * w * c * kh * kw
        elif isinstance(layer, layers.Conv2D):
            _, h, w, c_out = layer.output_shape
            kh, kw = layer.kernel_size
            macs += h * w * c_out * kh * kw * layer.input_shape[-1]
        elif isinstance(layer, layers.Dense):
            macs += layer.input_shape[-1] * layer.units
    return int(macs)


def keras_predict(model, images, batch_size=256):
    """Probabilities from a Keras model, quietly (no progress bar on stderr)."""
    with quiet():
        return model.predict(images, batch_size=batch_size, verbose=0)


__all__ = ["CLASS_NAMES", "build_model", "load_reference_model", "load_history", "count_macs"]
