// The simplification pipeline on real PyTorch exports.
#include "ModelBuilder.h"
#include "TestSupport.h"

#include "model/DataType.h"

#include "util/Error.h"
#include "diff/Provenance.h"
#include "model/ModelIO.h"
#include "shape/Open.h"
#include "passes/Pipeline.h"

#include <QtTest>

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

using namespace netfold;
using namespace netfold::test;

namespace {

Model load(const QString& name) { return openModel(dataPath(name).toStdString()); }

const Node* findOp(const Model& m, const std::string& op)
{
    for (const auto& n : m.graph.nodes)
        if (n.opType == op)
            return &n;
    return nullptr;
}

} // namespace

class TestPipeline : public QObject {
    Q_OBJECT
private slots:
    void seedStaticFoldsTo8();
    void seedDynamicLosesShapeChain();
    void seedViewDynamic();
    void batchNormFusesIntoConv();
    void stepBackRestoresExactly();
    void provenanceLinksFoldedNodes();
    void provenanceInsideBodies();
    void disabledPassIsNotRun();
    void noPassRunsTwiceOnOneSnapshot();
    void skipConstantFolding();
    void overwriteInputShape();
    void subgraphsAreSimplified();
    void opset21StillSimplifies();
    void cascadingShapeChainsFold();
    void slowFoldIsKeptAtTheTimeCap();
    void cancelStopsAFoldInsideAStep();
};

void TestPipeline::seedStaticFoldsTo8()
{
    Pipeline p(load("seed_static.onnx"));
    p.runToFixedPoint();
    const Model& m = p.current();
    QCOMPARE(m.graph.nodes.size(), std::size_t(8));
    for (const char* op : {"Shape", "Slice", "Concat", "Constant"})
        QCOMPARE(opCount(m, op), 0);
    const Node* reshape = findOp(m, "Reshape");
    QVERIFY(reshape);
    const Initializer* shape = m.graph.findInitializer(reshape->input(1));
    QVERIFY2(shape, "Reshape's shape is a constant");
    QCOMPARE(shape->tensor->toInt64(), (std::vector<int64_t>{1, 64, -1}));
    QVERIFY(p.atFixedPoint());
    QVERIFY(!p.stepForward());
}

void TestPipeline::seedDynamicLosesShapeChain()
{
    Pipeline p(load("seed_dynamic.onnx"));
    p.runToFixedPoint();
    const Model& m = p.current();
    QCOMPARE(opCount(m, "Shape"), 0);
    QCOMPARE(opCount(m, "Slice"), 0);
    QCOMPARE(opCount(m, "Concat"), 0);
    QCOMPARE(m.graph.nodes.size(), std::size_t(8));
    const Node* reshape = findOp(m, "Reshape");
    QVERIFY(reshape);
    const Initializer* shape = m.graph.findInitializer(reshape->input(1));
    QVERIFY(shape);
    QCOMPARE(shape->tensor->toInt64(), (std::vector<int64_t>{0, 64, -1}));
}

void TestPipeline::seedViewDynamic()
{
    Pipeline p(load("seed_view.onnx"));
    p.runToFixedPoint();
    const Model& m = p.current();
    QCOMPARE(opCount(m, "Shape"), 0);
    QCOMPARE(opCount(m, "Gather"), 0);
    QVERIFY(m.graph.nodes.size() <= 8);
}

void TestPipeline::batchNormFusesIntoConv()
{
    const Model original = load("seed_bn_stats.onnx");
    QVERIFY(opCount(original, "BatchNormalization") > 0);
    Pipeline p(original);
    p.runToFixedPoint();
    QCOMPARE(opCount(p.current(), "BatchNormalization"), 0);
    bool fused = false;
    for (const auto& s : p.steps())
        for (const auto& r : s.changes.removed)
            fused = fused || (r.opType == "BatchNormalization" && r.fate == Fate::Fused && r.into != kNoNode);
    QVERIFY(fused);

    PipelineOptions skip;
    skip.skip.insert("fuse_bn_into_conv");
    Pipeline q(original, skip);
    q.runToFixedPoint();
    QCOMPARE(opCount(q.current(), "BatchNormalization"), opCount(original, "BatchNormalization"));
}

