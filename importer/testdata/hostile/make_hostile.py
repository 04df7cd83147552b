#!/usr/bin/python3
"""Writes the small hostile (and two awkward but valid) ONNX files of this
folder, each a few KB or less, for importer's, runtime's and cli's tests.

Rerun from the repo root:  /usr/bin/python3 importer/testdata/hostile/make_hostile.py
(onnx 1.12, numpy; deterministic). Each file lies about sizes or asks for
more than any budget, and cxray must refuse it with one line, before
allocating what it asks for:

  huge_pad.onnx          Pad "pad1" grows 1x3x8x8 by 100000 on each side of H and W (480 GB)
  huge_conv_pads.onnx    Conv "conv1" with pads of 100000 (a 64x200002x200002 output)
  huge_input_dim.onnx    input declared N x 3 x 100000 x 100000, then Relu
  short_raw_data.onnx    initializer "fc.w" declared 10x784 FLOAT with 16 bytes of raw_data
  dims_overflow.onnx     initializer "big" with dims 2^40 x 2^40 (the product overflows int64)
  external_dotdot.onnx   initializer "fc.w" with external data at ../outside.bin
  external_absolute.onnx initializer "fc.w" with external data at /etc/passwd
  external_link.onnx     initializer "fc.w" with external data at link.bin (the test makes
                         link.bin a symlink to a file outside the folder)
  input_int64.onnx       the data input declared INT64 (token ids)
  input_double.onnx      the data input declared DOUBLE
  input_string.onnx      the data input declared STRING
  concat_dead_end.onnx   a LeNet-sized classifier beside a dead-end branch of Concats that
                         needs 822 MB for one sample and 51 GB for a batch of 64
  truncated.onnx         a valid model cut in half
  random.onnx            4 KB of seeded random bytes

and valid files that must load, run and give the right numbers:

  bool_constant.onnx     x * Cast(Constant BOOL mask) on N x 784, then Gemm to 10
  identity_init.onnx     Gemm whose bias is Identity(initializer), as torch exports
                         identical parameters at initialization
  external_ok.onnx       Gemm whose weight is external data in external_ok.bin
  dtypes.onnx            one initializer per element type cxray reads, in raw_data and in
                         the typed fields, and an unused STRING one; dtypes.json holds
                         onnx.numpy_helper.to_array's values of each, as float64
  string_used.onnx       a node that reads a STRING initializer

bool_constant.json and identity_init.json hold each model's output on the
input x[i, j] = ((784 i + j) mod 17) / 17, i < 3, computed in float64 by numpy.
"""
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(0)


def save(name, nodes, inputs, outputs, inits=(), opset=13, check=True):
    g = helper.make_graph(nodes, name.split(".")[0], inputs, outputs, list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)], producer_name="make_hostile")
    m.ir_version = 7
    if check:
        onnx.checker.check_model(m)
    path = os.path.join(HERE, name)
    with open(path, "wb") as f:
        f.write(m.SerializeToString())
    print("%-24s %6d bytes" % (name, os.path.getsize(path)))
    return m


def vi(name, dims, elem=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, elem, dims)


def image_in(c=1, h=28, w=28):
    return vi("input", ["batch", c, h, w])


def flat_in():
    return vi("input", ["batch", 784])


def gemm_w():
    return numpy_helper.from_array(rng.standard_normal((10, 784)).astype(np.float32) * 0.05, "fc.w")


def gemm_b():
    return numpy_helper.from_array(rng.standard_normal(10).astype(np.float32), "fc.b")


def gemm_node(x="input"):
    return helper.make_node("Gemm", [x, "fc.w", "fc.b"], ["output"], name="fc", transB=1)


out10 = vi("output", ["batch", 10])

# Huge shapes.
pads = numpy_helper.from_array(np.array([0, 0, 100000, 100000, 0, 0, 100000, 100000], np.int64), "pads")
save("huge_pad.onnx", [helper.make_node("Pad", ["input", "pads"], ["padded"], name="pad1")],
     [vi("input", ["batch", 3, 8, 8])], [vi("padded", ["batch", 3, 200008, 200008])], [pads])

