// core/layout: the drawable graph, ranking and chunking, the Graphviz layout of chunks, the cache
// and thread safety.
#include "ModelBuilder.h"
#include "TestModels.h"
#include "TestSupport.h"

#include "layout/DotLayout.h"
#include "layout/DotWorkers.h"
#include "layout/LayoutEngine.h"
#include "layout/LayoutGraph.h"
#include "model/DataType.h"
#include "model/ModelIO.h"
#include "shape/Open.h"

#include <QtTest>

#include <atomic>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <thread>

using namespace netfold;
using namespace netfold::test;

namespace {

/// Sizes as the app would measure them (roughly).
void setSizes(LayoutGraph& g)
{
    for (LayoutNode& n : g.nodes) {
        std::size_t w = n.title.size();
        for (const NodeRow& r : n.rows)
            w = std::max(w, r.label.size() + r.text.size() + 1);
        n.width = 16.0 + 6.5 * double(w);
        n.height = 21.0 + 15.0 * double(n.rows.size());
    }
}

LayoutGraph drawable(const Model& m)
{
    LayoutGraphOptions o;
    o.opset = m.opsetVersion("");
    LayoutGraph g = buildLayoutGraph(m.graph, o);
    setSizes(g);
    return g;
}

bool near(const LayoutRect& r, const LayoutPoint& p, double tol)
{
    return p.x >= r.x - tol && p.x <= r.right() + tol && p.y >= r.y - tol && p.y <= r.bottom() + tol;
}

QString overlapReport(const LayoutGraph& g, const LayoutResult& res)
{
    // Sweep by x: boxes of the drawing must not overlap.
    std::vector<LayoutRect> boxes = res.nodes;
    std::vector<QString> names;
    for (const LayoutNode& n : g.nodes)
        names.push_back(QString::fromStdString(n.title));
    for (const LayoutStub& s : res.stubs) {
        boxes.push_back(s.box);
        names.push_back(QStringLiteral("stub ") + QString::fromStdString(s.value));
    }
    std::vector<int> order(boxes.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = int(i);
    std::sort(order.begin(), order.end(), [&](int a, int b) { return boxes[a].x < boxes[b].x; });
    for (std::size_t i = 0; i < order.size(); ++i) {
        const LayoutRect& a = boxes[order[i]];
        for (std::size_t j = i + 1; j < order.size() && boxes[order[j]].x < a.right(); ++j) {
            const LayoutRect& b = boxes[order[j]];
            // Touching within a rounding error is fine.
            const LayoutRect shrunk{b.x + 0.5, b.y + 0.5, b.w - 1, b.h - 1};
            if (a.intersects(shrunk))
                return QStringLiteral("%1 overlaps %2").arg(names[order[i]], names[order[j]]);
        }
    }
    return {};
}

} // namespace

class TestLayout : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void shapeLabels();
    void drawableGraph_data();
    void drawableGraph();
    void constantsInline();
    void schemaNames();
    void layoutFixtures_data();
    void layoutFixtures();
    void chunking();
    void stubsForLongEdges();
    void horizontal();
    void cacheReuse();
    void concurrentLayouts();
    void concurrentDotRuns();
    void manyLayoutsInOneProcess();
    void workerProcesses();
    void dotOutputBytes();
    void workerFrames();
    void cancel();
    void streaming();
    void bezier();
};

void TestLayout::initTestCase() { clearLayoutCache(); }

void TestLayout::shapeLabels()
{
    ValueType t;
    QCOMPARE(shapeLabel(t), std::string());
    t.hasShape = true;
    QCOMPARE(shapeLabel(t), std::string("scalar"));
    t.dims = {Dim{1, {}}, Dim{-1, "batch"}, Dim{-1, {}}, Dim{64, {}}};
    QCOMPARE(shapeLabel(t), std::string("1\u00d7batch\u00d7?\u00d764"));
    // ONNX inference's made-up names for dims it could not infer read as unknown.
    t.elemType = 1;
    t.dims = {Dim{-1, "batch"}, Dim{-1, "unk__0"}, Dim{-1, "unk__12"}, Dim{8, {}}};
    QCOMPARE(shapeLabel(t), std::string("batch\u00d7?\u00d7?\u00d78"));
    QCOMPARE(t.toString(), std::string("float[batch,?,?,8]"));
    // The transformer fixture's attention has such dims after inference: none is drawn.
    const Model m = openModel(dataPath("transformer_dyn.onnx").toStdString());
    int placeholders = 0;
    for (const auto& [name, type] : m.graph.types)
        for (const Dim& d : type.dims)
            placeholders += d.placeholder() ? 1 : 0;
    QVERIFY(placeholders > 0);
    for (const LayoutEdge& e : buildLayoutGraph(m.graph).edges)
        QVERIFY2(e.label.find("unk__") == std::string::npos, e.label.c_str());
}

