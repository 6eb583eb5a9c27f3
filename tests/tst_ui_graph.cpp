// The graph view: items per node and edge, selection by NodeId, highlights, search, level of
// detail, SVG/PNG export, the main window and `netfold --screenshot`.
#include "ModelBuilder.h"
#include "TestModels.h"
#include "TestSupport.h"

#include "ChunkItem.h"
#include "EdgeItem.h"
#include "GraphScene.h"
#include "GraphStyle.h"
#include "GraphView.h"
#include "MainWindow.h"
#include "NodeItem.h"
#include "SearchPanel.h"
#include "StubItem.h"
#include "model/DataType.h"
#include "model/ModelIO.h"
#include "shape/Open.h"

#include <QBuffer>
#include <QLineEdit>
#include <QListWidget>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QXmlStreamReader>
#include <QtTest>

using namespace netfold;
using namespace netfold::test;

namespace {

std::shared_ptr<Model> load(const QString& file)
{
    return std::make_shared<Model>(openModel(dataPath(file).toStdString()));
}

std::shared_ptr<const Graph> graphOf(const std::shared_ptr<Model>& m)
{
    return std::shared_ptr<const Graph>(m, &m->graph);
}

/// A long residual chain (chunked, with one stubbed edge).
std::shared_ptr<Model> sharedChainModel(int blocks) { return std::make_shared<Model>(chainModel(blocks)); }

/// Boxes of two node items overlap (scene coordinates).
QString overlaps(const QVector<NodeItem*>& items)
{
    QVector<QRectF> boxes;
    for (NodeItem* n : items)
        boxes.push_back(n->box().translated(n->scenePos()).adjusted(0.5, 0.5, -0.5, -0.5));
    QVector<int> order(boxes.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int a, int b) { return boxes[a].x() < boxes[b].x(); });
    for (int i = 0; i < order.size(); ++i)
        for (int j = i + 1; j < order.size() && boxes[order[j]].x() < boxes[order[i]].right(); ++j)
            if (boxes[order[i]].intersects(boxes[order[j]]))
                return items[order[i]]->visual().title + QStringLiteral(" overlaps ") + items[order[j]]->visual().title;
    return {};
}

} // namespace

class TestUiGraph : public QObject {
    Q_OBJECT
private slots:
    void style();
    void itemsPerNodeAndEdge_data();
    void itemsPerNodeAndEdge();
    void chunkedScene();
    void selection();
    void selectionByClick();
    void constantSelection();
    void highlights();
    void search();
    void searchPanel();
    void levelOfDetail();
    void svgExport();
    void imageExport();
    void horizontalRelayout();
    void twoViewsAtOnce();
    void mainWindow();
    void screenshot();
};

void TestUiGraph::style()
{
    const GraphStyle& s = GraphStyle::standard();
    QCOMPARE(s.category(s.categoryOf("Conv")).name, QStringLiteral("layer"));
    QCOMPARE(s.category(s.categoryOf("Relu")).name, QStringLiteral("activation"));
    QCOMPARE(s.category(s.categoryOf("BatchNormalization")).name, QStringLiteral("normalisation"));
    QCOMPARE(s.category(s.categoryOf("MaxPool")).name, QStringLiteral("pooling"));
    QCOMPARE(s.category(s.categoryOf("Reshape")).name, QStringLiteral("shape"));
    QCOMPARE(s.category(s.categoryOf("Concat")).name, QStringLiteral("data"));
    QCOMPARE(s.category(s.categoryOf("Where")).name, QStringLiteral("logic"));
    QCOMPARE(s.category(s.categoryOf("Constant")).name, QStringLiteral("constant"));
    QCOMPARE(s.category(s.categoryOf("NoSuchOp")).name, QStringLiteral("default"));
    QVERIFY(s.stateColor(HighlightState::Removed).isValid());
    QVERIFY(s.stateColor(HighlightState::Folded) != s.stateColor(HighlightState::Added));
    QString error;
    const GraphStyle broken = GraphStyle::fromJson("not json", &error);
    QVERIFY(!error.isEmpty());
    QCOMPARE(broken.category(broken.categoryOf("Conv")).name, QStringLiteral("default"));
}

