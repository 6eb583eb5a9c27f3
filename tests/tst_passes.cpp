// Every pass on a small synthetic graph: what it removes, and that a second run changes nothing.
#include "ModelBuilder.h"
#include "TestSupport.h"

#include "eval/Evaluator.h"
#include "model/Constant.h"
#include "model/DataType.h"
#include "model/ModelIO.h"
#include "passes/Passes.h"
#include "shape/Open.h"

#include <QtTest>

#include <map>
#include <set>

#include <functional>

using namespace netfold;
using namespace netfold::test;

namespace {

using Build = std::function<ModelBuilder()>;

QString ops(const Model& m)
{
    QStringList list;
    for (const auto& n : m.graph.nodes)
        list << QString::fromStdString(n.opType);
    return list.join(",");
}

/// x -> op -> t -> Relu -> y; attrs adds attributes to the op node.
ModelBuilder unary(const char* op, std::vector<DimSpec> dims = {2, 3},
                   const std::function<void(ModelBuilder&)>& attrs = {})
{
    ModelBuilder b;
    b.input("x", dtype::Float, dims).output("y", dtype::Float);
    b.node(op, {"x"}, {"t"});
    if (attrs)
        attrs(b);
    b.node("Relu", {"t"}, {"y"});
    return b;
}

} // namespace

Q_DECLARE_METATYPE(Build)

class TestPasses : public QObject {
    Q_OBJECT
private slots:
    void pass_data();
    void pass();
    void everyPassHasDescription();
    void mayChangeIsSound();
    void constantForms();
};