void TestLayout::drawableGraph_data()
{
    QTest::addColumn<QString>("file");
    for (const char* f : {"seed_static.onnx", "seed_dynamic.onnx", "seed_bn.onnx", "seed_view.onnx", "transformer_dyn.onnx",
                          "tiny_resnet.onnx", "if_model.onnx", "loop_model.onnx", "opset18.onnx", "opset21.onnx",
                          "custom_domain.onnx", "fp16_bf16.onnx", "external_data.onnx"})
        QTest::newRow(f) << QString::fromLatin1(f);
}

void TestLayout::drawableGraph()
{
    QFETCH(QString, file);
    const Model m = openModel(dataPath(file).toStdString());
    const Graph& g = m.graph;
    const LayoutGraph lg = drawable(m);

    // Expected nodes: every op but the Constants read by other nodes, plus inputs and outputs.
    std::set<std::string> inits, outputs;
    for (const auto& i : g.initializers)
        inits.insert(i.name);
    for (const auto& o : g.outputs)
        outputs.insert(o.name);
    std::map<std::string, int> reads;
    for (const Node& n : g.nodes)
        for (const std::string& in : n.inputs)
            ++reads[in];
    std::set<NodeId> inlined;
    for (const Node& n : g.nodes)
        if (n.opType == "Constant" && n.outputs.size() == 1 && reads[n.outputs[0]] > 0 && !outputs.count(n.outputs[0]))
            inlined.insert(n.id);
    std::size_t inputs = 0;
    for (const auto& in : g.inputs)
        inputs += inits.count(in.name) ? 0 : 1;
    QCOMPARE(lg.nodes.size(), g.nodes.size() - inlined.size() + inputs + g.outputs.size());

    // Every NodeId is drawn somewhere; inlined ones by a consumer that lists them.
    for (const Node& n : g.nodes) {
        const int at = lg.findNode(n.id);
        QVERIFY2(at >= 0, n.label().c_str());
        if (inlined.count(n.id)) {
            bool listed = false;
            for (const NodeRow& r : lg.nodes[at].rows)
                listed |= r.constant == n.id;
            QVERIFY2(listed, n.label().c_str());
        } else {
            QCOMPARE(lg.nodes[at].id, n.id);
        }
    }

    // Edges: one per (value, consumer) whose producer is drawn; all go forward.
    std::set<std::pair<std::string, int>> expected;
    std::map<std::string, int> producer;
    for (std::size_t i = 0; i < lg.nodes.size(); ++i) {
        const LayoutNode& ln = lg.nodes[i];
        if (ln.kind == LayoutNodeKind::Input)
            producer[ln.name] = int(i);
        if (ln.kind == LayoutNodeKind::Op)
            for (const std::string& o : g.findNode(ln.id)->outputs)
                producer[o] = int(i);
    }
    for (std::size_t i = 0; i < lg.nodes.size(); ++i) {
        const LayoutNode& ln = lg.nodes[i];
        std::vector<std::string> ins;
        if (ln.kind == LayoutNodeKind::Op) {
            const Node* n = g.findNode(ln.id);
            ins = n->inputs;
            for (const Subgraph& sg : n->subgraphs)
                for (const std::string& r : outerScopeReads(*sg.graph))
                    ins.push_back(r);
        } else if (ln.kind == LayoutNodeKind::Output) {
            ins = {ln.name};
        }
        for (const std::string& v : ins)
            if (producer.count(v) && producer[v] != int(i))
                expected.insert({v, int(i)});
    }
    std::set<std::pair<std::string, int>> actual;
    for (const LayoutEdge& e : lg.edges) {
        QVERIFY(e.from >= 0 && e.to >= 0);
        QVERIFY2(e.from < e.to, e.value.c_str());
        QCOMPARE(e.from, producer[e.value]);
        QVERIFY2(actual.insert({e.value, e.to}).second, e.value.c_str());
    }
    QCOMPARE(actual, expected);
}