void TestUiGraph::itemsPerNodeAndEdge_data()
{
    QTest::addColumn<QString>("file");
    for (const char* f : {"seed_static.onnx", "seed_bn.onnx", "seed_view.onnx", "transformer_dyn.onnx", "tiny_resnet.onnx",
                          "if_model.onnx", "loop_model.onnx", "opset18.onnx", "custom_domain.onnx", "fp16_bf16.onnx"})
        QTest::newRow(f) << QString::fromLatin1(f);
}

void TestUiGraph::itemsPerNodeAndEdge()
{
    QFETCH(QString, file);
    auto model = load(file);
    GraphScene scene;
    QSignalSpy finished(&scene, &GraphScene::layoutFinished);
    scene.setGraph(graphOf(model), model->opsetVersion(""));
    QVERIFY(scene.waitForLayout());
    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished.at(0).at(0).toBool(), true);
    QVERIFY(scene.isLayoutComplete());
    const LayoutGraph& lg = scene.layoutGraph();
    QCOMPARE(scene.nodeItems().size(), int(lg.nodes.size()));
    QCOMPARE(scene.edgeItems().size(), int(lg.edges.size()));
    // Graph inputs (not initializers) and outputs are nodes of their own.
    for (const ValueInfo& out : model->graph.outputs)
        QVERIFY(scene.outputItem(QString::fromStdString(out.name)));
    // Every NodeId of the graph leads to an item (inlined Constants to their consumer).
    for (const Node& n : model->graph.nodes) {
        NodeItem* item = scene.nodeItem(n.id);
        QVERIFY2(item, n.label().c_str());
        if (n.opType != "Constant")
            QCOMPARE(item->nodeId(), n.id);
    }
    // Counted independently: one item per drawn item type.
    int nodes = 0, edges = 0;
    for (QGraphicsItem* i : scene.items()) {
        nodes += i->type() == NodeItem::Type;
        edges += i->type() == EdgeItem::Type;
    }
    QCOMPARE(nodes, int(lg.nodes.size()));
    QCOMPARE(edges, int(lg.edges.size()));
    const QString overlap = overlaps(scene.nodeItems());
    QVERIFY2(overlap.isEmpty(), qPrintable(overlap));
    // Sizes come from the font: the title fits in its box.
    for (NodeItem* n : scene.nodeItems())
        QVERIFY(n->visual().titleWidth <= n->box().width());
}

void TestUiGraph::chunkedScene()
{
    auto model = sharedChainModel(60);
    GraphScene scene;
    QSignalSpy chunks(&scene, &GraphScene::chunkAdded);
    scene.setGraph(graphOf(model), 13);
    QVERIFY(scene.waitForLayout());
    QVERIFY(scene.chunkCount() > 3);
    QCOMPARE(chunks.size(), scene.chunkCount());
    QCOMPARE(scene.nodeItems().size(), int(scene.layoutGraph().nodes.size()));
    QCOMPARE(scene.edgeItems().size(), int(scene.layoutGraph().edges.size()));
    QVERIFY(!scene.stubItems().isEmpty());
    const QString overlap = overlaps(scene.nodeItems());
    QVERIFY2(overlap.isEmpty(), qPrintable(overlap));
    // A stub click selects the node at the other end.
    QSignalSpy centre(&scene, &GraphScene::centerRequested);
    StubItem* incoming = nullptr;
    for (StubItem* s : scene.stubItems())
        if (s && !s->isOutgoing())
            incoming = s;
    QVERIFY(incoming);
    QVERIFY(incoming->text().startsWith(QStringLiteral("from Shape")));
    scene.activateStub(incoming->stubIndex());
    QCOMPARE(centre.size(), 1);
    NodeItem* shape = scene.nodeItem(scene.selectedNode());
    QVERIFY(shape);
    QCOMPARE(shape->visual().title, QStringLiteral("Shape"));
}