void TestPipeline::stepBackRestoresExactly()
{
    Pipeline p(load("seed_static.onnx"));
    const std::string start = modelToBytes(p.current());
    QVERIFY(p.stepForward());
    const std::string afterOne = modelToBytes(p.current());
    QVERIFY(afterOne != start);
    QVERIFY(p.stepForward());
    QVERIFY(p.stepBack());
    QCOMPARE(modelToBytes(p.current()), afterOne);
    QVERIFY(p.stepBack());
    QCOMPARE(modelToBytes(p.current()), start);
    QVERIFY(!p.stepBack());
    // Redo gives the same steps.
    QVERIFY(p.stepForward());
    QCOMPARE(modelToBytes(p.current()), afterOne);
    p.runToFixedPoint();
    const std::size_t steps = p.position();
    p.reset();
    QCOMPARE(p.position(), std::size_t(0));
    p.runToFixedPoint();
    QCOMPARE(p.position(), steps);
    // Seeking moves between computed steps only, and computes nothing.
    QVERIFY(p.seek(1));
    QCOMPARE(modelToBytes(p.current()), afterOne);
    QVERIFY(!p.seek(steps + 1));
    QCOMPARE(p.position(), std::size_t(1));
    QVERIFY(p.seek(steps));
    QVERIFY(p.atFixedPoint());
    QCOMPARE(p.steps().size(), steps);
    QVERIFY(p.seek(0));
    QCOMPARE(modelToBytes(p.current()), start);
}

void TestPipeline::provenanceLinksFoldedNodes()
{
    const Model original = load("seed_static.onnx");
    Pipeline p(original);
    p.runToFixedPoint();
    const Model& m = p.current();
    // Every original node is either still there or was removed with a fate; folded ones
    // point at a constant that exists in the final graph or at a node that does.
    std::set<NodeId> removed;
    for (const auto& s : p.steps())
        for (const auto& r : s.changes.removed)
            removed.insert(r.node);
    for (const auto& n : original.graph.nodes)
        QVERIFY2(m.graph.findNode(n.id) || removed.count(n.id), n.label().c_str());
    // Resolved through all steps, the 7 helpers end in the Reshape's constant shape.
    const Node* reshape = findOp(m, "Reshape");
    const auto outcomes = provenance(p, 0, p.position());
    QCOMPARE(int(outcomes.size()), 7);
    const auto absorbed = absorbedInto(outcomes, kNoNode, reshape->input(1));
    QCOMPARE(int(absorbed.size()), 7); // Shape, Slice, Concat and the 4 Constants
    for (const auto& [id, o] : outcomes)
        QCOMPARE(o.fate, Fate::Folded);
}

void TestPipeline::provenanceInsideBodies()
{
    // The If inside the Loop's body is inlined: it resolves to the node that took its place,
    // which lives in the body, not in the main graph.
    Pipeline p(load("nested_model.onnx"));
    p.runToFixedPoint();
    const Graph* body = nullptr;
    NodeId loop = kNoNode;
    for (const auto& n : p.current().graph.nodes)
        if (n.opType == "Loop") {
            loop = n.id;
            body = n.subgraphs.at(0).graph.get();
        }
    QVERIFY(body);
    const auto outcomes = provenance(p, 0, p.position());
    const Outcome* inlinedIf = nullptr;
    for (const auto& [id, o] : outcomes)
        if (o.label == "inner_if")
            inlinedIf = &o;
    QVERIFY(inlinedIf);
    QCOMPARE(inlinedIf->fate, Fate::Eliminated);
    const Node* into = body->findNode(inlinedIf->intoNode);
    QVERIFY2(into, "the If does not resolve to a node of the body");
    QVERIFY(!p.current().graph.findNode(inlinedIf->intoNode));
    QCOMPARE(pathToNode(p.current().graph, into->id), std::optional<GraphPath>(GraphPath{{loop, "body"}}));
}

void TestPipeline::disabledPassIsNotRun()
{
    Pipeline p(load("seed_static.onnx"));
    p.setEnabled("fold_constants", false);
    p.setEnabled("eliminate_slice_after_shape", false);
    p.setEnabled("eliminate_shape_op", false);
    p.setEnabled("fold_shape_chains", false);
    p.setEnabled("fuse_concat_into_reshape", false);
    p.runToFixedPoint();
    for (const auto& s : p.steps()) {
        QVERIFY(s.pass != "fold_constants");
        QVERIFY(s.pass != "eliminate_slice_after_shape");
    }
    QCOMPARE(opCount(p.current(), "Shape"), 1);
}