void TestLayout::constantsInline()
{
    const Model m = openModel(dataPath("transformer_dyn.onnx").toStdString());
    const LayoutGraph lg = drawable(m);
    for (const LayoutNode& n : lg.nodes)
        QVERIFY(n.opType != "Constant");
    LayoutGraphOptions off;
    off.inlineConstants = false;
    const LayoutGraph all = buildLayoutGraph(m.graph, off);
    int constants = 0;
    for (const LayoutNode& n : all.nodes)
        constants += n.opType == "Constant";
    QCOMPARE(constants, 68);
    QCOMPARE(all.nodes.size(), lg.nodes.size() + 68);
}

void TestLayout::schemaNames()
{
    QCOMPARE(schemaInputName("Conv", "", 13, 1), std::string("W"));
    QCOMPARE(schemaInputName("Conv", "", 13, 2), std::string("B"));
    QCOMPARE(schemaInputName("Reshape", "", 13, 1), std::string("shape"));
    QCOMPARE(schemaInputName("Concat", "", 13, 3), std::string("inputs"));
    QCOMPARE(schemaInputName("MyOp", "com.example", 1, 0), std::string("input 0"));
    const Model m = openModel(dataPath("seed_static.onnx").toStdString());
    const LayoutGraph lg = drawable(m);
    bool sawConvWeight = false;
    for (const LayoutNode& n : lg.nodes)
        if (n.opType == "Conv") {
            QCOMPARE(n.rows.size(), std::size_t(2));
            QCOMPARE(n.rows[0].label, std::string("W"));
            QVERIFY(n.rows[0].text.find("\u27e816\u00d73\u00d73\u00d73\u27e9") != std::string::npos ||
                    n.rows[0].text.find("\u27e864\u00d716\u00d75\u00d75\u27e9") != std::string::npos);
            sawConvWeight = true;
        }
    QVERIFY(sawConvWeight);
}

void TestLayout::layoutFixtures_data() { drawableGraph_data(); }

void TestLayout::layoutFixtures()
{
    QFETCH(QString, file);
    const Model m = openModel(dataPath(file).toStdString());
    const LayoutGraph lg = drawable(m);
    const LayoutResult res = layoutGraph(lg);
    QVERIFY2(res.error.empty(), res.error.c_str());
    QVERIFY(!res.cancelled);
    QCOMPARE(res.nodes.size(), lg.nodes.size());
    QCOMPARE(res.edges.size(), lg.edges.size());
    for (std::size_t i = 0; i < lg.nodes.size(); ++i) {
        QCOMPARE(res.nodes[i].w, lg.nodes[i].width);
        QCOMPARE(res.nodes[i].h, lg.nodes[i].height);
        QVERIFY(res.bounds.x <= res.nodes[i].x && res.nodes[i].right() <= res.bounds.right());
    }
    const QString overlap = overlapReport(lg, res);
    QVERIFY2(overlap.isEmpty(), qPrintable(overlap));
    for (std::size_t e = 0; e < lg.edges.size(); ++e) {
        const EdgeGeometry& g = res.edges[e];
        QVERIFY(!g.pieces.empty());
        for (const auto& p : g.pieces)
            QVERIFY(p.size() >= 4 && (p.size() - 1) % 3 == 0);
        // Edges leave the producer's box and end on the consumer's.
        QVERIFY2(near(res.nodes[lg.edges[e].from], g.pieces.front().front(), 2.0), lg.edges[e].value.c_str());
        QVERIFY2(near(res.nodes[lg.edges[e].to], g.pieces.back().back(), 2.0), lg.edges[e].value.c_str());
    }
}

