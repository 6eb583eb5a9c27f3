// The side-by-side compare view on the SEED model: highlights, stepping, selection sync.
#include "TestSupport.h"
#include "UiTestSupport.h"

#include "CompareView.h"
#include "GraphScene.h"
#include "GraphStyle.h"
#include "GraphView.h"
#include "NodeItem.h"
#include "PassTimeline.h"
#include "SimplifySession.h"

#include "model/ModelIO.h"
#include "shape/Open.h"

#include <QtTest>

#include <QTreeWidget>

using namespace netfold;
using namespace netfold::test;

namespace {

std::shared_ptr<const Model> load(const QString& name)
{
    return std::make_shared<const Model>(openModel(dataPath(name).toStdString()));
}

void waitIdle(SimplifySession& s) { QTRY_VERIFY_WITH_TIMEOUT(!s.busy(), 60000); }

void waitLayouts(CompareView& v)
{
    QVERIFY(v.leftView()->graphScene()->waitForLayout());
    QVERIFY(v.rightView()->graphScene()->waitForLayout());
    QCoreApplication::processEvents();
}

NodeId idOf(const Model& m, const std::string& op)
{
    for (const auto& n : m.graph.nodes)
        if (n.opType == op)
            return n.id;
    return kNoNode;
}

} // namespace

class TestUiCompare : public QObject {
    Q_OBJECT
private slots:
    void runToEndMarksFoldedNodes();
    void stepThenBackRestores();
    void selectionSyncsBothWays();
    void timelineListsStepsAndPasses();
    void stepsKeepTheViewAndSelection();
    void clickingAStepJumpsThere();
    void sidesStartAtOneScale();
};

void TestUiCompare::runToEndMarksFoldedNodes()
{
    SimplifySession session;
    CompareView view(&session);
    view.resize(1400, 800);
    session.setModel(load("seed_static.onnx"));
    session.runToEnd();
    waitIdle(session);
    waitLayouts(view);
    QVERIFY(session.pipeline()->atFixedPoint());
    QCOMPARE(view.rightModel()->graph.nodes.size(), std::size_t(8));
    // The right view draws the 8 remaining nodes.
    for (const auto& n : view.rightModel()->graph.nodes)
        QVERIFY2(view.rightView()->graphScene()->nodeItem(n.id), n.label().c_str());
    // The left view marks the 7 removed nodes as folded into the Reshape's constant shape.
    QCOMPARE(int(view.outcomes().size()), 7);
    const GraphScene* left = view.leftView()->graphScene();
    for (const auto& [id, o] : view.outcomes()) {
        QCOMPARE(o.fate, Fate::Folded);
        QCOMPARE(left->highlight(id), HighlightState::Folded);
    }
    const NodeId reshape = idOf(*view.rightModel(), "Reshape");
    QCOMPARE(view.rightView()->graphScene()->highlight(reshape), HighlightState::Changed);
    // Unchanged nodes are not marked.
    QCOMPARE(left->highlight(idOf(*view.leftModel(), "Conv")), HighlightState::None);
}

void TestUiCompare::stepThenBackRestores()
{
    SimplifySession session;
    CompareView view(&session);
    session.setModel(load("seed_static.onnx"));
    session.step();
    waitIdle(session);
    const std::string afterOne = modelToBytes(*session.after());
    const auto leftAfterOne = view.leftModel();
    session.step();
    waitIdle(session);
    QVERIFY(modelToBytes(*session.after()) != afterOne);
    session.back();
    QCOMPARE(modelToBytes(*session.after()), afterOne);
    QCOMPARE(view.rightModel(), session.after());
    QCOMPARE(view.leftModel(), leftAfterOne);
    session.back();
    QCOMPARE(session.pipeline()->position(), std::size_t(0));
    QCOMPARE(modelToBytes(*session.after()), modelToBytes(session.pipeline()->original()));
    QVERIFY(view.outcomes().empty());
}

