import numpy as np
import pytest

from course_lib import CourseInputError, model as model_lib
from course_lib.evaluate import accuracy


def test_reference_architecture_is_mobilenet_style(reference_model):
    kinds = {type(layer).__name__ for layer in reference_model.layers}
    assert {"DepthwiseConv2D", "BatchNormalization", "ReLU", "GlobalAveragePooling2D"} <= kinds
    assert all(layer.max_value == 6.0 for layer in reference_model.layers if type(layer).__name__ == "ReLU")
    assert 100_000 <= reference_model.count_params() <= 300_000
    assert reference_model.input_shape == (None, 28, 28, 1)
    assert reference_model.output_shape == (None, 10)


def test_shipped_weights_are_small_and_reach_the_accuracy_target(reference_model, splits, test_images):
    assert model_lib.WEIGHTS_PATH.stat().st_size <= 1_100_000
    probs = model_lib.keras_predict(reference_model, test_images)
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-4)
    assert accuracy(splits.test.labels, probs) >= 0.95


def test_history_has_one_entry_per_epoch_and_improves():
    history = model_lib.load_history()
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    epochs = len(history["loss"])
    assert epochs >= 5 and all(len(v) == epochs for v in history.values())
    assert history["loss"][-1] < history["loss"][0] / 3
    assert history["val_accuracy"][-1] >= 0.95


def test_the_reference_never_scored_at_chance_and_the_first_training_did():
    """Lesson 02 shows both histories: the fault (Keras's default BatchNorm momentum) and the fix."""
    chance = 1 / 10
    assert min(model_lib.load_history()["val_accuracy"]) > 0.5
    first = model_lib.load_history(model_lib.DEFAULT_MOMENTUM_HISTORY_PATH)
    stuck = [acc for acc in first["val_accuracy"] if acc <= chance + 0.01]
    assert len(stuck) >= 2 and first["val_accuracy"][-1] >= 0.95


def test_batchnorm_layers_take_the_course_momentum_unless_told_otherwise(reference_model):
    import tensorflow as tf

    def momenta(model):
        return {layer.momentum for layer in model.layers
                if isinstance(layer, tf.keras.layers.BatchNormalization)}

    assert model_lib.BN_MOMENTUM == 0.9 and tf.keras.layers.BatchNormalization().momentum == 0.99
    assert momenta(reference_model) == {0.9}
    assert momenta(model_lib.build_model(bn_momentum=0.99)) == {0.99}


def test_train_refuses_a_momentum_outside_0_to_1(capsys):
    from course_lib import train

    with pytest.raises(SystemExit) as exit_info:
        train.main(["--bn-momentum", "1.5"])
    assert exit_info.value.code == 2
    assert "--bn-momentum must be between 0 and 1 (exclusive), not 1.5" in capsys.readouterr().err


def test_mac_count_matches_a_hand_count_for_a_tiny_model():
    import tensorflow as tf

    inputs = tf.keras.Input((4, 4, 2))
    x = tf.keras.layers.Conv2D(3, 3, padding="same")(inputs)           # 4*4*3 * 3*3*2 = 864
    x = tf.keras.layers.DepthwiseConv2D(3, padding="same")(x)          # 4*4*3 * 9     = 432
    x = tf.keras.layers.GlobalAveragePooling2D()(x)
    outputs = tf.keras.layers.Dense(5)(x)                              # 3*5           = 15
    assert model_lib.count_macs(tf.keras.Model(inputs, outputs)) == 864 + 432 + 15


def test_weights_of_another_architecture_are_refused(tmp_path):
    path = tmp_path / "wrong.npz"
    np.savez(path, w0=np.zeros((3, 3)))
    with pytest.raises(CourseInputError, match="does not match the reference architecture"):
        model_lib.load_reference_model(path)
    with pytest.raises(CourseInputError, match="course_lib.train"):
        model_lib.load_reference_model(tmp_path / "missing.npz")


def test_training_moves_the_loss_on_a_small_subset(splits):
    """The live-training path used by the lesson: a few steps must lower the loss."""
    from course_lib import train
    from course_lib.data import Split, Splits

    small = Splits(Split(splits.train.images[:512], splits.train.labels[:512]),
                   Split(splits.val.images[:256], splits.val.labels[:256]), splits.test)
    _, history = train.train(epochs=2, splits=small, verbose=False)
    assert history["loss"][1] < history["loss"][0]