void TestLayout::chunking()
{
    const Model m = chainModel(60);
    const LayoutGraph lg = drawable(m);
    QVERIFY(lg.nodes.size() > 400);
    LayoutOptions o;
    const LayoutPlanInfo plan = planLayout(lg, o);
    QVERIFY(plan.chunkRanks.size() > 3);
    // Ranks grow along every edge; chunks are consecutive bands of ranks.
    for (const LayoutEdge& e : lg.edges)
        QVERIFY(plan.rank[e.to] > plan.rank[e.from]);
    for (std::size_t c = 1; c < plan.chunkRanks.size(); ++c)
        QCOMPARE(plan.chunkRanks[c].first, plan.chunkRanks[c - 1].second + 1);

    const LayoutResult res = layoutGraph(lg, o);
    QVERIFY2(res.error.empty(), res.error.c_str());
    QCOMPARE(int(res.chunks.size()), int(plan.chunkRanks.size()));
    // The chunks hold every node and every edge exactly once.
    std::vector<int> nodeSeen(lg.nodes.size(), 0), edgeSeen(lg.edges.size(), 0);
    for (const LayoutChunk& c : res.chunks) {
        QVERIFY(int(c.nodes.size()) <= o.maxChunkNodes + 8);
        for (int v : c.nodes)
            ++nodeSeen[v];
        for (int e : c.edges)
            ++edgeSeen[e];
    }
    for (int n : nodeSeen)
        QCOMPARE(n, 1);
    for (int n : edgeSeen)
        QCOMPARE(n, 1);
    const QString overlap = overlapReport(lg, res);
    QVERIFY2(overlap.isEmpty(), qPrintable(overlap));
    // Chunks are stacked top to bottom without overlapping.
    for (std::size_t c = 1; c < res.chunks.size(); ++c)
        QVERIFY(res.chunks[c].bounds.y >= res.chunks[c - 1].bounds.bottom());
    // Edges that cross chunks are joined: they start at the producer and end at the consumer.
    for (std::size_t e = 0; e < lg.edges.size(); ++e) {
        const EdgeGeometry& g = res.edges[e];
        QVERIFY(near(res.nodes[lg.edges[e].from], g.pieces.front().front(), 2.0));
        QVERIFY(near(res.nodes[lg.edges[e].to], g.pieces.back().back(), 2.0));
    }
    // The main path stays straight: the chunks line up instead of drifting sideways.
    QVERIFY2(res.bounds.w < 600, qPrintable(QString::number(res.bounds.w)));
}

void TestLayout::stubsForLongEdges()
{
    const Model m = chainModel(60);
    const LayoutGraph lg = drawable(m);
    const LayoutResult res = layoutGraph(lg);
    QVERIFY(res.stats.stubbedEdges >= 1);
    int stubbedShape = -1;
    for (std::size_t e = 0; e < lg.edges.size(); ++e)
        if (lg.edges[e].value == "xshape")
            stubbedShape = int(e);
    QVERIFY(stubbedShape >= 0);
    const EdgeGeometry& g = res.edges[stubbedShape];
    QVERIFY(g.stubbed);
    QCOMPARE(g.pieces.size(), std::size_t(2));
    const LayoutStub& out = res.stubs[g.stubOut];
    const LayoutStub& in = res.stubs[g.stubIn];
    QVERIFY(out.outgoing);
    QVERIFY(!in.outgoing);
    QCOMPARE(out.node, lg.edges[stubbedShape].from);
    QCOMPARE(in.node, lg.edges[stubbedShape].to);
    QCOMPARE(in.peers, std::vector<int>{lg.edges[stubbedShape].from});
    QVERIFY(std::find(out.peers.begin(), out.peers.end(), lg.edges[stubbedShape].to) != out.peers.end());
    // Each stub sits next to its node: the outgoing one below the producer, the incoming one
    // above the consumer.
    QVERIFY(out.box.y >= res.nodes[out.node].bottom() - 0.01);
    QVERIFY(out.box.y - res.nodes[out.node].bottom() < 80);
    QVERIFY(in.box.bottom() <= res.nodes[in.node].y + 0.01);
    QVERIFY(res.nodes[in.node].y - in.box.bottom() < 80);
    // Small graphs keep every edge.
    const LayoutResult small = layoutGraph(drawable(chainModel(5)));
    QCOMPARE(small.stats.stubbedEdges, 0);
    QCOMPARE(small.stats.chunks, 1);
}