w = numpy_helper.from_array(rng.standard_normal((64, 1, 3, 3)).astype(np.float32), "conv1.w")
save("huge_conv_pads.onnx",
     [helper.make_node("Conv", ["input", "conv1.w"], ["conv"], name="conv1", kernel_shape=[3, 3],
                       pads=[100000, 100000, 100000, 100000])],
     [image_in()], [vi("conv", ["batch", 64, 200026, 200026])], [w])

save("huge_input_dim.onnx", [helper.make_node("Relu", ["input"], ["output"], name="relu1")],
     [vi("input", ["batch", 3, 100000, 100000])], [vi("output", ["batch", 3, 100000, 100000])])

# Sizes that lie.
def lying(name, dims):
    """A FLOAT tensor of 16 bytes of raw_data whose dims then claim more."""
    t = helper.make_tensor(name, TensorProto.FLOAT, [4], vals=b"\0" * 16, raw=True)
    del t.dims[:]
    t.dims.extend(dims)
    return t


short = lying("fc.w", [10, 784])
save("short_raw_data.onnx", [gemm_node()], [flat_in()], [out10], [short, gemm_b()], check=False)

big = lying("big", [1 << 40, 1 << 40])
save("dims_overflow.onnx", [helper.make_node("Add", ["input", "big"], ["output"], name="add")],
     [flat_in()], [vi("output", ["batch", 784])], [big], check=False)


def external(name, location, length=10 * 784 * 4):
    t = TensorProto(name="fc.w", data_type=TensorProto.FLOAT, dims=[10, 784])
    t.data_location = TensorProto.EXTERNAL
    for k, v in (("location", location), ("offset", "0"), ("length", str(length))):
        e = t.external_data.add()
        e.key, e.value = k, v
    save(name, [gemm_node()], [flat_in()], [out10], [t, gemm_b()], check=False)


external("external_dotdot.onnx", "../outside.bin")
external("external_absolute.onnx", "/etc/passwd")
external("external_link.onnx", "link.bin")
external("external_ok.onnx", "external_ok.bin")
weights = rng.standard_normal((10, 784)).astype(np.float32) * 0.05
with open(os.path.join(HERE, "external_ok.bin"), "wb") as f:
    f.write(weights.astype("<f4").tobytes())

# Inputs cxray cannot feed.
for elem, suffix in ((TensorProto.INT64, "int64"), (TensorProto.DOUBLE, "double"), (TensorProto.STRING, "string")):
    nodes = [helper.make_node("Identity", ["input"], ["output"], name="id")]
    save("input_%s.onnx" % suffix, nodes, [vi("input", ["batch", 784], elem)], [vi("output", ["batch", 784], elem)])

# A dead-end branch: three Concats of 64 copies each, 64^3 x 784 floats per sample.
nodes = [helper.make_node("Flatten", ["input"], ["flat"], name="flatten"), gemm_node("flat")]
prev = "input"
for i in range(1, 4):
    nodes.append(helper.make_node("Concat", [prev] * 64, ["cat%d" % i], name="cat%d" % i, axis=1))
    prev = "cat%d" % i
save("concat_dead_end.onnx", nodes, [image_in()], [out10], [gemm_w(), gemm_b()])

