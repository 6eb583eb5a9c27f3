"""The hand-made inputs of tests/data/fuzz (the other files there are fuzz finds, kept as found).
Run with /usr/bin/python3 from this folder; fuzz_replay replays them in every build.

- add_shape_of_scalar_and_vector.onnx: a checker-valid model whose Add broadcasts Shape(scalar)
  (int64[0]) with Shape(1-D) (int64[1]); ONNX 1.12's data propagation read element 0 of the
  empty one (SIGSEGV in 'netfold-cli info').
- constantofshape_rank_2e40_o17/o21.onnx: ConstantOfShape whose shape input is declared
  int64[2^40]; inference built a 2^40-dim output shape (ONNX's function at 17, netfold's rule at
  21) until memory ran out.
"""
import onnx
from onnx import TensorProto as T
from onnx import helper as h

g = h.make_graph([h.make_node("Shape", ["S"], ["a"]), h.make_node("Shape", ["V"], ["b"]),
                  h.make_node("Add", ["a", "b"], ["c"])], "g",
                 [h.make_tensor_value_info("S", T.FLOAT, []), h.make_tensor_value_info("V", T.FLOAT, [3])],
                 [h.make_tensor_value_info("c", T.INT64, [0])])
m = h.make_model(g, opset_imports=[h.make_opsetid("", 17)])
onnx.checker.check_model(m, full_check=True)
onnx.save(m, "add_shape_of_scalar_and_vector.onnx")

for opset in (17, 21):
    g = h.make_graph([h.make_node("ConstantOfShape", ["s"], ["y"])], "g",
                     [h.make_tensor_value_info("s", T.INT64, [1 << 40])], [h.make_tensor_value_info("y", T.FLOAT, None)])
    onnx.save(h.make_model(g, opset_imports=[h.make_opsetid("", opset)]), f"constantofshape_rank_2e40_o{opset}.onnx")
