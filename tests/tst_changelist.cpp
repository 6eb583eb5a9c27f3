// The change list (diff/ChangeList): one entry per folded chain, fused block, eliminated node,
// added or changed node, built from the steps' change records; every change in exactly one entry.
#include "TestSupport.h"

#include "diff/ChangeList.h"
#include "diff/Provenance.h"
#include "model/ModelIO.h"
#include "shape/Open.h"
#include "passes/Pipeline.h"

#include <QtTest>

#include <map>
#include <set>

using namespace netfold;
using namespace netfold::test;

namespace {

std::unique_ptr<Pipeline> runAll(const QString& name)
{
    auto p = std::make_unique<Pipeline>(openModel(dataPath(name).toStdString()));
    p->runToFixedPoint();
    return p;
}

std::set<NodeId> idsOf(const Graph& g)
{
    std::set<NodeId> ids;
    forEachGraph(g, [&](const Graph& sub) {
        for (const auto& n : sub.nodes)
            ids.insert(n.id);
    });
    return ids;
}

const Node* findNode(const Model& m, NodeId id)
{
    const Node* found = nullptr;
    forEachGraph(m.graph, [&](const Graph& g) {
        if (!found)
            found = g.findNode(id);
    });
    return found;
}

/// Checks that the entries of steps [first, last) account for every change of the records:
/// each removed node in exactly one entry, each added node still there in exactly one, each
/// changed node still there in some entry's after nodes; foci on the sides they are shown on.
void checkAccounts(const Pipeline& p, std::size_t first, std::size_t last, const std::vector<ChangeEntry>& entries)
{
    const Model& before = *p.steps()[first].before;
    const Model& after = *p.steps()[last - 1].after;
    const std::set<NodeId> beforeIds = idsOf(before.graph);
    const std::set<NodeId> afterIds = idsOf(after.graph);
    std::multiset<NodeId> recordRemoved, listedRemoved, listedAdded;
    std::set<NodeId> recordAdded, recordChanged, listedAfter;
    for (std::size_t s = first; s < last; ++s) {
        const ChangeRecord& c = p.steps()[s].changes;
        for (const Removal& r : c.removed)
            recordRemoved.insert(r.node);
        for (NodeId id : c.added)
            if (afterIds.count(id))
                recordAdded.insert(id);
        for (NodeId id : c.changed)
            if (afterIds.count(id))
                recordChanged.insert(id);
    }
    for (const ChangeEntry& e : entries) {
        QVERIFY2(!e.text.empty(), "an entry without text");
        QVERIFY(!e.steps.empty());
        for (std::size_t s : e.steps)
            QVERIFY(s >= first && s < last);
        listedRemoved.insert(e.removed.begin(), e.removed.end());
        listedAdded.insert(e.added.begin(), e.added.end());
        listedAfter.insert(e.afterNodes.begin(), e.afterNodes.end());
        for (NodeId id : e.beforeNodes)
            QVERIFY2(beforeIds.count(id), e.text.c_str());
        for (NodeId id : e.afterNodes)
            QVERIFY2(afterIds.count(id), e.text.c_str());
        // Each side shows something of the entry, in one graph.
        QVERIFY2(e.beforeFocus != kNoNode && e.afterFocus != kNoNode, e.text.c_str());
        const Graph* bg = resolvePath(before.graph, e.path);
        const Graph* ag = resolvePath(after.graph, e.path);
        QVERIFY2(bg && bg->findNode(e.beforeFocus), e.text.c_str());
        QVERIFY2(ag && ag->findNode(e.afterFocus), e.text.c_str());
        if (e.beforeFocusIsChange)
            QVERIFY(std::count(e.beforeNodes.begin(), e.beforeNodes.end(), e.beforeFocus) == 1);
        else
            QVERIFY(e.beforeNodes.empty());
        if (e.afterFocusIsChange)
            QVERIFY(std::count(e.afterNodes.begin(), e.afterNodes.end(), e.afterFocus) == 1);
        QCOMPARE(e.scope, scopeOf(findNode(e.beforeFocusIsChange || !e.afterFocusIsChange ? before : after,
                                           e.beforeFocusIsChange || !e.afterFocusIsChange ? e.beforeFocus : e.afterFocus)
                                      ->name));
    }
    QCOMPARE(listedRemoved, recordRemoved);
    QCOMPARE(std::set<NodeId>(listedAdded.begin(), listedAdded.end()), recordAdded);
    QCOMPARE(listedAdded.size(), recordAdded.size());
    for (NodeId id : recordChanged)
        QVERIFY2(listedAfter.count(id), qPrintable(QString("changed node %1 in no entry").arg(id)));
    // Grouped by scope: each scope is one run of entries.
    std::set<std::string> closed;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (i > 0 && entries[i].scope != entries[i - 1].scope)
            closed.insert(entries[i - 1].scope);
        QVERIFY2(!closed.count(entries[i].scope), entries[i].scope.c_str());
    }
}

} // namespace