// A pass is a function of the model: the pipeline does not run one again on a snapshot where it
// already changed nothing (the last sweep and round of a schedule), nor one whose mayChange rules
// the snapshot out (fuse_bn_into_conv on a model without BatchNormalization). The result is the
// one the tests above check.
void TestPipeline::noPassRunsTwiceOnOneSnapshot()
{
    int foldSteps = 0;
    for (const char* name : {"seed_dynamic.onnx", "transformer_dyn.onnx", "loop_model.onnx", "nested_model.onnx",
                             "tiny_resnet.onnx"}) {
        Pipeline p(load(name));
        std::set<std::pair<std::string, const Model*>> runs;
        std::set<std::string> ran;
        bool repeated = false;
        p.beforePass = [&](const Pass& pass, const Model& m) {
            repeated = repeated || !runs.insert({pass.info().name, &m}).second;
            ran.insert(pass.info().name);
        };
        p.runToFixedPoint();
        QVERIFY2(!repeated, name);
        QVERIFY2(p.atFixedPoint(), name);
        QVERIFY2(!ran.count("fuse_bn_into_conv") || opCount(p.original(), "BatchNormalization") > 0, name);
        QVERIFY2(!ran.count("fuse_attention"), name); // opset 23+ only
        // Skipped runs are still listed as passes that ran without a change: a fold step follows
        // a sweep in which no optimizer pass changed anything.
        for (const auto& step : p.steps())
            if (step.pass == "fold_constants") {
                ++foldSteps;
                QVERIFY2(std::count(step.unchanged.begin(), step.unchanged.end(), "fuse_attention") == 1, name);
            }
    }
    QVERIFY(foldSteps > 0);
}

void TestPipeline::skipConstantFolding()
{
    PipelineOptions o;
    o.constantFolding = false;
    Pipeline p(load("seed_static.onnx"), o);
    p.runToFixedPoint();
    for (const auto& s : p.steps())
        QVERIFY(s.pass != "fold_constants");
}

void TestPipeline::overwriteInputShape()
{
    Model m = load("seed_dynamic.onnx");
    overwriteInputShapes(m, {{"input0", {1, 3, 64, 64}}});
    QVERIFY(m.graph.typeOf("output0").isStatic());
    Pipeline p(m);
    p.runToFixedPoint();
    const Node* reshape = findOp(p.current(), "Reshape");
    QVERIFY(reshape);
    QCOMPARE(p.current().graph.findInitializer(reshape->input(1))->tensor->toInt64(), (std::vector<int64_t>{1, 64, -1}));
    QVERIFY_EXCEPTION_THROWN(overwriteInputShapes(m, {{"nope", {1}}}), Error);
}

void TestPipeline::subgraphsAreSimplified()
{
    Pipeline p(load("if_model.onnx"));
    p.runToFixedPoint();
    QCOMPARE(opCount(p.current(), "If"), 0);
    Pipeline q(load("loop_model.onnx"));
    q.runToFixedPoint();
    QVERIFY(q.current().graph.totalNodeCount() <= q.original().graph.totalNodeCount());
}

void TestPipeline::opset21StillSimplifies()
{
    const Model m = load("opset21.onnx");
    Pipeline p(m);
    p.runToFixedPoint();
    QVERIFY(p.current().graph.nodes.size() < m.graph.nodes.size());
}