void TestPasses::pass_data()
{
    QTest::addColumn<QString>("passName");
    QTest::addColumn<Build>("build");
    QTest::addColumn<QString>("opsAfter");

    QTest::newRow("nop_cast") << "eliminate_nop_cast" << Build([] {
        return unary("Cast", {2, 3}, [](ModelBuilder& b) { b.attr("to", int64_t(dtype::Float)); });
    }) << "Relu";
    QTest::newRow("cast_kept") << "eliminate_nop_cast" << Build([] {
        return unary("Cast", {2, 3}, [](ModelBuilder& b) { b.attr("to", int64_t(dtype::Double)); });
    }) << "Cast,Relu";
    QTest::newRow("nop_dropout") << "eliminate_nop_dropout" << Build([] { return unary("Dropout"); }) << "Relu";
    QTest::newRow("nop_flatten") << "eliminate_nop_flatten" << Build([] { return unary("Flatten"); }) << "Relu";
    QTest::newRow("flatten_kept") << "eliminate_nop_flatten" << Build([] { return unary("Flatten", {2, 3, 4}); })
                                  << "Flatten,Relu";
    QTest::newRow("identity") << "eliminate_identity" << Build([] { return unary("Identity"); }) << "Relu";
    QTest::newRow("nop_transpose") << "eliminate_nop_transpose" << Build([] {
        return unary("Transpose", {2, 3}, [](ModelBuilder& b) { b.attr("perm", std::vector<int64_t>{0, 1}); });
    }) << "Relu";
    QTest::newRow("transpose_kept") << "eliminate_nop_transpose" << Build([] {
        return unary("Transpose", {2, 3}, [](ModelBuilder& b) { b.attr("perm", std::vector<int64_t>{1, 0}); });
    }) << "Transpose,Relu";
    QTest::newRow("nop_concat") << "eliminate_nop_concat" << Build([] {
        return unary("Concat", {2, 3}, [](ModelBuilder& b) { b.attr("axis", int64_t(0)); });
    }) << "Relu";
    QTest::newRow("nop_pad") << "eliminate_nop_pad" << Build([] {
        ModelBuilder b;
        b.input("x", dtype::Float, {2, 3}).output("y", dtype::Float).ints("p", {4}, {0, 0, 0, 0});
        b.node("Pad", {"x", "p"}, {"t"}).node("Relu", {"t"}, {"y"});
        return b;
    }) << "Relu";
    QTest::newRow("nop_expand") << "eliminate_nop_expand" << Build([] {
        ModelBuilder b;
        b.input("x", dtype::Float, {2, 3}).output("y", dtype::Float).ints("s", {2}, {1, 3});
        b.node("Expand", {"x", "s"}, {"t"}).node("Relu", {"t"}, {"y"});
        return b;
    }) << "Relu";
    QTest::newRow("expand_kept") << "eliminate_nop_expand" << Build([] {
        ModelBuilder b;
        b.input("x", dtype::Float, {1, 3}).output("y", dtype::Float).ints("s", {2}, {2, 3});
        b.node("Expand", {"x", "s"}, {"t"}).node("Relu", {"t"}, {"y"});
        return b;
    }) << "Expand,Relu";
    QTest::newRow("nop_reshape") << "eliminate_nop_reshape" << Build([] {
        ModelBuilder b;
        b.input("x", dtype::Float, {2, 3}).output("y", dtype::Float).ints("s", {2}, {2, -1});
        b.node("Reshape", {"x", "s"}, {"t"}).node("Relu", {"t"}, {"y"});
        return b;
    }) << "Relu";
    QTest::newRow("nop_with_unit") << "eliminate_nop_with_unit" << Build([] {
        ModelBuilder b;
        b.input("x", dtype::Float, {2, 3}).output("y", dtype::Float).floats("one", {}, {1.0f});
        b.node("Mul", {"one", "x"}, {"t"}).node("Relu", {"t"}, {"y"});
        return b;
    }) << "Relu";
    QTest::newRow("unit_kept_broadcast") << "eliminate_nop_with_unit" << Build([] {
        ModelBuilder b;
        b.input("x", dtype::Float, {3}).output("y", dtype::Float).floats("zero", {2, 3}, {0, 0, 0, 0, 0, 0});
        b.node("Add", {"x", "zero"}, {"t"}).node("Relu", {"t"}, {"y"});
        return b;
    }) << "Add,Relu";
    QTest::newRow("idempotent_relu") << "eliminate_consecutive_idempotent_ops" << Build([] { return unary("Relu"); })
                                     << "Relu";
    QTest::newRow("monotone_argmax") << "eliminate_nop_monotone_argmax" << Build([] {
        ModelBuilder b;
        b.input("x", dtype::Float, {2, 3}).output("y", dtype::Int64);
        b.node("Exp", {"x"}, {"t"}).node("ArgMax", {"t"}, {"y"});
        return b;
    }) << "ArgMax";
    QTest::newRow("deadend") << "eliminate_deadend" << Build([] {
        ModelBuilder b;
        b.input("x", dtype::Float, {2, 3}).output("y", dtype::Float);
        b.node("Shape", {"x"}, {"unused"}).node("Relu", {"x"}, {"y"});
        return b;
    }) << "Relu";
    QTest::newRow("shape_op") << "eliminate_shape_op" << Build([] {
        ModelBuilder b;
        b.input("x", dtype::Float, {2, 3}).output("y", dtype::Float);
        b.node("Shape", {"x"}, {"s"}).node("Reshape", {"x", "s"}, {"y"});
        return b;
    }) << "Reshape";
    QTest::newRow("shape_op_dynamic_kept") << "eliminate_shape_op" << Build([] {
        ModelBuilder b;
        b.input("x", dtype::Float, {"batch", 3}).output("y", dtype::Float);
        b.node("Shape", {"x"}, {"s"}).node("Reshape", {"x", "s"}, {"y"});
        return b;
    }) << "Shape,Reshape";
    QTest::newRow("shape_gather_partial") << "eliminate_shape_gather" << Build([] {
        ModelBuilder b;
        b.input("x", dtype::Float, {"batch", 3}).output("y", dtype::Int64).ints("i", {}, {1});
        b.node("Shape", {"x"}, {"s"}).node("Gather", {"s", "i"}, {"g"}).node("Unsqueeze", {"g"}, {"y"});
        b.attr("axes", std::vector<int64_t>{0});
        return b;
    }) << "Unsqueeze";
    QTest::newRow("slice_after_shape") << "eliminate_slice_after_shape" << Build([] {
        ModelBuilder b(15);
        b.input("x", dtype::Float, {"batch", 3, 4}).output("y", dtype::Int64);
        b.ints("st", {1}, {1}).ints("en", {1}, {3});
        b.node("Shape", {"x"}, {"s"}).node("Slice", {"s", "st", "en"}, {"t"}).node("Identity", {"t"}, {"y"});
        return b;
    }) << "Identity";
    QTest::newRow("extract_constant") << "extract_constant_to_initializer" << Build([] {
        ModelBuilder b;
        b.input("x", dtype::Float, {2, 3}).output("y", dtype::Float);
        b.node("Constant", {}, {"c"}).attr("value", *Tensor::fromDoubles(dtype::Float, {3}, {1, 2, 3}));
        b.node("Add", {"x", "c"}, {"y"});
        return b;
    }) << "Add";
    QTest::newRow("unused_initializer") << "eliminate_unused_initializer" << Build([] {
        auto b = unary("Relu");
        b.floats("w", {2}, {1, 2});
        return b;
    }) << "Relu,Relu";
    QTest::newRow("concat_into_reshape_dynamic") << "fuse_concat_into_reshape" << Build([] {
        ModelBuilder b(15);
        b.input("x", dtype::Float, {"batch", 4, 2, 2}).output("y", dtype::Float);
        b.ints("st", {1}, {0}).ints("en", {1}, {2}).ints("m1", {1}, {-1});
        b.node("Shape", {"x"}, {"s"}).node("Slice", {"s", "st", "en"}, {"sl"});
        b.node("Concat", {"sl", "m1"}, {"shape"}).attr("axis", int64_t(0));
        b.node("Reshape", {"x", "shape"}, {"y"});
        return b;
    }) << "Reshape";
    QTest::newRow("fold_shape_chains") << "fold_shape_chains" << Build([] {
        ModelBuilder b(15);
        b.input("x", dtype::Float, {"batch", 4, 2, 2}).output("y", dtype::Float);
        b.ints("i1", {}, {1}).ints("m1", {1}, {-1});
        b.node("Shape", {"x"}, {"s"}).node("Gather", {"s", "i1"}, {"g"});
        b.node("Unsqueeze", {"g"}, {"u"}).attr("axes", std::vector<int64_t>{0});
        b.node("Concat", {"m1", "u"}, {"shape"}).attr("axis", int64_t(0));
        b.node("Reshape", {"x", "shape"}, {"y"});
        return b;
    }) << "Reshape";
    QTest::newRow("fold_constants") << "fold_constants" << Build([] {
        ModelBuilder b;
        b.input("x", dtype::Float, {2, 3}).output("y", dtype::Float);
        b.floats("a", {3}, {1, 2, 3}).floats("c", {3}, {4, 5, 6});
        b.node("Mul", {"a", "c"}, {"ac"}).node("Add", {"x", "ac"}, {"y"});
        return b;
    }) << "Add";
    QTest::newRow("consecutive_transposes") << "fuse_consecutive_transposes" << Build([] {
        ModelBuilder b;
        b.input("x", dtype::Float, {2, 3, 4}).output("y", dtype::Float);
        b.node("Transpose", {"x"}, {"t1"}).attr("perm", std::vector<int64_t>{0, 2, 1});
        b.node("Transpose", {"t1"}, {"y"}).attr("perm", std::vector<int64_t>{1, 0, 2});
        return b;
    }) << "Transpose";
    QTest::newRow("consecutive_squeezes") << "fuse_consecutive_squeezes" << Build([] {
        ModelBuilder b(11);
        b.input("x", dtype::Float, {1, 3, 1, 4}).output("y", dtype::Float);
        b.node("Squeeze", {"x"}, {"t"}).attr("axes", std::vector<int64_t>{0});
        b.node("Squeeze", {"t"}, {"y"}).attr("axes", std::vector<int64_t>{1});
        return b;
    }) << "Squeeze";
    QTest::newRow("consecutive_unsqueezes") << "fuse_consecutive_unsqueezes" << Build([] {
        ModelBuilder b(15);
        b.input("x", dtype::Float, {3, 4}).output("y", dtype::Float).ints("a0", {1}, {0}).ints("a2", {1}, {2});
        b.node("Unsqueeze", {"x", "a0"}, {"t"}).node("Unsqueeze", {"t", "a2"}, {"y"});
        return b;
    }) << "Unsqueeze";
    QTest::newRow("consecutive_concats") << "fuse_consecutive_concats" << Build([] {
        ModelBuilder b;
        b.input("x", dtype::Float, {2, 3}).output("y", dtype::Float);
        b.node("Concat", {"x", "x"}, {"t"}).attr("axis", int64_t(1));
        b.node("Concat", {"t", "x"}, {"y"}).attr("axis", int64_t(1));
        return b;
    }) << "Concat";
    QTest::newRow("log_softmax") << "fuse_consecutive_log_softmax" << Build([] {
        ModelBuilder b;
        b.input("x", dtype::Float, {2, 3}).output("y", dtype::Float);
        b.node("Softmax", {"x"}, {"t"}).node("Log", {"t"}, {"y"});
        return b;
    }) << "LogSoftmax";
    QTest::newRow("reduce_unsqueeze") << "fuse_consecutive_reduce_unsqueeze" << Build([] {
        ModelBuilder b(15);
        b.input("x", dtype::Float, {2, 3}).output("y", dtype::Float).ints("ax", {1}, {1});
        b.node("ReduceMean", {"x"}, {"t"}).attr("axes", std::vector<int64_t>{1}).attr("keepdims", int64_t(0));
        b.node("Unsqueeze", {"t", "ax"}, {"y"});
        return b;
    }) << "ReduceMean";
    QTest::newRow("matmul_add_gemm") << "fuse_matmul_add_bias_into_gemm" << Build([] {
        ModelBuilder b;
        b.input("x", dtype::Float, {2, 3}).output("y", dtype::Float);
        b.floats("w", {3, 2}, {1, 2, 3, 4, 5, 6}).floats("c", {2}, {1, 1});
        b.node("MatMul", {"x", "w"}, {"t"}).node("Add", {"t", "c"}, {"y"});
        return b;
    }) << "Gemm";
    QTest::newRow("transpose_into_gemm") << "fuse_transpose_into_gemm" << Build([] {
        ModelBuilder b;
        b.input("x", dtype::Float, {3, 2}).output("y", dtype::Float).floats("w", {3, 2}, {1, 2, 3, 4, 5, 6});
        b.node("Transpose", {"x"}, {"t"}).attr("perm", std::vector<int64_t>{1, 0});
        b.node("Gemm", {"t", "w"}, {"y"});
        return b;
    }) << "Gemm";
    QTest::newRow("add_bias_into_conv") << "fuse_add_bias_into_conv" << Build([] {
        ModelBuilder b;
        b.input("x", dtype::Float, {1, 1, 3, 3}).output("y", dtype::Float);
        b.floats("w", {2, 1, 1, 1}, {1, 2}).floats("bias", {2, 1, 1}, {0.5f, -0.5f});
        b.node("Conv", {"x", "w"}, {"c"}).node("Add", {"c", "bias"}, {"y"});
        return b;
    }) << "Conv";
    QTest::newRow("bn_into_conv") << "fuse_bn_into_conv" << Build([] {
        ModelBuilder b;
        b.input("x", dtype::Float, {1, 1, 3, 3}).output("y", dtype::Float);
        b.floats("w", {2, 1, 1, 1}, {1, 2}).floats("s", {2}, {1, 2}).floats("bb", {2}, {0, 1});
        b.floats("m", {2}, {0.5f, 0.1f}).floats("v", {2}, {1, 4});
        b.node("Conv", {"x", "w"}, {"c"}).node("BatchNormalization", {"c", "s", "bb", "m", "v"}, {"y"});
        return b;
    }) << "Conv";
    QTest::newRow("pad_into_conv") << "fuse_pad_into_conv" << Build([] {
        ModelBuilder b;
        b.input("x", dtype::Float, {1, 1, 3, 3}).output("y", dtype::Float);
        b.floats("w", {1, 1, 1, 1}, {2}).ints("p", {8}, {0, 0, 1, 1, 0, 0, 1, 1});
        b.node("Pad", {"x", "p"}, {"t"}).node("Conv", {"t", "w"}, {"y"});
        return b;
    }) << "Conv";
    QTest::newRow("pad_into_avgpool") << "fuse_pad_into_pool" << Build([] {
        ModelBuilder b;
        b.input("x", dtype::Float, {1, 1, 3, 3}).output("y", dtype::Float).ints("p", {8}, {0, 0, 1, 1, 0, 0, 1, 1});
        b.node("Pad", {"x", "p"}, {"t"}).node("AveragePool", {"t"}, {"y"}).attr("kernel_shape", std::vector<int64_t>{2, 2});
        return b;
    }) << "AveragePool";
    QTest::newRow("consecutive_slices") << "fuse_consecutive_slices" << Build([] {
        ModelBuilder b(15);
        b.input("x", dtype::Float, {4, 4}).output("y", dtype::Float);
        b.ints("s0", {1}, {1}).ints("e0", {1}, {3}).ints("a0", {1}, {0}).ints("a1", {1}, {1});
        b.node("Slice", {"x", "s0", "e0", "a0"}, {"t"}).node("Slice", {"t", "s0", "e0", "a1"}, {"y"});
        return b;
    }) << "Slice";
    QTest::newRow("cse") << "eliminate_common_subexpression" << Build([] {
        ModelBuilder b;
        b.input("x", dtype::Float, {2}).output("y", dtype::Float);
        b.node("Relu", {"x"}, {"a"}).node("Relu", {"x"}, {"b"}).node("Add", {"a", "b"}, {"y"});
        return b;
    }) << "Relu,Add";
    QTest::newRow("qkv") << "fuse_qkv" << Build([] {
        ModelBuilder b(15);
        b.input("x", dtype::Float, {2, 2}).output("q", dtype::Float).output("k", dtype::Float).output("v", dtype::Float);
        b.floats("wq", {2, 2}, {1, 2, 3, 4}).floats("wk", {2, 3}, {1, 2, 3, 4, 5, 6}).floats("wv", {2, 1}, {1, 2});
        b.node("MatMul", {"x", "wq"}, {"q"}).node("MatMul", {"x", "wk"}, {"k"}).node("MatMul", {"x", "wv"}, {"v"});
        return b;
    }) << "MatMul,Split";
    QTest::newRow("duplicate_initializer") << "eliminate_duplicate_initializer" << Build([] {
        ModelBuilder b;
        b.input("x", dtype::Float, {2}).output("y", dtype::Float);
        b.floats("a", {2}, {1, 2}).floats("b", {2}, {1, 2});
        b.node("Add", {"x", "a"}, {"t"}).node("Mul", {"t", "b"}, {"y"});
        return b;
    }) << "Add,Mul";
    QTest::newRow("if_const_cond") << "eliminate_if_with_const_cond" << Build([] {
        ModelBuilder thenB;
        thenB.output("t_out", dtype::Float);
        thenB.node("Relu", {"x"}, {"t_out"});
        ModelBuilder elseB;
        elseB.output("e_out", dtype::Float);
        elseB.node("Neg", {"x"}, {"e_out"});
        ModelBuilder b;
        b.input("x", dtype::Float, {2}).output("y", dtype::Float);
        b.initializer("cond", *Tensor::fromDoubles(dtype::Bool, {}, {1}));
        b.node("If", {"cond"}, {"y"}).attrGraph("then_branch", thenB.graph()).attrGraph("else_branch", elseB.graph());
        return b;
    }) << "Relu";
}