class TestChangeList : public QObject {
    Q_OBJECT
private slots:
    void scopes();
    void sampleIsOneFoldedChain();
    void dynamicSeedFoldsIntoZeroAndMinusOne();
    void everyStepAccountsForItsRecord_data();
    void everyStepAccountsForItsRecord();
    void fusedBlocksOwnTheirNewNode();
    void bnFusedIntoAnExistingConv();
    void transformerCumulative();
    void provenanceFollowsDeduplicatedInitializers();
    void emptyRange();
};

void TestChangeList::scopes()
{
    QCOMPARE(scopeOf("/enc/layers.0/self_attn/MatMul"), std::string("/enc/layers.0/self_attn"));
    QCOMPARE(scopeOf("model/dense_1/BiasAdd"), std::string("model/dense_1"));
    QCOMPARE(scopeOf("p2o.Conv.12"), std::string("p2o.Conv"));
    QCOMPARE(scopeOf("/Constant"), std::string());
    QCOMPARE(scopeOf("Relu_3"), std::string());
    QCOMPARE(scopeOf(""), std::string());
    QCOMPARE(scopeOf("a//b"), std::string("a"));
}

void TestChangeList::sampleIsOneFoldedChain()
{
    // The bundled sample: four steps fold Shape -> Slice -> Concat (and the four Constants)
    // into the Reshape's shape; all steps so far read as one change.
    Pipeline p(openModel(sourcePath("resources/models/sample-reshape.onnx").toStdString()));
    p.runToFixedPoint();
    const std::vector<ChangeEntry> all = changeList(p, 0, p.position());
    QCOMPARE(int(all.size()), 1);
    const ChangeEntry& e = all.front();
    QCOMPARE(e.kind, ChangeKind::Folded);
    QCOMPARE(QString::fromStdString(e.text), QString("Shape -> Slice -> Concat folded into Reshape's shape [1, 64, -1]"));
    QCOMPARE(int(e.removed.size()), 7);
    QCOMPARE(int(e.beforeNodes.size()), 7);
    const Model& before = p.original();
    const Model& after = p.current();
    QCOMPARE(findNode(before, e.beforeFocus)->opType, std::string("Concat"));
    QVERIFY(e.beforeFocusIsChange && e.afterFocusIsChange);
    QCOMPARE(findNode(after, e.afterFocus)->opType, std::string("Reshape"));
    QCOMPARE(e.scope, std::string());
    QCOMPARE(int(e.steps.size()), 3); // the fourth step dropped initializers only
    checkAccounts(p, 0, p.position(), all);

    // Step by step: 4 Constants, then Shape -> Slice, then the Concat; the last step has none.
    QCOMPARE(int(changeList(p, 0, 1).size()), 4);
    for (const ChangeEntry& c : changeList(p, 0, 1)) {
        QCOMPARE(c.kind, ChangeKind::Folded);
        QVERIFY2(QString::fromStdString(c.text).startsWith("Constant folded into "), c.text.c_str());
    }
    const auto second = changeList(p, 1, 2);
    QCOMPARE(int(second.size()), 1);
    QCOMPARE(QString::fromStdString(second[0].text), QString("Shape -> Slice folded into Concat's inputs [1, 64]"));
    const auto third = changeList(p, 2, 3);
    QCOMPARE(int(third.size()), 1);
    QCOMPARE(QString::fromStdString(third[0].text), QString("Concat folded into Reshape's shape [1, 64, -1]"));
    QVERIFY(changeList(p, 3, 4).empty());
    // Steps 1-2: the Slice's three Constants join its chain; the Concat's Constant is apart and
    // comes after it in graph order.
    const auto two = changeList(p, 0, 2);
    QCOMPARE(int(two.size()), 2);
    QCOMPARE(QString::fromStdString(two[0].text), QString("Shape -> Slice folded into Concat's inputs [1, 64]"));
    QCOMPARE(int(two[0].removed.size()), 5);
    QCOMPARE(QString::fromStdString(two[1].text), QString("Constant folded into Concat's inputs [-1]"));
}

