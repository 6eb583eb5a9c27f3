// diffModels: bodies compared by path, old and new values of what changed, bulk moves summarised.
#include "ModelBuilder.h"
#include "TestSupport.h"

#include "diff/ModelDiff.h"
#include "model/DataType.h"
#include "model/ModelIO.h"
#include "shape/Open.h"
#include "passes/Pipeline.h"

#include <QtTest>

using namespace netfold;
using namespace netfold::test;

namespace {

/// y = If(cond) then (x + w, Relu) else (x * w), with bodies built by the caller's choice of ops.
Model ifModel(const std::string& thenOp, int64_t softmaxAxis, bool extraRelu)
{
    ModelBuilder thenB;
    thenB.node(thenOp, {"x", "w"}, {"t0"}, "then_add");
    if (extraRelu)
        thenB.node("Relu", {"t0"}, {"t1"}, "then_relu").node("Softmax", {"t1"}, {"t"}, "then_softmax").attr("axis", softmaxAxis);
    else
        thenB.node("Softmax", {"t0"}, {"t"}, "then_softmax").attr("axis", softmaxAxis);
    thenB.output("t", dtype::Float);
    ModelBuilder elseB;
    elseB.node("Mul", {"x", "w"}, {"e"}, "else_mul").output("e", dtype::Float);
    ModelBuilder b;
    b.input("x", dtype::Float, {2, 3}).input("c", dtype::Bool, {}).output("y", dtype::Float);
    b.floats("w", {2, 3}, {1, 2, 3, 4, 5, 6});
    b.node("If", {"c"}, {"y"}, "branch").attrGraph("then_branch", thenB.graph()).attrGraph("else_branch", elseB.graph());
    return b.build();
}

const ModelDiff::Changed* findChanged(const ModelDiff& d, const std::string& label)
{
    for (const auto& c : d.changed)
        if (c.label == label)
            return &c;
    return nullptr;
}

} // namespace

class TestDiff : public QObject {
    Q_OBJECT
private slots:
    void identicalModels();
    void bodiesAreCompared();
    void oldAndNewValues();
    void constantsBecomingInitializersAreOneMove();
    void realModelBodies();
    void jsonMatchesText();
};

void TestDiff::identicalModels()
{
    const Model a = ifModel("Add", 1, false);
    const ModelDiff d = diffModels(a, a);
    QVERIFY(d.identical());
    QCOMPARE(QString::fromStdString(d.toText()), QString("The graphs are identical.\n"));
}

void TestDiff::bodiesAreCompared()
{
    // Only the then_branch differs: one more node and a changed attribute. The main graphs are equal.
    const Model a = ifModel("Add", 1, false);
    const Model b = ifModel("Add", 0, true);
    const ModelDiff d = diffModels(a, b);
    QVERIFY(!d.identical());
    QCOMPARE(d.onlyInA.size(), std::size_t(0));
    QCOMPARE(d.onlyInB.size(), std::size_t(1));
    QCOMPARE(QString::fromStdString(d.onlyInB[0].label), QString("then_relu"));
    QCOMPARE(QString::fromStdString(d.onlyInB[0].where), QString("If 'branch' / then_branch"));
    const auto* sm = findChanged(d, "then_softmax");
    QVERIFY(sm);
    QCOMPARE(QString::fromStdString(sm->where), QString("If 'branch' / then_branch"));
    const QString text = QString::fromStdString(d.toText());
    QVERIFY2(text.contains("+ If 'branch' / then_branch / then_relu (Relu)"), qPrintable(text));
    QVERIFY2(text.contains("0 node(s) only in A, 1 only in B, 1 changed"), qPrintable(text));
}

void TestDiff::oldAndNewValues()
{
    const Model a = ifModel("Add", 1, false);
    const Model b = ifModel("Sub", 0, true);
    const ModelDiff d = diffModels(a, b);
    const auto* add = findChanged(d, "then_add");
    QVERIFY(add);
    QCOMPARE(add->changes.size(), std::size_t(1));
    QCOMPARE(QString::fromStdString(add->changes[0].what), QString("op type"));
    QCOMPARE(QString::fromStdString(add->changes[0].before), QString("Add"));
    QCOMPARE(QString::fromStdString(add->changes[0].after), QString("Sub"));
    const auto* sm = findChanged(d, "then_softmax");
    QVERIFY(sm);
    bool sawInput = false, sawAxis = false;
    for (const auto& c : sm->changes) {
        if (c.what == "input 0") {
            sawInput = true;
            QCOMPARE(QString::fromStdString(c.before), QString("t0"));
            QCOMPARE(QString::fromStdString(c.after), QString("t1"));
        }
        if (c.what == "attribute 'axis'") {
            sawAxis = true;
            QCOMPARE(QString::fromStdString(c.before), QString("1"));
            QCOMPARE(QString::fromStdString(c.after), QString("0"));
        }
    }
    QVERIFY(sawInput);
    QVERIFY(sawAxis);
    const QString text = QString::fromStdString(d.toText());
    QVERIFY2(text.contains("attribute 'axis' 1 -> 0"), qPrintable(text));
    QVERIFY2(text.contains("input 0 t0 -> t1"), qPrintable(text));
}