void TestPasses::pass()
{
    QFETCH(QString, passName);
    QFETCH(Build, build);
    QFETCH(QString, opsAfter);
    auto p = passByName(passName.toStdString());
    QVERIFY2(p, qPrintable("no pass " + passName));
    const Model model = build().build();
    const PassResult first = p->run(model);
    QCOMPARE(ops(first.model), opsAfter);
    const bool expectChange = ops(model) != opsAfter || passName.contains("initializer");
    QCOMPARE(!first.changes.empty(), expectChange);
    // The pipeline skips a pass whose mayChange says no: it must not say so here.
    if (expectChange)
        QVERIFY2(p->mayChange(model), "mayChange is false on a model the pass changes");
    // A second run on its own output changes nothing.
    const PassResult second = p->run(first.model);
    QVERIFY2(second.changes.empty(), qPrintable(QString::fromStdString(second.changes.toJson().dump())));
    // The result is still a valid graph.
    Model copy = first.model;
    validateGraph(copy.graph);
}

void TestPasses::everyPassHasDescription()
{
    auto all = passes::optimizerPasses();
    QVERIFY(!all.empty());
    std::set<std::string> names;
    for (const auto& p : all) {
        const PassInfo info = p->info();
        QVERIFY(!info.name.empty());
        QVERIFY2(names.insert(info.name).second, info.name.c_str()); // registered once
        QVERIFY2(info.description.find("Before:") != std::string::npos, info.name.c_str());
        QVERIFY2(info.description.find("After:") != std::string::npos, info.name.c_str());
    }
}