void TestChangeList::dynamicSeedFoldsIntoZeroAndMinusOne()
{
    auto p = runAll("seed_dynamic.onnx");
    const auto all = changeList(*p, 0, p->position());
    QCOMPARE(int(all.size()), 1);
    QCOMPARE(QString::fromStdString(all[0].text), QString("Shape -> Slice -> Concat folded into Reshape's shape [0, 64, -1]"));
    checkAccounts(*p, 0, p->position(), all);
}

void TestChangeList::everyStepAccountsForItsRecord_data()
{
    QTest::addColumn<QString>("file");
    for (const char* f : {"seed_static.onnx", "seed_dynamic.onnx", "seed_bn.onnx", "seed_view.onnx", "transformer_dyn.onnx",
                          "tiny_resnet.onnx", "if_model.onnx", "nested_model.onnx", "opset21.onnx",
                          "fusion/norm_block_opset23.onnx", "fusion/group_norm_opset21.onnx", "fusion/rms_norm_opset23.onnx"})
        QTest::newRow(f) << QString(f);
}

void TestChangeList::everyStepAccountsForItsRecord()
{
    QFETCH(QString, file);
    auto p = runAll(file);
    for (std::size_t s = 0; s < p->position(); ++s) {
        const auto entries = changeList(*p, s, s + 1);
        checkAccounts(*p, s, s + 1, entries);
        if (QTest::currentTestFailed())
            QFAIL(qPrintable(QString("step %1 (%2)").arg(s + 1).arg(QString::fromStdString(p->steps()[s].pass))));
    }
    if (p->position() > 0)
        checkAccounts(*p, 0, p->position(), changeList(*p, 0, p->position()));
}

void TestChangeList::fusedBlocksOwnTheirNewNode()
{
    auto p = runAll("fusion/norm_block_opset23.onnx");
    std::size_t step = p->steps().size();
    for (std::size_t s = 0; s < p->steps().size(); ++s)
        if (p->steps()[s].pass == "fuse_layer_normalization")
            step = s;
    QVERIFY(step < p->steps().size());
    const ChangeRecord& record = p->steps()[step].changes;
    const auto entries = changeList(*p, step, step + 1);
    // Two LayerNorms: two entries, each owning one new LayerNormalization and its removed nodes.
    QCOMPARE(int(entries.size()), int(record.added.size()));
    QCOMPARE(int(entries.size()), 2);
    for (const ChangeEntry& e : entries) {
        QCOMPARE(e.kind, ChangeKind::Fused);
        QCOMPARE(int(e.added.size()), 1);
        QCOMPARE(e.afterFocus, e.added.front());
        QCOMPARE(findNode(*p->steps()[step].after, e.afterFocus)->opType, std::string("LayerNormalization"));
    }
    // ln1's scale and bias were no-ops (eliminated before); ln2 keeps its Mul and Add: its
    // chain of 9 reads shortened.
    QVERIFY2(QString::fromStdString(entries[0].text).startsWith("ReduceMean -> Sub -> Pow -> ReduceMean -> Add -> Sqrt -> Div fused into a new LayerNormalization '"),
             entries[0].text.c_str());
    QCOMPARE(findNode(*p->steps()[step].before, entries[0].beforeFocus)->opType, std::string("Div"));
    QVERIFY2(QString::fromStdString(entries[1].text).startsWith("ReduceMean -> Sub -> Pow -> ... -> Mul -> Add (9 nodes) fused into a new LayerNormalization '"),
             entries[1].text.c_str());
    QCOMPARE(findNode(*p->steps()[step].before, entries[1].beforeFocus)->opType, std::string("Add"));
    QCOMPARE(entries[0].scope, std::string("/ln1"));
    QCOMPARE(entries[1].scope, std::string("/ln2"));
    // All steps so far: the LayerNorm's Constants (folded earlier into values its Pow and Add
    // read) and the no-ops eliminated into its Div join its entry.
    const auto all = changeList(*p, 0, p->position());
    const ChangeEntry* ln1 = nullptr;
    for (const ChangeEntry& e : all)
        if (e.scope == "/ln1")
            ln1 = &e;
    QVERIFY(ln1);
    QCOMPARE(ln1->kind, ChangeKind::Fused);
    QVERIFY2(QString::fromStdString(ln1->text).endsWith("(with 2 folded, 2 eliminated)"), ln1->text.c_str());
    QCOMPARE(int(ln1->removed.size()), 11);
}

