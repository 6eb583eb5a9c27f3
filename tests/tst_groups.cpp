// core/layout/Groups: name scopes from node names, the scopes collapsed by default, and the
// drawable graph with collapsed groups (acyclic, topological, every node accounted for).
#include "TestModels.h"

#include "layout/Groups.h"
#include "layout/LayoutGraph.h"

#include <QtTest>

#include <map>

using namespace netfold;
using namespace netfold::test;

namespace {

std::vector<std::string> v(std::initializer_list<const char*> items) { return {items.begin(), items.end()}; }

/// Every edge goes forward, every NodeId of the flat graph is drawn somewhere, group members
/// add up to the group's count.
void checkWellFormed(const LayoutGraph& flat, const LayoutGraph& g, const ScopeTree& tree)
{
    for (const LayoutEdge& e : g.edges) {
        QVERIFY2(e.from >= 0 && e.to >= 0 && e.from < int(g.nodes.size()) && e.to < int(g.nodes.size()),
                 e.value.c_str());
        QVERIFY2(e.from < e.to, ("edge against the order: " + e.value).c_str());
    }
    QCOMPARE(g.nodeOf.size(), flat.nodeOf.size());
    for (const auto& [id, at] : flat.nodeOf) {
        const int to = g.findNode(id);
        QVERIFY(to >= 0);
        const LayoutNode& ln = g.nodes[std::size_t(to)];
        if (ln.kind == LayoutNodeKind::Group)
            QVERIFY(std::binary_search(ln.members.begin(), ln.members.end(), id));
        else
            QCOMPARE(ln.id, flat.nodes[std::size_t(at)].id);
    }
    for (const LayoutNode& ln : g.nodes)
        if (ln.kind == LayoutNodeKind::Group)
            QCOMPARE(int(ln.members.size()), tree.groups[std::size_t(ln.group)].nodeCount);
}

LayoutNode op(const char* name, NodeId id)
{
    LayoutNode n;
    n.kind = LayoutNodeKind::Op;
    n.id = id;
    n.title = n.opType = "Relu";
    n.name = name;
    return n;
}

} // namespace