// The pipeline skips a pass (and the copy of the model it makes) when mayChange says it cannot
// change the model. On every model of tests/data that loads (real exports, fusion and opset
// fixtures, fuzz finds), a pass saying so must indeed change nothing; and the op-keyed passes
// must say so somewhere, or the skip would never happen.
void TestPasses::mayChangeIsSound()
{
    auto all = passes::optimizerPasses();
    all.push_back(passes::foldConstants());
    std::map<std::string, int> skipped;
    int models = 0;
    QDirIterator it(dataPath(""), {"*.onnx"}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (QFileInfo(path).size() > (4 << 20))
            continue;
        Model model;
        try {
            model = openModel(path.toStdString());
        } catch (const std::exception&) {
            continue; // a hostile or bad file: refused before any pass
        }
        ++models;
        PassOptions options;
        options.foldSeconds = 1;
        for (const auto& p : all) {
            if (p->mayChange(model))
                continue;
            ++skipped[p->info().name];
            PassResult r;
            try {
                r = p->run(model, options);
            } catch (const std::exception&) {
                continue;
            }
            QVERIFY2(r.changes.empty(), qPrintable(path + ": " + QString::fromStdString(p->info().name)
                                                   + " changed a model its mayChange ruled out"));
        }
    }
    QVERIFY2(models > 50, qPrintable(QString::number(models)));
    for (const char* name : {"fuse_bn_into_conv", "eliminate_nop_pad", "fuse_attention", "extract_constant_to_initializer",
                             "fuse_concat_into_reshape"})
        QVERIFY2(skipped[name] > 0, name);
}