void TestUiGraph::selection()
{
    auto model = load("seed_static.onnx");
    GraphScene scene;
    scene.setGraph(graphOf(model), 15);
    QVERIFY(scene.waitForLayout());
    QSignalSpy spy(&scene, &GraphScene::nodeSelected);
    const NodeId conv = model->graph.nodes[4].opType == "Conv" ? model->graph.nodes[4].id : [&] {
        for (const Node& n : model->graph.nodes)
            if (n.opType == "Conv")
                return n.id;
        return kNoNode;
    }();
    scene.selectNode(conv);
    QCOMPARE(spy.size(), 1);
    QCOMPARE(spy.at(0).at(0).value<NodeId>(), conv);
    QCOMPARE(scene.selectedNode(), conv);
    QVERIFY(scene.nodeItem(conv)->isSelected());
    // Its edges are emphasised.
    int emphasised = 0;
    for (EdgeItem* e : scene.edgeItems())
        emphasised += e->emphasis();
    QCOMPARE(emphasised, int(scene.edgesOf(scene.nodeItem(conv)->layoutIndex()).size()));
    // Same node again: no signal. Another node: one signal.
    scene.selectNode(conv);
    QCOMPARE(spy.size(), 1);
    const NodeId relu = [&] {
        for (const Node& n : model->graph.nodes)
            if (n.opType == "Relu")
                return n.id;
        return kNoNode;
    }();
    scene.selectNode(relu);
    QCOMPARE(spy.size(), 2);
    QVERIFY(!scene.nodeItem(conv)->isSelected());
    QVERIFY(scene.nodeItem(relu)->isSelected());
    scene.selectNode(kNoNode);
    QCOMPARE(spy.size(), 3);
    QCOMPARE(spy.at(2).at(0).value<NodeId>(), kNoNode);
    QVERIFY(scene.selectedItems().isEmpty());
}

void TestUiGraph::selectionByClick()
{
    auto model = load("seed_static.onnx");
    GraphView view;
    view.resize(900, 900);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.graphScene()->setGraph(graphOf(model), 15);
    QVERIFY(view.graphScene()->waitForLayout());
    view.resetZoom();
    NodeItem* gemm = nullptr;
    for (NodeItem* n : view.graphScene()->nodeItems())
        if (n->visual().title == QStringLiteral("Gemm"))
            gemm = n;
    QVERIFY(gemm);
    view.centerOn(gemm);
    QSignalSpy spy(view.graphScene(), &GraphScene::nodeSelected);
    const QPoint at = view.mapFromScene(gemm->sceneBoundingRect().center());
    QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, at);
    QCOMPARE(spy.size(), 1);
    QCOMPARE(spy.at(0).at(0).value<NodeId>(), gemm->nodeId());
    // A click on the background clears the selection.
    QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, QPoint(2, 2));
    QCOMPARE(spy.size(), 2);
    QCOMPARE(view.graphScene()->selectedNode(), kNoNode);
}

void TestUiGraph::constantSelection()
{
    auto model = load("transformer_dyn.onnx");
    GraphScene scene;
    scene.setGraph(graphOf(model), model->opsetVersion(""));
    QVERIFY(scene.waitForLayout());
    const Node* constant = nullptr;
    for (const Node& n : model->graph.nodes)
        if (n.opType == "Constant")
            constant = &n;
    QVERIFY(constant);
    QSignalSpy spy(&scene, &GraphScene::nodeSelected);
    scene.selectNode(constant->id);
    QCOMPARE(spy.size(), 1);
    QCOMPARE(scene.selectedNode(), constant->id);
    NodeItem* host = scene.nodeItem(constant->id);
    QVERIFY(host);
    QVERIFY(host->isSelected());
    QVERIFY(host->nodeId() != constant->id);
    // The host's row for the constant resolves back to the constant's id.
    int row = -1;
    for (int r = 0; r < host->visual().rows.size(); ++r)
        if (host->visual().rows[r].constant == constant->id)
            row = r;
    QVERIFY(row >= 0);
    const GraphStyle& st = scene.style();
    const QPointF inRow(10, st.titleHeight + st.bodyPaddingY + (row + 0.5) * st.rowHeight);
    QCOMPARE(host->idAt(inRow), constant->id);
    QCOMPARE(host->idAt(QPointF(10, 5)), host->nodeId());
}

