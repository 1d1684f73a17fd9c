"""Stage 6 for Core ML on Linux: a Core ML ML program's accuracy, measured with its own weights.

Core ML runs models only on Apple systems, but what weight compression does to accuracy
is in the weights, and those can be read anywhere. This module walks the program's ops
(the MIL program coremltools builds) and computes each one with TensorFlow, using the
weights exactly as the package stores them, decompressed by coremltools (8-bit linear,
palettized, sparse). The numbers are the package's own weights run in the same network in
float32, not Core ML's runtime (which computes in float16 on the GPU and Neural Engine):
call them that. The float16 program agrees with the Keras model on nearly every image,
which validates the method (tests/code/test_mlprogram.py).

Only the ops a converted image classifier of this course uses are implemented; any other
op raises an error that names it.
"""
import numpy as np

from course_lib.errors import CourseInputError


# Activations are kept as TensorFlow tensors. The program is written for NCHW (channels
# first); TensorFlow's CPU convolutions want NHWC, so a 4-D activation is stored as NHWC
# (flag True) and turned back to NCHW only where an op needs the program's own axes.
def _logical(tf, tensor, nhwc):
    return tf.transpose(tensor, (0, 3, 1, 2)) if nhwc else tensor


def _conv(tf, x, nhwc, weight, bias, strides, pad_type, groups, dilations):
    if pad_type not in ("same", "valid") or tuple(int(d) for d in dilations) != (1, 1):
        raise CourseInputError(f"conv with pad_type={pad_type!r}, dilations={tuple(dilations)} "
                               "is not supported here (only 'same'/'valid', no dilation).")
    x = x if nhwc else tf.transpose(x, (0, 2, 3, 1))
    strides = (1, *(int(s) for s in strides), 1)
    if groups == 1:
        out = tf.nn.conv2d(x, np.transpose(weight, (2, 3, 1, 0)), strides, pad_type.upper())
    elif groups == x.shape[-1] and weight.shape[1] == 1:  # depthwise
        out = tf.nn.depthwise_conv2d(x, np.transpose(weight, (2, 3, 0, 1)), strides, pad_type.upper())
    else:
        raise CourseInputError(f"grouped conv with {groups} groups is not supported here.")
    return out if bias is None else out + bias


def _run_op(tf, op, value, x, nhwc):
    """(output, stored as NHWC?) of one op; ``value(name)`` reads a constant input, ``x``
    is the op's activation input ("x") as stored."""
    kind = op.op_type
    if kind == "mul":
        return x * value("y"), nhwc
    if kind == "cast":          # float16 <-> float32: computed in float32 here
        return tf.cast(x, tf.float32), nhwc
    if kind == "relu6":
        return tf.clip_by_value(x, 0.0, 6.0), nhwc
    if kind == "relu":
        return tf.nn.relu(x), nhwc
    if kind == "conv":
        return _conv(tf, x, nhwc, value("weight"), value("bias"), value("strides"),
                     str(value("pad_type")), int(value("groups")), value("dilations")), True
    perm = tuple(int(p) for p in value("perm")) if kind == "transpose" else None
    if kind == "transpose" and nhwc and perm == (0, 2, 3, 1):
        return x, False            # NCHW -> NHWC: already stored that way
    x = _logical(tf, x, nhwc)
    if kind == "transpose":
        return tf.transpose(x, perm), False
    if kind == "reduce_mean":
        axes = [int(a) for a in value("axes")]
        return tf.reduce_mean(x, axis=axes, keepdims=bool(value("keep_dims"))), False
    if kind == "linear":
        out = tf.matmul(x, value("weight"), transpose_b=True)
        return (out if value("bias") is None else out + value("bias")), False
    if kind == "softmax":
        return tf.nn.softmax(x, axis=int(value("axis"))), False
    raise CourseInputError(f"The program uses the op {kind!r}, which this module does not "
                           "compute (it covers the ops of the course's classifier).")


def mil_program(mlmodel):
    """The MIL program of an MLModel made in this process (by ct.convert or a
    coremltools.optimize.coreml function), weights included."""
    # _mil_program is private. The public get_spec() describes the same program, but leaves
    # the weight values in the package's weight file, and coremltools has no public reader
    # for it (decompress_weights, public, also returns a spec-backed model).
    program = getattr(mlmodel, "_mil_program", None)
    if program is None:
        raise CourseInputError(
            "This MLModel carries no MIL program (it was loaded from disk). Pass the model "
            "returned by coremltools.convert or by a coremltools.optimize.coreml function.")
    return program


def probabilities(mlmodel, images, batch_size=100):
    """Class probabilities (float32, N x classes) of a Core ML classifier's ML program for
    uint8 grayscale images (N, 28, 28) or (N, 28, 28, 1), computed with the package's own
    (decompressed) weights. Columns follow the classifier's labels."""
    from course_lib.quiet import import_tensorflow

    program = mil_program(mlmodel)
    tf = import_tensorflow()
    function = program.functions["main"]
    (input_name, input_var), = function.inputs.items()
    images = np.asarray(images)
    if images.dtype != np.uint8:
        raise CourseInputError(f"Expected uint8 pixels 0-255 (the image input scales them itself); "
                               f"got {images.dtype}.")
    channels, height, width = input_var.shape[1:]  # the program's NCHW image input
    if len(images) == 0 or images[0].size != height * width * channels:
        raise CourseInputError(f"Expected images of {height}x{width} pixels, {channels} channel(s): "
                               f"shape (N, {height}, {width}) or (N, {height}, {width}, {channels}); "
                               f"got {images.shape}.")
    images = images.reshape(len(images), height, width, channels).astype(np.float32)
    constant = {}  # weights and decompressed weights, as float32 arrays, made once
    return np.concatenate([_run_program(tf, function, input_name, images[start:start + batch_size],
                                        constant)
                           for start in range(0, len(images), batch_size)])


def _run_program(tf, function, input_name, images, constant):
    values = {input_name: (tf.constant(images), True)}

    def reader(op):
        def value(name):
            var = op.inputs.get(name)
            if var is None:
                return None
            if var.name in constant:
                return constant[var.name]
            val = var.val  # a constant: weights are stored in float16
            if isinstance(val, np.ndarray) and np.issubdtype(val.dtype, np.floating):
                return val.astype(np.float32)
            return val
        return value

    for op in function.operations:
        name = op.outputs[0].name
        if op.op_type == "const":
            continue
        if op.op_type.startswith("constexpr_"):  # a compressed weight, decompressed
            if name not in constant:
                constant[name] = np.asarray(op.materialized_val_inference(), np.float32)
        elif op.op_type == "classify":
            probs, nhwc = values[op.inputs["probabilities"].name]
            return _logical(tf, probs, nhwc).numpy().astype(np.float32)
        else:
            x, nhwc = values[op.inputs["x"].name]
            values[name] = _run_op(tf, op, reader(op), x, nhwc)
    raise CourseInputError("This ML program is not a classifier (no classify op).")