# Not ONNX at all.
good = save("valid_small.onnx", [gemm_node()], [flat_in()], [out10], [gemm_w(), gemm_b()])
data = good.SerializeToString()
with open(os.path.join(HERE, "truncated.onnx"), "wb") as f:
    f.write(data[: len(data) // 2])
os.remove(os.path.join(HERE, "valid_small.onnx"))
with open(os.path.join(HERE, "random.onnx"), "wb") as f:
    f.write(np.random.default_rng(1).integers(0, 256, 4096, dtype=np.uint8).tobytes())

# Valid: a BOOL constant, and an Identity of an initializer, with numpy's
# float64 outputs on a fixed input.
def reference(name, f):
    x = (np.arange(3 * 784).reshape(3, 784) % 17) / 17.0
    with open(os.path.join(HERE, name), "w") as fh:
        json.dump({"input": "x[i, j] = ((784 i + j) mod 17) / 17", "output": f(x).tolist()}, fh)


def arr(t):
    return numpy_helper.to_array(t).astype(np.float64)


mask = rng.random(784) < 0.5
w, b = gemm_w(), gemm_b()
save("bool_constant.onnx",
     [helper.make_node("Constant", [], ["mask"], name="mask", value=numpy_helper.from_array(mask, "mask")),
      helper.make_node("Cast", ["mask"], ["maskf"], name="cast", to=TensorProto.FLOAT),
      helper.make_node("Mul", ["input", "maskf"], ["masked"], name="mul"),
      gemm_node("masked")],
     [flat_in()], [out10], [w, b])
reference("bool_constant.json", lambda x: (x * mask) @ arr(w).T + arr(b))

w = gemm_w()
b0 = numpy_helper.from_array(np.ones(10, np.float32), "fc.b0")
save("identity_init.onnx",
     [helper.make_node("Identity", ["fc.b0"], ["fc.b"], name="dedup"), gemm_node()],
     [flat_in()], [out10], [w, b0])
reference("identity_init.json", lambda x: x @ arr(w).T + arr(b0))

# Every element type, raw and in the typed fields.
TYPES = {
    "FLOAT": np.float32, "DOUBLE": np.float64, "FLOAT16": np.float16,
    "INT8": np.int8, "INT16": np.int16, "INT32": np.int32, "INT64": np.int64,
    "UINT8": np.uint8, "UINT16": np.uint16, "UINT32": np.uint32, "UINT64": np.uint64, "BOOL": np.bool_,
}
inits, expect = [], {}
for tname, dt in TYPES.items():
    if dt == np.bool_:
        v = rng.random(6) < 0.5
    elif np.issubdtype(dt, np.floating):
        v = np.array([0.0, -0.0, 1.5, -2.25e-3, 6.1e-5, 3.0e4], dt)  # FLOAT16 has a subnormal at 6.1e-5/2
        if dt == np.float16:
            v = np.append(v[:5], np.float16(3e-6))  # a float16 subnormal
    else:
        info = np.iinfo(dt)
        top = min(int(info.max), 2**63 - 1)  # cxray refuses UINT64 values past int64
        v = np.array([info.min, top, 0, 1, top // 3, info.min // 3 if info.min else 7], dt)
    for raw in (True, False):
        name = "%s_%s" % (tname.lower(), "raw" if raw else "field")
        t = numpy_helper.from_array(v.reshape(2, 3), name)
        if not raw:
            # numpy_helper writes raw_data; move the values to the typed field.
            t = helper.make_tensor(name, t.data_type, [2, 3], v.reshape(-1).tolist(), raw=False)
        inits.append(t)
        expect[name] = {"type": tname, "shape": [2, 3], "values": [float(a) for a in arr(t).reshape(-1)]}
bf = helper.make_tensor("bfloat16_field", TensorProto.BFLOAT16, [4], [1.0, -2.5, 3.140625, 1e-38])
inits.append(bf)
expect["bfloat16_field"] = {"type": "BFLOAT16", "shape": [4], "values": [float(a) for a in arr(bf)]}
strs = helper.make_tensor("strings", TensorProto.STRING, [2], [b"a", b"bc"])
inits.append(strs)
save("dtypes.onnx", [helper.make_node("Relu", ["input"], ["output"], name="relu")],
     [flat_in()], [vi("output", ["batch", 784])], inits)
with open(os.path.join(HERE, "dtypes.json"), "w") as fh:
    json.dump(expect, fh, indent=0)
save("string_used.onnx", [helper.make_node("Identity", ["strings"], ["s2"], name="dedup"),
                          helper.make_node("Concat", ["input", "s2"], ["output"], name="cat", axis=1)],
     [flat_in()], [vi("output", ["batch", 786])], [strs], check=False)