void TestUiCompare::selectionSyncsBothWays()
{
    SimplifySession session;
    CompareView view(&session);
    view.resize(1400, 800);
    session.setModel(load("seed_static.onnx"));
    session.runToEnd();
    waitIdle(session);
    waitLayouts(view);
    QSignalSpy spy(&view, &CompareView::nodeSelected);
    GraphScene* left = view.leftView()->graphScene();
    GraphScene* right = view.rightView()->graphScene();
    const NodeId shape = idOf(*view.leftModel(), "Shape");
    const NodeId reshape = idOf(*view.rightModel(), "Reshape");
    left->selectNode(shape);
    QCOMPARE(right->selectedNode(), reshape);
    QVERIFY2(view.linkText().contains("folded"), qPrintable(view.linkText()));
    QVERIFY(view.linkText().contains("constant"));
    QCOMPARE(spy.count(), 1); // no echo from the other side
    right->selectNode(kNoNode);
    right->selectNode(reshape);
    QVERIFY2(view.linkText().contains("absorbed 7"), qPrintable(view.linkText()));
    QCOMPARE(left->selectedNode(), reshape); // the Reshape exists on both sides
    const NodeId conv = idOf(*view.leftModel(), "Conv");
    left->selectNode(conv);
    QCOMPARE(right->selectedNode(), conv);
}

void TestUiCompare::timelineListsStepsAndPasses()
{
    SimplifySession session;
    PassTimeline timeline(&session);
    session.setModel(load("seed_static.onnx"));
    QCOMPARE(timeline.passList()->topLevelItemCount(), int(session.pipeline()->passes().size()));
    timeline.runAction()->trigger();
    waitIdle(session);
    QCOMPARE(timeline.stepList()->topLevelItemCount(), int(session.pipeline()->steps().size()) + 1);
    // Unchecking a pass disables it in the pipeline.
    QTreeWidgetItem* first = timeline.passList()->topLevelItem(0);
    first->setCheckState(0, Qt::Unchecked);
    QVERIFY(!session.pipeline()->passes()[0].enabled);
    const std::size_t position = session.pipeline()->position();
    QVERIFY(position > 0);
    timeline.backAction()->trigger();
    QCOMPARE(session.pipeline()->position(), position - 1);
}

void TestUiCompare::stepsKeepTheViewAndSelection()
{
    // A user looking at the attention block of the transformer presses Step again and again: the
    // node they look at stays where it is on screen, at the same zoom, and stays selected.
    SimplifySession session;
    CompareView view(&session);
    QVERIFY(showExposed(view, 1400, 800));
    session.setModel(load("transformer_dyn.onnx"));
    waitLayouts(view);
    GraphView* rightView = view.rightView();
    GraphScene* right = rightView->graphScene();
    const NodeId softmax = idOf(*session.after(), "Softmax");
    QVERIFY(softmax != kNoNode);
    rightView->setZoom(0.7);
    rightView->centerOnNode(softmax);
    QCOMPARE(right->selectedNode(), softmax);
    QCoreApplication::processEvents();
    auto onScreen = [&] {
        const NodeItem* n = right->nodeItem(softmax);
        return rightView->viewportTransform().map(n->box().translated(n->pos()).center());
    };
    const QPointF before = onScreen();
    // Away from the top left, where a reset view would put the graph.
    QVERIFY2(rightView->mapToScene(rightView->viewport()->rect()).boundingRect().top() > 200, "not scrolled down");
    const std::size_t nodesBefore = session.after()->graph.nodes.size();
    for (int i = 0; i < 5; ++i) {
        session.step();
        waitIdle(session);
        waitLayouts(view);
    }
    QVERIFY(session.after()->graph.nodes.size() < nodesBefore);
    QVERIFY(right->graph().get() == &session.after()->graph);
    QVERIFY(right->nodeItem(softmax));
    QCOMPARE(rightView->zoom(), 0.7);
    const QPointF after = onScreen();
    QVERIFY2(qAbs(after.x() - before.x()) < 1.5 && qAbs(after.y() - before.y()) < 1.5,
             qPrintable(QString("(%1, %2) -> (%3, %4)").arg(before.x()).arg(before.y()).arg(after.x()).arg(after.y())));
    QCOMPARE(right->selectedNode(), softmax);

    // Laying the same graph out again with attribute rows keeps the node in place too.
    auto o = right->options();
    o.attributes = true;
    right->setOptions(o);
    waitLayouts(view);
    const QPointF withRows = onScreen();
    QVERIFY2(qAbs(withRows.x() - before.x()) < 1.5 && qAbs(withRows.y() - before.y()) < 1.5,
             qPrintable(QString("(%1, %2) -> (%3, %4)").arg(before.x()).arg(before.y()).arg(withRows.x()).arg(withRows.y())));

    // Another model is not another version of this one: its view starts afresh (the top of the graph).
    session.setModel(load("seed_static.onnx"));
    waitLayouts(view);
    QCOMPARE(right->selectedNode(), kNoNode);
    const QRectF visible = rightView->mapToScene(rightView->viewport()->rect()).boundingRect();
    QVERIFY(visible.intersects(right->nodeItemAt(0)->sceneBoundingRect()));
}

