import gzip
import pickle
import shutil

import numpy as np
import pytest

from course_lib import CourseInputError, data


def test_raw_data_is_the_full_balanced_set():
    images, labels = data.load_raw()
    assert images.shape == (10_000, 28, 28) and images.dtype == np.uint8
    assert np.bincount(labels).tolist() == [1000] * 10


def test_splits_are_stratified_disjoint_and_free_of_duplicates(splits):
    assert len(splits.val) == len(splits.test) == 1000
    assert np.bincount(splits.test.labels).tolist() == [100] * 10
    assert np.bincount(splits.val.labels).tolist() == [100] * 10
    seen = {}
    for name in ("train", "val", "test"):
        for image in getattr(splits, name).images:
            key = image.tobytes()
            assert key not in seen, f"an image in {name} also appears in {seen.get(key)}"
            seen[key] = name
    # 10,000 files minus the byte-identical copies the raw data carries
    raw, _ = data.load_raw()
    duplicates = sum(len(g) - 1 for g in data.duplicate_groups(raw))
    assert duplicates > 0
    assert len(seen) == 10_000 - duplicates


def test_splits_are_shuffled_not_class_sorted(splits):
    assert len(set(splits.train.labels[:50].tolist())) > 5


def test_splits_are_reproducible_and_seed_dependent(splits):
    again = data.load_splits()
    assert np.array_equal(again.test.images, splits.test.images)
    other = data.load_splits(seed=1)
    assert not np.array_equal(other.test.images, splits.test.images)


def test_normalize_scales_to_unit_range_and_rejects_wrong_input(splits):
    x = splits.test.normalized()
    assert x.dtype == np.float32 and x.shape[1:] == (28, 28, 1)
    assert 0.0 <= x.min() and x.max() <= 1.0
    with pytest.raises(CourseInputError, match="uint8"):
        data.normalize(x)
    with pytest.raises(CourseInputError, match=r"\(N, 28, 28, 1\)"):
        data.normalize(np.zeros((2, 32, 32, 3), np.uint8))


def test_class_names_and_lookup():
    assert data.CLASS_NAMES[data.class_index("dog")] == "dog"
    assert data.class_index("Cat") == 2
    with pytest.raises(CourseInputError, match="Unknown class 'unicorn'.*bear"):
        data.class_index("unicorn")


def test_tampered_data_file_is_refused_before_unpickling(tmp_path):
    for name in ("animal_data_version_3.gz", "animal_label_version_3.gz"):
        shutil.copy(data.data_dir() / name, tmp_path / name)
    # A pickle that would run code when loaded.
    evil = gzip.compress(pickle.dumps(eval, protocol=2))
    (tmp_path / "animal_label_version_3.gz").write_bytes(evil)
    with pytest.raises(CourseInputError, match="SHA-256.*not unpickled"):
        data.load_raw(tmp_path)


def test_camera_frame_is_rgb_and_preserves_the_silhouette(splits):
    image = splits.test.images[0]
    frame = data.camera_frame(image)
    assert frame.shape == (224, 224, 3) and frame.dtype == np.uint8
    from PIL import Image

    back = np.asarray(Image.fromarray(frame).convert("L").resize((28, 28), Image.BILINEAR), np.float32)
    # bright where the animal is, dark elsewhere
    assert np.corrcoef(back.ravel(), image.ravel().astype(np.float32))[0, 1] > 0.9
    with pytest.raises(CourseInputError, match="uint8"):
        data.camera_frame(image.astype(np.float32))