void TestLayout::horizontal()
{
    const Model m = chainModel(50);
    const LayoutGraph lg = drawable(m);
    LayoutOptions o;
    o.direction = LayoutOptions::Direction::LeftToRight;
    const LayoutResult res = layoutGraph(lg, o);
    QVERIFY2(res.error.empty(), res.error.c_str());
    QVERIFY(res.stats.chunks > 1);
    QVERIFY(res.bounds.w > res.bounds.h);
    const QString overlap = overlapReport(lg, res);
    QVERIFY2(overlap.isEmpty(), qPrintable(overlap));
    for (std::size_t c = 1; c < res.chunks.size(); ++c)
        QVERIFY(res.chunks[c].bounds.x >= res.chunks[c - 1].bounds.right());
    for (std::size_t e = 0; e < lg.edges.size(); ++e)
        if (!res.edges[e].stubbed)
            QVERIFY(res.nodes[lg.edges[e].to].x > res.nodes[lg.edges[e].from].x);
}

void TestLayout::cacheReuse()
{
    clearLayoutCache();
    const LayoutGraph lg = drawable(chainModel(60));
    const LayoutResult first = layoutGraph(lg);
    QVERIFY(layoutCacheSize() > 0);
    const LayoutResult second = layoutGraph(lg);
    QVERIFY(second.stats.cacheHits > 0);
    QVERIFY(second.stats.cacheHits <= first.stats.chunks);
    for (const LayoutChunk& c : second.chunks)
        QVERIFY(c.cached);
    for (std::size_t i = 0; i < lg.nodes.size(); ++i) {
        QCOMPARE(second.nodes[i].x, first.nodes[i].x);
        QCOMPARE(second.nodes[i].y, first.nodes[i].y);
    }
    // Without the cache every chunk is laid out, with the same result.
    LayoutOptions cold;
    cold.cache = false;
    const LayoutResult third = layoutGraph(lg, cold);
    QCOMPARE(third.stats.cacheHits, 0);
    for (std::size_t i = 0; i < lg.nodes.size(); ++i) {
        QCOMPARE(third.nodes[i].x, first.nodes[i].x);
        QCOMPARE(third.nodes[i].y, first.nodes[i].y);
    }
}

void TestLayout::concurrentLayouts()
{
    // Several layouts at once (each with its own chunk workers) give what they give alone.
    std::vector<LayoutGraph> graphs;
    for (const char* f : {"transformer_dyn.onnx", "seed_static.onnx", "tiny_resnet.onnx", "seed_view.onnx"})
        graphs.push_back(drawable(openModel(dataPath(f).toStdString())));
    graphs.push_back(drawable(chainModel(45)));
    graphs.push_back(drawable(chainModel(70)));
    LayoutOptions o;
    o.cache = false;
    o.threads = 3;
    std::vector<LayoutResult> serial;
    for (const LayoutGraph& g : graphs)
        serial.push_back(layoutGraph(g, o));

    for (int round = 0; round < 2; ++round) {
        std::vector<LayoutResult> parallel(graphs.size() * 2);
        std::vector<std::thread> threads;
        for (std::size_t i = 0; i < parallel.size(); ++i)
            threads.emplace_back([&, i] { parallel[i] = layoutGraph(graphs[i % graphs.size()], o); });
        for (std::thread& t : threads)
            t.join();
        for (std::size_t i = 0; i < parallel.size(); ++i) {
            const LayoutResult& a = parallel[i];
            const LayoutResult& b = serial[i % graphs.size()];
            QVERIFY2(a.error.empty(), a.error.c_str());
            QCOMPARE(a.nodes.size(), b.nodes.size());
            for (std::size_t n = 0; n < a.nodes.size(); ++n) {
                QCOMPARE(a.nodes[n].x, b.nodes[n].x);
                QCOMPARE(a.nodes[n].y, b.nodes[n].y);
            }
            for (std::size_t e = 0; e < a.edges.size(); ++e)
                QCOMPARE(a.edges[e].pieces.size(), b.edges[e].pieces.size());
        }
    }
    QVERIFY(graphvizContextCount() >= 1);
}

void TestLayout::concurrentDotRuns()
{
    // runDot itself from many threads: every thread gets its own Graphviz context, the runs are
    // serialised, and every caller gets the same answer.
    DotInput in;
    for (int i = 0; i < 30; ++i)
        in.boxes.emplace_back(60 + i % 5 * 10, 30);
    for (int i = 1; i < 30; ++i)
        in.edges.emplace_back((i - 1) / 2, i);
    const DotOutput ref = runDot(in);
    std::atomic<int> mismatches{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 6; ++t)
        threads.emplace_back([&] {
            for (int k = 0; k < 5; ++k) {
                const DotOutput out = runDot(in);
                for (std::size_t i = 0; i < out.centers.size(); ++i)
                    if (out.centers[i].x != ref.centers[i].x || out.centers[i].y != ref.centers[i].y)
                        ++mismatches;
            }
        });
    for (std::thread& t : threads)
        t.join();
    QCOMPARE(mismatches.load(), 0);
    QVERIFY(graphvizContextCount() >= 2);
}

