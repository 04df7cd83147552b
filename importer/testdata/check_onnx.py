"""Check ONNX files written by importer.Encode with the onnx package.

Usage: /usr/bin/python3 check_onnx.py FILE.onnx...

For each file, print one JSON object per line:

  path       the file
  checker    "ok", or the error of onnx.checker.check_model(full_check=True)
  canonical  whether onnx re-serializes the loaded model to the same bytes
  infer      "ok", or the error of strict shape inference run with the
             graph outputs' declared shapes removed
  shapes     the shapes that inference found for every node output, by
             tensor name: a list of ints (fixed sizes) and strings
             (symbolic ones), or null when inference gave no shape

Exit status 0 when every file could be read, 2 on usage errors.
"""

import json
import sys

import onnx
import onnx.checker
import onnx.shape_inference


def dims(value_info):
    t = value_info.type.tensor_type
    if not t.HasField("shape"):
        return None
    out = []
    for d in t.shape.dim:
        if d.HasField("dim_value"):
            out.append(d.dim_value)
        elif d.HasField("dim_param"):
            out.append(d.dim_param)
        else:
            out.append("?")
    return out


def check(path):
    with open(path, "rb") as f:
        data = f.read()
    model = onnx.load_from_string(data)
    res = {"path": path}
    try:
        onnx.checker.check_model(model, full_check=True)
        res["checker"] = "ok"
    except Exception as e:  # the checker's own error types vary by version
        res["checker"] = "%s: %s" % (type(e).__name__, e)
    res["canonical"] = model.SerializeToString() == data

    bare = onnx.ModelProto()
    bare.CopyFrom(model)
    for o in bare.graph.output:
        o.type.tensor_type.ClearField("shape")
    try:
        inferred = onnx.shape_inference.infer_shapes(bare, check_type=True, strict_mode=True)
        res["infer"] = "ok"
        found = {}
        for vi in list(inferred.graph.value_info) + list(inferred.graph.output):
            found[vi.name] = dims(vi)
        res["shapes"] = {o: found.get(o) for n in inferred.graph.node for o in n.output if o}
    except Exception as e:
        res["infer"] = "%s: %s" % (type(e).__name__, e)
        res["shapes"] = {}
    return res


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    for path in argv[1:]:
        print(json.dumps(check(path)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