void TestUiCompare::clickingAStepJumpsThere()
{
    // After Reset, clicking a later (already computed) step in the list goes straight there: one
    // move, no computing, whichever way.
    SimplifySession session;
    PassTimeline timeline(&session);
    QVERIFY(showExposed(timeline, 430, 700));
    session.setModel(load("transformer_dyn.onnx"));
    session.runToEnd();
    waitIdle(session);
    const std::size_t last = session.pipeline()->steps().size();
    QVERIFY(last > 3);
    timeline.resetAction()->trigger();
    QCOMPARE(session.pipeline()->position(), std::size_t(0));
    QSignalSpy moves(&session, &SimplifySession::changed);
    QSignalSpy activated(&timeline, &PassTimeline::stepActivated);
    auto click = [&](int row) {
        QTreeWidget* list = timeline.stepList();
        QTreeWidgetItem* item = list->topLevelItem(row);
        QVERIFY(item);
        list->scrollToItem(item);
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualItemRect(item).center());
    };
    click(int(last)); // row 0 is the original
    QTRY_COMPARE(activated.count(), 1);
    QCOMPARE(session.pipeline()->position(), last);
    QCOMPARE(moves.count(), 1);
    QVERIFY(!session.busy());
    QVERIFY(timeline.stepList()->currentItem()->font(1).bold());
    click(2);
    QTRY_COMPARE(activated.count(), 2);
    QCOMPARE(session.pipeline()->position(), std::size_t(2));
    QCOMPARE(moves.count(), 2);
}

void TestUiCompare::sidesStartAtOneScale()
{
    // After Run to end the simplified graph is shorter and would fit larger: both sides start at
    // the same zoom, tops level, so the same node is as big and as high on both.
    SimplifySession session;
    CompareView view(&session);
    QVERIFY(showExposed(view, 1000, 700));
    session.setModel(load("seed_static.onnx"));
    session.runToEnd();
    waitIdle(session);
    waitLayouts(view);
    QCoreApplication::processEvents();
    GraphView* l = view.leftView();
    GraphView* r = view.rightView();
    QVERIFY(r->initialZoom() > l->initialZoom()); // on its own the right side would zoom in
    QCOMPARE(l->zoom(), r->zoom());
    auto top = [](GraphView* v) { return v->mapFromScene(v->graphScene()->inputItem("input0")->sceneBoundingRect().topLeft()).y(); };
    QVERIFY2(qAbs(top(l) - top(r)) <= 1, qPrintable(QString("%1 vs %2").arg(top(l)).arg(top(r))));
    // A side the user zooms keeps its zoom.
    r->setZoom(1.5);
    view.resize(1100, 700);
    QCoreApplication::processEvents();
    QCOMPARE(r->zoom(), 1.5);
}

QTEST_MAIN(TestUiCompare)
#include "tst_ui_compare.moc"