void TestLayout::manyLayoutsInOneProcess()
{
    // Graphviz 2.4x's decompose() marks nodes with a char counter that wraps every 255 calls; a
    // layout whose first decompose() gets the value 1 loses nodes that other passes marked 1, and
    // its second call crashes dot. Mixed graphs laid out over and over in one process (about a
    // thousand dot runs) crashed without the guard in DotLayout.cpp.
    std::vector<LayoutGraph> graphs;
    graphs.push_back(drawable(openModel(dataPath("transformer_dyn.onnx").toStdString())));
    graphs.push_back(drawable(openModel(dataPath("seed_static.onnx").toStdString())));
    graphs.push_back(drawable(chainModel(45)));
    graphs.push_back(drawable(chainModel(70)));
    LayoutOptions o;
    o.cache = false;
    o.processes = 1;
    o.threads = 1;
    std::mt19937 rng(6);
    int runs = 0;
    while (runs < 1100) {
        std::vector<int> order{0, 1, 2, 3, 0, 1, 2, 3};
        std::shuffle(order.begin(), order.end(), rng);
        for (int i : order) {
            const LayoutResult r = layoutGraph(graphs[i], o);
            QVERIFY2(r.error.empty(), r.error.c_str());
            runs += r.stats.chunks;
        }
    }
}

void TestLayout::workerProcesses()
{
    // Forked Graphviz workers give exactly the in-process result, also when several layouts fork
    // at the same time.
    const LayoutGraph lg = drawable(chainModel(80));
    LayoutOptions one;
    one.cache = false;
    one.processes = 1;
    const LayoutResult ref = layoutGraph(lg, one);
    QCOMPARE(ref.stats.processes, 0);
    LayoutOptions many = one;
    many.processes = 3;
    many.minJobsForProcesses = 2;
    std::vector<LayoutResult> results(3);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < results.size(); ++i)
        threads.emplace_back([&, i] { results[i] = layoutGraph(lg, many); });
    for (std::thread& t : threads)
        t.join();
    for (const LayoutResult& r : results) {
        QVERIFY2(r.error.empty(), r.error.c_str());
        if (std::thread::hardware_concurrency() > 1)
            QVERIFY(r.stats.processes >= 1);
        QCOMPARE(r.nodes.size(), ref.nodes.size());
        for (std::size_t n = 0; n < r.nodes.size(); ++n) {
            QCOMPARE(r.nodes[n].x, ref.nodes[n].x);
            QCOMPARE(r.nodes[n].y, ref.nodes[n].y);
        }
        for (std::size_t e = 0; e < r.edges.size(); ++e) {
            QCOMPARE(r.edges[e].pieces.size(), ref.edges[e].pieces.size());
            QCOMPARE(r.edges[e].pieces.back().back().y, ref.edges[e].pieces.back().back().y);
        }
    }
    // Cancelling stops the workers too.
    std::atomic<bool> stop{false};
    LayoutCallbacks cb;
    cb.cancel = &stop;
    cb.chunkReady = [&](const LayoutChunkUpdate&) { stop = true; };
    const LayoutResult cancelled = layoutGraph(lg, many, cb);
    QVERIFY(cancelled.cancelled || cancelled.stats.chunks <= 1);
}

void TestLayout::dotOutputBytes()
{
    DotOutput out;
    out.width = 10.5;
    out.height = 20.25;
    out.ms = 1;
    out.centers = {{1, 2}, {3, 4}};
    out.splines = {{{0, 0}, {1, 1}, {2, 2}, {3, 3}}, {}};
    std::string bytes;
    appendDotOutput(bytes, out);
    DotOutput back;
    const char* p = bytes.data();
    QVERIFY(readDotOutput(p, bytes.data() + bytes.size(), back));
    QCOMPARE(p, bytes.data() + bytes.size());
    QCOMPARE(back.width, 10.5);
    QCOMPARE(back.centers.size(), std::size_t(2));
    QCOMPARE(back.centers[1].y, 4.0);
    QCOMPARE(back.splines[0].size(), std::size_t(4));
    QCOMPARE(back.splines[1].size(), std::size_t(0));
    p = bytes.data();
    QVERIFY(!readDotOutput(p, bytes.data() + bytes.size() - 3, back));
}