class TestGroups : public QObject {
    Q_OBJECT
private slots:
    void scopesFromNames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QStringList>("scope");
        QTest::newRow("torch") << "/encoder/layers.0/self_attn/MatMul" << QStringList{"encoder", "layers.0", "self_attn"};
        QTest::newRow("torch top") << "/Reshape" << QStringList{};
        QTest::newRow("keras") << "model/dense_1/BiasAdd" << QStringList{"model", "dense_1"};
        QTest::newRow("tf2onnx") << "StatefulPartitionedCall/model/conv/Conv2D__6" << QStringList{"StatefulPartitionedCall", "model", "conv"};
        QTest::newRow("flat torch") << "Conv_3" << QStringList{};
        QTest::newRow("paddle") << "p2o.Conv.12" << QStringList{};
        QTest::newRow("empty") << "" << QStringList{};
        QTest::newRow("double slash") << "a//b/" << QStringList{"a"};
    }
    void scopesFromNames()
    {
        QFETCH(QString, name);
        QFETCH(QStringList, scope);
        QStringList got;
        for (const std::string& s : nameScopes(name.toStdString()))
            got << QString::fromStdString(s);
        QCOMPARE(got, scope);
    }

    // A 6-layer transformer export opens with its six layers collapsed; the wrapper "enc" (all
    // the layers) is looked into, and "inp"/"out" (a Linear each) are too small for a box.
    void transformerOpensWithLayersCollapsed()
    {
        const Model& m = cachedModel("groups/transformer6_dyn.onnx");
        const LayoutGraph flat = buildLayoutGraph(m.graph);
        const ScopeTree tree = buildScopeTree(flat);
        qDebug("transformer6_dyn: %d boxes", tree.totalDrawn);
        QVERIFY(tree.totalDrawn > 250);
        QCOMPARE(tree.totalNodes, int(m.graph.nodes.size()));
        const int enc = tree.find("enc");
        QVERIFY(enc >= 0);
        int layerNodes = 0;
        for (int i = 0; i < 6; ++i) {
            const int g = tree.find("enc/layers." + std::to_string(i));
            QVERIFY(g >= 0);
            QCOMPARE(tree.groups[std::size_t(g)].parent, enc);
            QCOMPARE(tree.groups[std::size_t(g)].title, "layers." + std::to_string(i));
            layerNodes += tree.groups[std::size_t(g)].nodeCount;
        }
        QVERIFY(layerNodes > 600);
        const std::set<std::string> collapsed = defaultCollapsed(tree);
        const std::set<std::string> layers = {"enc/layers.0", "enc/layers.1", "enc/layers.2",
                                              "enc/layers.3", "enc/layers.4", "enc/layers.5"};
        QCOMPARE(collapsed, layers);

        std::set<std::string> applied;
        const LayoutGraph g = groupLayoutGraph(flat, tree, collapsed, &applied);
        QCOMPARE(applied, layers);
        checkWellFormed(flat, g, tree);
        int groups = 0;
        for (const LayoutNode& ln : g.nodes)
            if (ln.kind == LayoutNodeKind::Group) {
                ++groups;
                QCOMPARE(ln.rows.size(), std::size_t(1));
                QCOMPARE(ln.rows[0].text, std::to_string(tree.groups[std::size_t(ln.group)].nodeCount) + " nodes");
            }
        QCOMPARE(groups, 6);
        qDebug("grouped: %zu boxes", g.nodes.size());
        QVERIFY(g.nodes.size() < 40);
        // Layer i feeds layer i+1 by a labelled edge with the hidden state's shape.
        bool labelled = false;
        for (const LayoutEdge& e : g.edges)
            if (g.nodes[std::size_t(e.from)].name == "enc/layers.2" && g.nodes[std::size_t(e.to)].name == "enc/layers.3")
                labelled = e.label == "batch\u00d7seq\u00d732";
        QVERIFY(labelled);
    }

    void smallGraphsOpenFlat()
    {
        const Model& m = cachedModel("transformer_dyn.onnx");
        const LayoutGraph flat = buildLayoutGraph(m.graph);
        const ScopeTree tree = buildScopeTree(flat);
        qDebug("transformer_dyn: %d boxes", tree.totalDrawn);
        QVERIFY(tree.totalDrawn <= 250);
        QVERIFY(!tree.groups.empty());
        QVERIFY(defaultCollapsed(tree).empty());
        // Collapsed on request all the same.
        std::set<std::string> applied;
        const LayoutGraph g = groupLayoutGraph(flat, tree, {"enc/layers.0", "enc/layers.1"}, &applied);
        QCOMPARE(applied.size(), std::size_t(2));
        checkWellFormed(flat, g, tree);
        // Nested collapsed groups: the outermost wins.
        applied.clear();
        const LayoutGraph outer = groupLayoutGraph(flat, tree, {"enc", "enc/layers.0"}, &applied);
        QCOMPARE(applied, std::set<std::string>{"enc"});
        checkWellFormed(flat, outer, tree);
    }

    // Two groups that feed each other (A -> B and B -> A through different nodes) cannot both be
    // one box: the bigger one stays open and the drawing stays acyclic.
    void groupsOnACycleStayOpen()
    {
        LayoutGraph flat;
        flat.nodes = {op("/A/x", 1), op("/B/u", 2), op("/B/w", 3), op("/B/y", 4), op("/A/z", 5)};
        for (int i = 0; i < 5; ++i)
            flat.nodeOf[NodeId(i + 1)] = i;
        flat.edges = {{0, 1, "a", ""}, {1, 2, "b", ""}, {3, 4, "c", ""}};
        const ScopeTree tree = buildScopeTree(flat);
        QCOMPARE(tree.groups.size(), std::size_t(2));
        std::set<std::string> applied;
        const LayoutGraph g = groupLayoutGraph(flat, tree, {"A", "B"}, &applied);
        QCOMPARE(applied, std::set<std::string>{"A"}); // B (3 boxes) is the bigger one
        checkWellFormed(flat, g, tree);
        QCOMPARE(g.nodes.size(), std::size_t(4));
        // A alone closes no cycle: A -> B/u and B/y -> A pass through separate boxes.
        applied.clear();
        (void)groupLayoutGraph(flat, tree, {"A"}, &applied);
        QCOMPARE(applied, std::set<std::string>{"A"});
    }

    void scopesHidingANode()
    {
        const Model& m = cachedModel("groups/transformer6_dyn.onnx");
        const LayoutGraph flat = buildLayoutGraph(m.graph);
        const ScopeTree tree = buildScopeTree(flat);
        NodeId inLayer3 = kNoNode, top = kNoNode;
        for (const Node& n : m.graph.nodes) {
            if (inLayer3 == kNoNode && n.name.rfind("/enc/layers.3/self_attn/", 0) == 0 && n.opType == "MatMul")
                inLayer3 = n.id;
            if (top == kNoNode && n.name == "/inp/MatMul")
                top = n.id;
        }
        QVERIFY(inLayer3 != kNoNode && top != kNoNode);
        const std::set<std::string> collapsed = {"enc/layers.3", "enc/layers.3/self_attn", "enc/layers.4"};
        QCOMPARE(scopesHiding(flat, tree, collapsed, inLayer3), v({"enc/layers.3/self_attn", "enc/layers.3"}));
        QVERIFY(scopesHiding(flat, tree, collapsed, top).empty());
    }
};

QTEST_GUILESS_MAIN(TestGroups)
#include "tst_groups.moc"