// Every form of a Constant's value (value, value_float(s), value_int(s), value_string(s)) is
// read the same way by the evaluator and by folding: extracted as an initializer holding what
// the Constant kernel computes.
void TestPasses::constantForms()
{
    ModelBuilder b;
    b.node("Constant", {}, {"c_value"}).attr("value", *Tensor::int64Vector({4, 5}));
    b.node("Constant", {}, {"c_float"}).attr("value_float", 2.5f);
    b.node("Constant", {}, {"c_floats"}).attrFloats("value_floats", {1.5f, -2});
    b.node("Constant", {}, {"c_int"}).attr("value_int", int64_t(7));
    b.node("Constant", {}, {"c_ints"}).attr("value_ints", std::vector<int64_t>{3, 1});
    b.node("Constant", {}, {"c_string"}).attr("value_string", std::string("hi"));
    auto& strings = *b.proto().mutable_graph()->add_node();
    strings.set_op_type("Constant");
    strings.add_output("c_strings");
    auto* a = strings.add_attribute();
    a->set_name("value_strings");
    a->set_type(onnx::AttributeProto::STRINGS);
    a->add_strings("a");
    a->add_strings("bc");
    const std::vector<std::string> names = {"c_value", "c_float", "c_floats", "c_int", "c_ints", "c_string", "c_strings"};
    for (const auto& n : names) {
        b.node("Identity", {n}, {n + "_out"});
        b.output(n + "_out");
    }
    const Model model = b.build();
    const PassResult extracted = passByName("extract_constant_to_initializer")->run(model);
    for (const auto& n : names) {
        const Node* node = nullptr;
        for (const auto& candidate : model.graph.nodes)
            if (!candidate.outputs.empty() && candidate.outputs[0] == n)
                node = &candidate;
        QVERIFY2(node, n.c_str());
        const TensorPtr value = constantValue(*node);
        QVERIFY2(value, n.c_str());
        const TensorPtr computed = evaluateNode(*node, {}, 15).at(0);
        QVERIFY2(computed->sameContent(*value), n.c_str());
        const Initializer* init = extracted.model.graph.findInitializer(n);
        QVERIFY2(init, n.c_str());
        QVERIFY2(init->tensor->sameContent(*value), n.c_str());
    }
    QCOMPARE(constantValue(model.graph.nodes.back()), TensorPtr());
}

QTEST_GUILESS_MAIN(TestPasses)
#include "tst_passes.moc"