void TestUiGraph::highlights()
{
    auto model = load("transformer_dyn.onnx");
    GraphScene scene;
    scene.setGraph(graphOf(model), model->opsetVersion(""));
    QVERIFY(scene.waitForLayout());
    const Node* constant = nullptr;
    const Node* matmul = nullptr;
    for (const Node& n : model->graph.nodes) {
        if (n.opType == "Constant" && !constant)
            constant = &n;
        if (n.opType == "MatMul" && !matmul)
            matmul = &n;
    }
    const HighlightState states[] = {HighlightState::Removed, HighlightState::Folded, HighlightState::Fused,
                                     HighlightState::Added, HighlightState::Changed, HighlightState::None};
    for (HighlightState s : states) {
        scene.setHighlight(matmul->id, s);
        QCOMPARE(scene.highlight(matmul->id), s);
        QCOMPARE(scene.nodeItem(matmul->id)->highlight(), s);
    }
    scene.setHighlight(constant->id, HighlightState::Folded);
    NodeItem* host = scene.nodeItem(constant->id);
    QCOMPARE(host->rowHighlight(constant->id), HighlightState::Folded);
    QCOMPARE(host->highlight(), HighlightState::None);
    // Highlights survive a relayout (set before the items exist).
    scene.setHighlight(matmul->id, HighlightState::Changed);
    auto o = scene.options();
    o.direction = LayoutOptions::Direction::LeftToRight;
    scene.setOptions(o);
    QVERIFY(scene.waitForLayout());
    QCOMPARE(scene.nodeItem(matmul->id)->highlight(), HighlightState::Changed);
    scene.clearHighlights();
    QCOMPARE(scene.nodeItem(matmul->id)->highlight(), HighlightState::None);
    QCOMPARE(scene.nodeItem(constant->id)->rowHighlight(constant->id), HighlightState::None);
}

void TestUiGraph::search()
{
    auto model = load("seed_static.onnx");
    GraphScene scene;
    scene.setGraph(graphOf(model), 15);
    QVERIFY(scene.waitForLayout());
    // By op type.
    auto hits = scene.search(QStringLiteral("reshape"));
    QVERIFY(!hits.isEmpty());
    QVERIFY(hits.first().text.startsWith(QStringLiteral("Reshape")));
    QVERIFY(hits.first().matched == QStringLiteral("op") || hits.first().matched == QStringLiteral("name"));
    // By node name and by value name.
    const Node& some = model->graph.nodes.back();
    if (!some.name.empty()) {
        hits = scene.search(QString::fromStdString(some.name));
        QVERIFY(!hits.isEmpty());
        QCOMPARE(hits.first().id, some.id);
    }
    hits = scene.search(QStringLiteral("input0"));
    QVERIFY(!hits.isEmpty());
    QCOMPARE(hits.first().id, kNoNode);
    QVERIFY(hits.first().layoutNode >= 0);
    QVERIFY(scene.search(QStringLiteral("no such thing")).isEmpty());
    QVERIFY(scene.search(QString()).isEmpty());
}

void TestUiGraph::searchPanel()
{
    auto model = load("transformer_dyn.onnx");
    GraphView view;
    view.resize(800, 600);
    SearchPanel panel(&view);
    view.graphScene()->setGraph(graphOf(model), model->opsetVersion(""));
    QVERIFY(view.graphScene()->waitForLayout());
    panel.field()->setText(QStringLiteral("Softmax"));
    panel.search(panel.field()->text());
    // The two Softmax nodes first, then the nodes reading their outputs.
    QVERIFY(panel.results()->count() >= 2);
    QVERIFY(panel.results()->item(0)->text().startsWith(QStringLiteral("Softmax")));
    QVERIFY(panel.results()->item(1)->text().startsWith(QStringLiteral("Softmax")));
    QSignalSpy spy(view.graphScene(), &GraphScene::nodeSelected);
    QTest::keyClick(panel.field(), Qt::Key_Return);
    QCOMPARE(spy.size(), 1);
    NodeItem* item = view.graphScene()->nodeItem(view.graphScene()->selectedNode());
    QVERIFY(item);
    QCOMPARE(item->visual().title, QStringLiteral("Softmax"));
    QVERIFY(item->isSelected());
    // The view went there.
    QVERIFY(view.mapToScene(view.viewport()->rect()).boundingRect().intersects(item->sceneBoundingRect()));
    QTest::keyClick(panel.field(), Qt::Key_Return);
    QCOMPARE(spy.size(), 2);
}