// The worker protocol on its own: frames split at every possible byte survive reassembly,
// a malformed payload is skipped without losing the frames after it.
void TestLayout::workerFrames()
{
    DotOutput a;
    a.width = 3;
    a.centers = {{1, 2}};
    DotOutput b;
    b.height = 7;
    b.splines = {{{0, 0}, {1, 1}, {2, 2}, {3, 3}}};
    std::string stream;
    dotworkers::appendFrame(stream, 4, a);
    const std::size_t firstEnd = stream.size();
    dotworkers::appendFrame(stream, 9, b);
    for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
        dotworkers::FrameReader reader;
        std::vector<std::pair<int, DotOutput>> got;
        auto onJob = [&](int j, DotOutput&& out) { got.emplace_back(j, std::move(out)); };
        reader.feed(stream.data(), cut, onJob);
        QCOMPARE(got.size(), std::size_t(cut >= stream.size() ? 2 : cut >= firstEnd ? 1 : 0));
        reader.feed(stream.data() + cut, stream.size() - cut, onJob);
        QCOMPARE(got.size(), std::size_t(2));
        QCOMPARE(reader.pending(), std::size_t(0));
        QCOMPARE(got[0].first, 4);
        QCOMPARE(got[0].second.centers[0].y, 2.0);
        QCOMPARE(got[1].first, 9);
        QCOMPARE(got[1].second.splines[0].size(), std::size_t(4));
    }
    // A frame whose payload is cut short inside (length says 3 bytes) is dropped; the next one
    // still arrives.
    std::string bad(8, '\0');
    const int32_t job = 1;
    const uint32_t len = 3;
    std::memcpy(&bad[0], &job, 4);
    std::memcpy(&bad[4], &len, 4);
    bad.append("xyz");
    dotworkers::appendFrame(bad, 2, a);
    dotworkers::FrameReader reader;
    std::vector<int> jobs;
    reader.feed(bad.data(), bad.size(), [&](int j, DotOutput&&) { jobs.push_back(j); });
    QCOMPARE(jobs, std::vector<int>{2});
}

void TestLayout::cancel()
{
    const LayoutGraph lg = drawable(chainModel(60));
    std::atomic<bool> stop{true};
    LayoutCallbacks cb;
    cb.cancel = &stop;
    LayoutOptions o;
    o.cache = false;
    const LayoutResult res = layoutGraph(lg, o, cb);
    QVERIFY(res.cancelled);
    QVERIFY(res.error.empty());
}

void TestLayout::streaming()
{
    const LayoutGraph lg = drawable(chainModel(60));
    std::vector<int> order;
    std::size_t nodes = 0, edges = 0;
    int lastDone = 0;
    LayoutCallbacks cb;
    cb.chunkReady = [&](const LayoutChunkUpdate& up) {
        order.push_back(up.chunk);
        nodes += up.nodes.size();
        edges += up.edges.size();
    };
    cb.progress = [&](int done, int) { lastDone = done; };
    const LayoutResult res = layoutGraph(lg, {}, cb);
    QCOMPARE(int(order.size()), res.stats.chunks);
    for (std::size_t i = 0; i < order.size(); ++i)
        QCOMPARE(order[i], int(i));
    QCOMPARE(nodes, lg.nodes.size());
    QCOMPARE(edges, lg.edges.size());
    QCOMPARE(lastDone, res.stats.chunks);
}

void TestLayout::bezier()
{
    const std::vector<LayoutPoint> line{{0, 0}, {1, 1}, {2, 2}, {3, 3}};
    const LayoutPoint mid = bezierPoint(line, 0.5);
    QCOMPARE(mid.x, 1.5);
    QCOMPARE(mid.y, 1.5);
    const LayoutPoint end = bezierPoint(line, 1.0);
    QCOMPARE(end.x, 3.0);
}

QTEST_GUILESS_MAIN(TestLayout)
#include "tst_layout.moc"
