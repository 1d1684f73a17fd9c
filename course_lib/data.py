"""Stage 1: the data. Animal-MNIST, loaded from the installed ``animal-mnist`` wheel.

10,000 grayscale 28x28 animal silhouettes, 1,000 per class. The files are gzipped
pickles, so we check their SHA-256 before unpickling: unpickling an altered file
could run arbitrary code.
"""
import dataclasses
import gzip
import hashlib
import importlib.util
import pickle
from pathlib import Path

import numpy as np

from course_lib.errors import CourseInputError

CLASS_NAMES = (
    "bear", "bird", "cat", "cow", "dog",
    "elephant", "giraffe", "horse", "sheep", "zebra",
)
NUM_CLASSES = len(CLASS_NAMES)
IMAGE_SHAPE = (28, 28, 1)
SEED = 2026

_FILES = {
    "images": ("animal_data_version_3.gz",
               "68a30346781a0984f839463a4615d2decb899d1ce65091bb92586311754a34ce"),
    "labels": ("animal_label_version_3.gz",
               "dec8dba7c469830989fbab46825021a08a38470753a512f27ada847eced97b57"),
}


@dataclasses.dataclass(frozen=True)
class Split:
    """One part of the data: uint8 images (N, 28, 28, 1) and integer labels (N,)."""

    images: np.ndarray
    labels: np.ndarray

    def __len__(self):
        return len(self.labels)

    def normalized(self):
        """Images as float32 in [0, 1], the model's input."""
        return normalize(self.images)


@dataclasses.dataclass(frozen=True)
class Splits:
    train: Split
    val: Split
    test: Split


def data_dir():
    """Folder of the data files inside the installed animal-mnist package."""
    spec = importlib.util.find_spec("animal_mnist")
    if spec is None or not spec.submodule_search_locations:
        raise CourseInputError(
            "The animal-mnist package is not installed. Run `make lab` (or "
            "`pip install -r requirements.txt`) in the course folder."
        )
    return Path(list(spec.submodule_search_locations)[0]) / "data" / "Animal_MNIST"


def _read_checked(path, expected_sha256):
    raw = Path(path).read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != expected_sha256:
        raise CourseInputError(
            f"{path} has SHA-256 {digest}, expected {expected_sha256}. The data file "
            "was altered or corrupted; it was not unpickled. Reinstall it with "
            "`pip install --force-reinstall animal-mnist==0.4`."
        )
    return pickle.loads(gzip.decompress(raw))


def load_raw(folder=None):
    """All 10,000 images (uint8, N x 28 x 28) and labels, in the file's class-sorted order."""
    folder = Path(folder) if folder is not None else data_dir()
    images = np.asarray(_read_checked(folder / _FILES["images"][0], _FILES["images"][1]))
    labels = np.asarray(_read_checked(folder / _FILES["labels"][0], _FILES["labels"][1]))
    return images.astype(np.uint8), labels.astype(np.int64)


def duplicate_groups(images):
    """Indices of byte-identical images, as a list of groups of 2 or more."""
    groups = {}
    for i, image in enumerate(images):
        groups.setdefault(hashlib.blake2b(image.tobytes(), digest_size=16).digest(), []).append(i)
    return [g for g in groups.values() if len(g) > 1]


def load_splits(seed=SEED, val_per_class=100, test_per_class=100, deduplicate=True, folder=None):
    """Shuffled, stratified train/validation/test splits with a fixed seed.

    Exact duplicate images are dropped first (keeping one copy): otherwise copies of
    one image land on both sides of the split and inflate the test score.
    """
    images, labels = load_raw(folder)
    keep = np.ones(len(images), dtype=bool)
    if deduplicate:
        for group in duplicate_groups(images):
            keep[group[1:]] = False
    images, labels = images[keep][..., np.newaxis], labels[keep]

    rng = np.random.default_rng(seed)
    parts = {"train": [], "val": [], "test": []}
    for cls in range(NUM_CLASSES):
        idx = rng.permutation(np.flatnonzero(labels == cls))
        parts["test"].append(idx[:test_per_class])
        parts["val"].append(idx[test_per_class:test_per_class + val_per_class])
        parts["train"].append(idx[test_per_class + val_per_class:])
    made = {}
    for name, chunks in parts.items():
        idx = rng.permutation(np.concatenate(chunks))
        made[name] = Split(images[idx], labels[idx])
    return Splits(**made)


def normalize(images):
    """uint8 pixels -> float32 in [0, 1], checking shape and dtype first."""
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., np.newaxis]
    if images.ndim != 4 or images.shape[1:] != IMAGE_SHAPE:
        raise CourseInputError(
            f"Expected images of shape (N, 28, 28, 1) or (N, 28, 28); got {images.shape}."
        )
    if images.dtype != np.uint8:
        raise CourseInputError(
            f"Expected uint8 pixels (0-255); got {images.dtype}. "
            "Pass the raw images, normalize() scales them."
        )
    return images.astype(np.float32) / 255.0


def class_index(name):
    """Index of a class name, e.g. class_index('dog') == 4."""
    try:
        return CLASS_NAMES.index(str(name).lower())
    except ValueError:
        raise CourseInputError(
            f"Unknown class {name!r}; the classes are {', '.join(CLASS_NAMES)}."
        ) from None


def camera_frame(image, size=224, seed=0, height=None, width=None):
    """Render a 28x28 silhouette as an RGB uint8 "camera frame" of ``height`` x ``width``
    (both ``size`` unless given), the animal filling the centre ``size`` x ``size`` square.

    A stand-in for what a phone camera hands the app: bigger, in colour, noisy, and not
    always square (a 4:3 camera frame has the background on two sides).
    The animal is a warm light colour on a dark blue-grey background.
    """
    from PIL import Image

    image = np.asarray(image)
    if image.shape not in ((28, 28), (28, 28, 1)) or image.dtype != np.uint8:
        raise CourseInputError(
            f"Expected one uint8 image of shape (28, 28) or (28, 28, 1); "
            f"got {image.dtype} {image.shape}."
        )
    height, width = height or size, width or size
    if min(height, width) < size:
        raise CourseInputError(f"Expected a frame of at least {size}x{size} around the animal; "
                               f"got height {height} and width {width}.")
    mask = np.zeros((height, width, 1), dtype=np.float32)
    top, left = (height - size) // 2, (width - size) // 2
    small = Image.fromarray(image.reshape(28, 28)).resize((size, size), Image.BILINEAR)
    mask[top:top + size, left:left + size, 0] = np.asarray(small, dtype=np.float32) / 255.0
    background = np.array([30.0, 34.0, 48.0])
    foreground = np.array([250.0, 244.0, 226.0])
    rng = np.random.default_rng(seed)
    frame = background * (1 - mask) + foreground * mask + rng.normal(0, 4.0, (height, width, 3))
    return np.clip(frame, 0, 255).astype(np.uint8)