void TestUiGraph::levelOfDetail()
{
    auto model = sharedChainModel(60);
    GraphView view;
    view.resize(800, 600);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    GraphScene* scene = view.graphScene();
    scene->setGraph(graphOf(model), 13);
    QVERIFY(scene->waitForLayout());
    view.resetZoom();
    QVERIFY(!scene->overviewMode());
    view.fitAll();
    QVERIFY(view.zoom() < GraphScene::kOverviewLod);
    QVERIFY(scene->overviewMode());
    // Far out the chunks draw their overview: the detail items are fully transparent.
    for (NodeItem* n : scene->nodeItems())
        QVERIFY(n->effectiveOpacity() == 0.0);
    view.viewport()->repaint();
    view.setZoom(1.0);
    QVERIFY(!scene->overviewMode());
    for (NodeItem* n : scene->nodeItems())
        QVERIFY(n->effectiveOpacity() == 1.0);
    view.viewport()->repaint();
    // Zoom keys.
    const qreal z = view.zoom();
    view.zoomIn();
    QVERIFY(view.zoom() > z);
    view.zoomOut();
    QVERIFY(qAbs(view.zoom() - z) < 1e-9);
    // Zoom to selection brings the node into view at a readable zoom.
    const NodeId last = model->graph.nodes.back().id;
    scene->selectNode(last);
    view.fitAll();
    view.zoomToSelection();
    QVERIFY(view.zoom() >= 1.0);
    QVERIFY(view.mapToScene(view.viewport()->rect()).boundingRect().contains(scene->nodeItem(last)->sceneBoundingRect().center()));
}

void TestUiGraph::svgExport()
{
    auto model = load("transformer_dyn.onnx");
    GraphScene scene;
    scene.setGraph(graphOf(model), model->opsetVersion(""));
    QVERIFY(scene.waitForLayout());
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QString error;
    QVERIFY2(scene.writeSvg(&buffer, &error), qPrintable(error));
    buffer.close();
    QXmlStreamReader xml(buffer.data());
    int nodeGroups = 0, edgeGroups = 0, texts = 0;
    bool sawSvg = false;
    QSet<QString> ids;
    while (!xml.atEnd()) {
        if (xml.readNext() != QXmlStreamReader::StartElement)
            continue;
        if (xml.name() == QLatin1String("svg"))
            sawSvg = true;
        if (xml.name() == QLatin1String("text"))
            ++texts;
        if (xml.name() != QLatin1String("g"))
            continue;
        const QString cls = xml.attributes().value(QLatin1String("class")).toString();
        if (cls.startsWith(QLatin1String("node "))) {
            ++nodeGroups;
            QVERIFY(!ids.contains(xml.attributes().value(QLatin1String("id")).toString()));
            ids.insert(xml.attributes().value(QLatin1String("id")).toString());
        }
        if (cls.startsWith(QLatin1String("edge")) && cls != QLatin1String("edges"))
            ++edgeGroups;
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QVERIFY(sawSvg);
    QCOMPARE(nodeGroups, scene.nodeItems().size());
    QCOMPARE(edgeGroups, scene.edgeItems().size());
    QVERIFY(texts >= nodeGroups);
    QVERIFY(ids.contains(QStringLiteral("node-%1").arg(model->graph.nodes.back().id)));
}

void TestUiGraph::imageExport()
{
    auto model = load("seed_static.onnx");
    GraphScene scene;
    scene.setGraph(graphOf(model), 15);
    QVERIFY(scene.waitForLayout());
    const QImage image = scene.renderImage(1.0);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() > 100 && image.height() > 300);
    // The Conv title colour of the style is in there.
    const QColor layer = scene.style().category(scene.style().categoryIndex(QStringLiteral("layer"))).title;
    bool found = false;
    for (int y = 0; y < image.height() && !found; y += 2)
        for (int x = 0; x < image.width() && !found; x += 2)
            found = QColor(image.pixel(x, y)) == layer;
    QVERIFY(found);
    const QImage capped = scene.renderImage(4.0, 200);
    QVERIFY(qMax(capped.width(), capped.height()) <= 201);
}

void TestUiGraph::horizontalRelayout()
{
    auto model = load("tiny_resnet.onnx");
    GraphScene scene;
    scene.setGraph(graphOf(model), model->opsetVersion(""));
    QVERIFY(scene.waitForLayout());
    const int nodes = scene.nodeItems().size();
    const QRectF vertical = scene.sceneRect();
    auto o = scene.options();
    o.direction = LayoutOptions::Direction::LeftToRight;
    scene.setOptions(o);
    QVERIFY(scene.isLayoutRunning() || scene.isLayoutComplete());
    QVERIFY(scene.waitForLayout());
    QCOMPARE(scene.nodeItems().size(), nodes);
    const QRectF horizontal = scene.sceneRect();
    QVERIFY(vertical.height() > vertical.width());
    QVERIFY(horizontal.width() > horizontal.height());
    // Attributes make nodes taller.
    const qreal before = scene.nodeItems().first()->box().height() + scene.nodeItems()[1]->box().height();
    o.attributes = true;
    scene.setOptions(o);
    QVERIFY(scene.waitForLayout());
    const qreal after = scene.nodeItems().first()->box().height() + scene.nodeItems()[1]->box().height();
    QVERIFY(after > before);
}