void TestPipeline::cascadingShapeChainsFold()
{
    // A channel shuffle twice, each Reshape target computed from the batch dim of its input:
    // the second chain can only fold once the first Reshape's output shape is inferred.
    test::ModelBuilder b(15);
    b.input("x", dtype::Float, {"batch", 4, 2, 2}).output("y", dtype::Float);
    b.ints("zero", {}, {0}).ints("one", {}, {1}).ints("two", {}, {2}).ints("tail", {2}, {2, 2});
    for (int k = 0; k < 2; ++k) {
        const std::string in = k == 0 ? "x" : "r1_" + std::to_string(k - 1);
        const std::string s = std::to_string(k);
        b.node("Shape", {in}, {"s" + s}).node("Gather", {"s" + s, "zero"}, {"g" + s});
        b.node("Unsqueeze", {"g" + s}, {"u" + s}).attr("axes", std::vector<int64_t>{0});
        // channels / 2 through Div, which ONNX 1.12's data propagation cannot follow.
        b.node("Gather", {"s" + s, "one"}, {"ch" + s}).node("Div", {"ch" + s, "two"}, {"h" + s});
        b.node("Unsqueeze", {"h" + s}, {"hu" + s}).attr("axes", std::vector<int64_t>{0});
        b.node("Concat", {"u" + s, "hu" + s, "hu" + s, "tail"}, {"c" + s}).attr("axis", int64_t(0));
        b.node("Reshape", {in, "c" + s}, {"r0_" + s});
        b.node("Transpose", {"r0_" + s}, {"t" + s}).attr("perm", std::vector<int64_t>{0, 2, 1, 3, 4});
        // The next stage reads this stage's channel dim: known only once its shape is re-inferred.
        b.node("Unsqueeze", {"ch" + s}, {"chu" + s}).attr("axes", std::vector<int64_t>{0});
        b.node("Concat", {"u" + s, "chu" + s, "tail"}, {"d" + s}).attr("axis", int64_t(0));
        b.node("Reshape", {"t" + s, "d" + s}, {k == 1 ? "y" : "r1_" + s});
    }
    Pipeline p(b.build());
    p.runToFixedPoint();
    QCOMPARE(opCount(p.current(), "Shape"), 0);
    QCOMPARE(opCount(p.current(), "Concat"), 0);
    QCOMPARE(opCount(p.current(), "Reshape"), 4);
    QVERIFY(p.position() <= 6);
}

// One node whose fold takes tens of seconds is kept once it passes the fold's time cap, with
// the reason; the rest of the step goes on.
void TestPipeline::slowFoldIsKeptAtTheTimeCap()
{
    const Model m = test::slowFoldModel().build();
    PipelineOptions options;
    options.pass.foldSeconds = 0.2;
    Pipeline p(m, options);
    QElapsedTimer clock;
    clock.start();
    p.runToFixedPoint();
    QVERIFY2(clock.elapsed() < 1500, qPrintable(QString("took %1 ms").arg(clock.elapsed())));
    QCOMPARE(opCount(p.current(), "DFT"), 1);
    QCOMPARE(opCount(p.current(), "ConstantOfShape"), 0); // folded before the DFT
    std::string why;
    for (const auto& kv : p.keptReasons())
        if (kv.second.find("(DFT)") != std::string::npos)
            why = kv.second;
    QVERIFY2(why.find("Not folded: ") == 0 && why.find("the evaluation ran for over 0.2 s, its time cap") != std::string::npos,
             why.c_str());
    // Kept at a limit (raising --fold-time may fold it), not warned about; the Add that reads
    // the graph input is kept too, but no limit stopped it.
    const auto limited = p.keptAtLimit();
    QCOMPARE(int(limited.size()), 1);
    QCOMPARE(limited.begin()->second, why);
    QVERIFY(p.keptReasons().size() > limited.size());
    for (const Step& s : p.steps())
        for (const std::string& w : s.changes.warnings)
            QVERIFY2(w.find("time cap") == std::string::npos, w.c_str());
}

// Cancel, set from another thread, stops a step in the middle of a long fold: the step throws
// kCancelledStep soon after and the pipeline stays where it was.
void TestPipeline::cancelStopsAFoldInsideAStep()
{
    const Model m = test::slowFoldModel().build();
    std::atomic<bool> cancel{false};
    PipelineOptions options;
    options.pass.cancel = &cancel;
    Pipeline p(m, options);
    std::string error;
    QElapsedTimer clock;
    std::thread run([&] {
        try {
            p.runToFixedPoint();
        } catch (const Error& e) {
            error = e.what();
        }
    });
    QThread::msleep(300);
    clock.start();
    cancel = true;
    run.join();
    QVERIFY2(clock.elapsed() < 1500, qPrintable(QString("%1 ms after cancel").arg(clock.elapsed())));
    QCOMPARE(QString::fromStdString(error), QString(kCancelledStep));
    QCOMPARE(opCount(p.current(), "DFT"), 1);
    QCOMPARE(opCount(p.current(), "ConstantOfShape"), 1);
}

QTEST_GUILESS_MAIN(TestPipeline)
#include "tst_pipeline.moc"