void TestChangeList::bnFusedIntoAnExistingConv()
{
    auto p = runAll("seed_bn.onnx");
    std::size_t step = p->steps().size();
    for (std::size_t s = 0; s < p->steps().size(); ++s)
        if (p->steps()[s].pass == "fuse_bn_into_conv")
            step = s;
    QVERIFY(step < p->steps().size());
    const auto entries = changeList(*p, step, step + 1);
    QCOMPARE(int(entries.size()), 2);
    QCOMPARE(QString::fromStdString(entries[0].text), QString("BatchNormalization fused into Conv 'Conv'"));
    QCOMPARE(entries[0].scope, std::string("/bn1"));
    QCOMPARE(entries[1].scope, std::string("/bn2"));
    for (const ChangeEntry& e : entries) {
        QVERIFY(e.added.empty());
        QCOMPARE(findNode(*p->steps()[step].after, e.afterFocus)->opType, std::string("Conv"));
    }
}

void TestChangeList::transformerCumulative()
{
    auto p = runAll("transformer_dyn.onnx");
    const auto all = changeList(*p, 0, p->position());
    checkAccounts(*p, 0, p->position(), all);
    std::size_t removed = 0;
    for (const Step& s : p->steps())
        removed += s.changes.removed.size();
    std::size_t listed = 0;
    std::map<ChangeKind, int> kinds;
    std::set<std::string> scopes;
    for (const ChangeEntry& e : all) {
        listed += e.removed.size();
        ++kinds[e.kind];
        scopes.insert(e.scope);
    }
    QCOMPARE(listed, removed);
    // Chains are one entry each: far fewer entries than removed nodes, and the two layers'
    // shape chains are separate entries although dedup gave them one constant.
    QVERIFY2(all.size() * 2 < removed, qPrintable(QString("%1 entries for %2 removed nodes").arg(all.size()).arg(removed)));
    int reshapeChains = 0;
    for (const ChangeEntry& e : all)
        if (e.text.find("folded into Reshape's shape [-1, 32]") != std::string::npos) {
            ++reshapeChains;
            QCOMPARE(int(e.removed.size()), 9);
        }
    QCOMPARE(reshapeChains, 2);
    QVERIFY(kinds[ChangeKind::Folded] > 0);
    QVERIFY(kinds[ChangeKind::Eliminated] > 0);
    QVERIFY(scopes.count("/enc/layers.0/self_attn"));
    QVERIFY(scopes.count("/enc/layers.1/self_attn"));
    // A Reshape target built from dynamic dims reads as one entry with 0 / -1.
    bool reshape = false;
    for (const ChangeEntry& e : all)
        reshape = reshape || (e.text.find("folded into Reshape's shape [0, ") != std::string::npos);
    QVERIFY(reshape);
}

void TestChangeList::provenanceFollowsDeduplicatedInitializers()
{
    // eliminate_duplicate_initializer drops constants equal to another one and points their
    // readers at the one kept: what was folded into a dropped one lives on in the kept one.
    auto p = runAll("transformer_dyn.onnx");
    bool deduplicated = false;
    for (const Step& s : p->steps())
        deduplicated = deduplicated || (s.pass == "eliminate_duplicate_initializer" && !s.changes.removedInitializers.empty());
    QVERIFY(deduplicated);
    int folded = 0;
    for (const auto& [id, o] : provenance(*p, 0, p->position())) {
        if (o.fate != Fate::Folded)
            continue;
        ++folded;
        QVERIFY2(o.intoNode != kNoNode || !o.intoValue.empty(), (o.label + " resolves to nothing").c_str());
        if (!o.intoValue.empty()) {
            bool live = false;
            for (const auto& i : p->current().graph.initializers)
                live = live || i.name == o.intoValue;
            QVERIFY2(live, o.intoValue.c_str());
        }
    }
    QVERIFY(folded > 100);
}

void TestChangeList::emptyRange()
{
    auto p = runAll("seed_static.onnx");
    QVERIFY(changeList(*p, 0, 0).empty());
    QVERIFY(changeList(*p, 3, 2).empty());
    QVERIFY(changeList(*p, p->steps().size(), p->steps().size() + 5).empty());
}

QTEST_GUILESS_MAIN(TestChangeList)
#include "tst_changelist.moc"