void TestDiff::constantsBecomingInitializersAreOneMove()
{
    // 40 Constant nodes in A; in B the same values are initializers of the same names.
    ModelBuilder a, b;
    a.input("x", dtype::Float, {4}).output("y", dtype::Float);
    b.input("x", dtype::Float, {4}).output("y", dtype::Float);
    std::string prev = "x";
    for (int k = 0; k < 40; ++k) {
        const std::string c = "c" + std::to_string(k), s = "s" + std::to_string(k);
        const std::string out = k == 39 ? "y" : s;
        a.node("Constant", {}, {c}, "const" + std::to_string(k)).attr("value", *Tensor::fromDoubles(dtype::Float, {4}, {1, 2, 3, double(k)}));
        b.floats(c, {4}, {1, 2, 3, float(k)});
        a.node("Add", {prev, c}, {out}, "add" + std::to_string(k));
        b.node("Add", {prev, c}, {out}, "add" + std::to_string(k));
        prev = out;
    }
    const ModelDiff d = diffModels(a.build(), b.build());
    QCOMPARE(d.moves.size(), std::size_t(1));
    QCOMPARE(QString::fromStdString(d.moves[0].summary), QString("40 Constant nodes became initializers"));
    QCOMPARE(d.moves[0].nodes.size(), std::size_t(40));
    QVERIFY(d.onlyInA.empty());
    QVERIFY(d.initializersOnlyInB.empty()); // explained by the move
    QVERIFY(d.changed.empty());
    QCOMPARE(d.removedCount(), std::size_t(40));
    const QString text = QString::fromStdString(d.toText());
    QVERIFY2(text.count('\n') < 5, qPrintable(text));
    QVERIFY(!text.contains("const7"));
}

void TestDiff::realModelBodies()
{
    // silero_vad (PyTorch export): all of its work is in If bodies; simplifying removes body nodes.
    const Model a = openModel(dataPath("real/silero_vad.onnx").toStdString());
    Pipeline pipeline(a, PipelineOptions{});
    pipeline.runToFixedPoint();
    const Model b = pipeline.current();
    QCOMPARE(a.graph.nodes.size(), b.graph.nodes.size()); // the main graph is the same
    QVERIFY(a.graph.totalNodeCount() > b.graph.totalNodeCount());
    const ModelDiff d = diffModels(a, b);
    QVERIFY(!d.identical());
    QVERIFY(d.removedCount() > 0);
    std::size_t inBodies = 0;
    for (const auto& r : d.onlyInA)
        inBodies += r.where.rfind("If 'If_25' / ", 0) == 0;
    QVERIFY(inBodies > 10);
    // Every removed, added and moved node is accounted for.
    const std::size_t net = a.graph.totalNodeCount() - b.graph.totalNodeCount();
    QCOMPARE(d.removedCount() - d.onlyInB.size(), net);
}

void TestDiff::jsonMatchesText()
{
    const Model a = ifModel("Add", 1, false);
    const Model b = ifModel("Sub", 0, true);
    const ModelDiff d = diffModels(a, b);
    const Json j = d.toJson();
    QCOMPARE(j.get("only_in_b")->items().size(), std::size_t(1));
    QCOMPARE(QString::fromStdString(j.get("only_in_b")->items()[0].get("body")->toString()),
             QString("If 'branch' / then_branch"));
    const Json& changed = *j.get("changed");
    QCOMPARE(changed.items().size(), d.changed.size());
    bool found = false;
    for (const auto& c : changed.items())
        for (const auto& k : c.get("changes")->items())
            if (k.get("what")->toString() == "op type") {
                found = true;
                QCOMPARE(QString::fromStdString(k.get("old")->toString()), QString("Add"));
                QCOMPARE(QString::fromStdString(k.get("new")->toString()), QString("Sub"));
            }
    QVERIFY(found);
    QCOMPARE(j.get("counts")->get("changed")->toInt(), static_cast<int64_t>(d.changed.size()));
}

QTEST_GUILESS_MAIN(TestDiff)
#include "tst_diff.moc"