void TestUiGraph::twoViewsAtOnce()
{
    // Two scenes laying out at the same time (the compare view) both finish with all items.
    auto a = load("transformer_dyn.onnx");
    auto b = sharedChainModel(50);
    GraphView left, right;
    left.graphScene()->setGraph(graphOf(a), a->opsetVersion(""));
    right.graphScene()->setGraph(graphOf(b), 13);
    QVERIFY(left.graphScene()->isLayoutRunning() || left.graphScene()->isLayoutComplete());
    QVERIFY(right.graphScene()->waitForLayout());
    QVERIFY(left.graphScene()->waitForLayout());
    QCOMPARE(left.graphScene()->nodeItems().size(), int(left.graphScene()->layoutGraph().nodes.size()));
    QCOMPARE(right.graphScene()->nodeItems().size(), int(right.graphScene()->layoutGraph().nodes.size()));
    // Replacing the graph while a layout runs drops the old layout's results.
    left.graphScene()->setGraph(graphOf(b), 13);
    left.graphScene()->setGraph(graphOf(a), a->opsetVersion(""));
    QVERIFY(left.graphScene()->waitForLayout());
    QCOMPARE(left.graphScene()->nodeItems().size(), int(left.graphScene()->layoutGraph().nodes.size()));
    QCOMPARE(left.graphScene()->layoutGraph().nodes.size(), std::size_t(207));
}

void TestUiGraph::mainWindow()
{
    MainWindow w;
    QVERIFY(w.openFile(dataPath("seed_static.onnx")));
    QVERIFY(w.lastError().isEmpty());
    QVERIFY(w.graphScene()->waitForLayout());
    QCOMPARE(w.graphScene()->nodeItems().size(), 13);
    QCOMPARE(w.nodeList()->topLevelItemCount(), 15);
    // A failed open keeps the current model and says why.
    QVERIFY(!w.openFile(dataPath("bad/cycle.onnx")));
    QVERIFY(!w.lastError().isEmpty());
    QCOMPARE(w.graphScene()->nodeItems().size(), 13);
    // Find selects.
    w.showSearch();
    w.searchPanel()->search(QStringLiteral("Gemm"));
    QCOMPARE(w.searchPanel()->results()->count(), 1);
    // Export both formats.
    QTemporaryDir dir;
    QVERIFY(w.exportTo(dir.filePath("g.svg")));
    QVERIFY(w.exportTo(dir.filePath("g.png")));
    QVERIFY(QFileInfo(dir.filePath("g.svg")).size() > 1000);
    QVERIFY(!QImage(dir.filePath("g.png")).isNull());
}

void TestUiGraph::screenshot()
{
    const QString app = QCoreApplication::applicationDirPath() + QStringLiteral("/../app/netfold");
    if (!QFileInfo::exists(app))
        QSKIP("the netfold app is not built next to the tests");
    QTemporaryDir dir;
    const QString out = dir.filePath("shot.png");
    const ProcessResult r = run(app, {dataPath("seed_static.onnx"), QStringLiteral("--screenshot"), out}, 120000);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(QRegularExpression(QStringLiteral("^first paint: \\d+ ms\\n?$")).match(r.out).hasMatch(), qPrintable(r.out));
    const QImage image(out);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() >= 640 && image.height() >= 480);
    // Not blank: many colours, among them the style's layer colour (the Conv title bars).
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 3)
        for (int x = 0; x < image.width(); x += 3)
            colours.insert(image.pixel(x, y));
    QVERIFY(colours.size() > 20);
    const QRgb layer = GraphStyle::standard().category(GraphStyle::standard().categoryIndex("layer")).title.rgb();
    QVERIFY(colours.contains(layer));
    // A broken model fails cleanly.
    const ProcessResult bad = run(app, {dataPath("bad/cycle.onnx"), QStringLiteral("--screenshot"), out}, 60000);
    QCOMPARE(bad.exitCode, 1);
}

QTEST_MAIN(TestUiGraph)
#include "tst_ui_graph.moc"
