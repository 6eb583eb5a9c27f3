// If/Loop/Scan bodies in the main window: opened by double-click and from the inspector, left
// through the breadcrumbs and Alt+Up, reached from the node list; before and after side by side
// inside a body, and a side that no longer has the body says why. Fixture: nested_model.onnx (a
// Loop whose body holds an If on a constant condition, which simplification inlines).
#include "TestSupport.h"
#include "UiTestSupport.h"

#include "BreadcrumbBar.h"
#include "CompareView.h"
#include "GraphScene.h"
#include "GraphView.h"
#include "Inspector.h"
#include "MainWindow.h"
#include "NodeItem.h"
#include "NodeVisual.h"
#include "SimplifySession.h"

#include <QtTest>

#include <QDockWidget>
#include <QLabel>
#include <QTreeWidget>

using namespace netfold;
using namespace netfold::test;

namespace {

/// The node named name anywhere in graph (bodies included).
const Node* findNamed(const Graph& graph, const std::string& name)
{
    for (const Node& n : graph.nodes) {
        if (n.name == name)
            return &n;
        for (const Subgraph& sg : n.subgraphs)
            if (const Node* inner = findNamed(*sg.graph, name))
                return inner;
    }
    return nullptr;
}

NodeId idNamed(const Model& m, const std::string& name)
{
    const Node* n = findNamed(m.graph, name);
    return n ? n->id : kNoNode;
}

bool waitDrawn(GraphView* view)
{
    if (!view->graphScene()->waitForLayout())
        return false;
    QCoreApplication::processEvents();
    return true;
}

QStringList nodeNames(const GraphScene* scene)
{
    QStringList names;
    for (const Node& n : scene->graph()->nodes)
        names << QString::fromStdString(n.name);
    names.sort();
    return names;
}

/// Double-clicks the box drawing node id: on the row of the body named attribute, or (empty) on
/// the title bar.
void doubleClickNode(GraphView* view, NodeId id, const QString& attribute = {})
{
    view->centerOnNode(id, false);
    const NodeItem* item = view->graphScene()->nodeItem(id);
    QVERIFY(item);
    const GraphStyle& st = view->graphScene()->style();
    qreal y = st.titleHeight / 2;
    if (!attribute.isEmpty()) {
        const auto& rows = item->visual().rows;
        int row = -1;
        for (int i = 0; i < rows.size(); ++i)
            if (rows[i].subgraph == attribute)
                row = i;
        QVERIFY2(row >= 0, qPrintable(attribute));
        y = st.titleHeight + st.bodyPaddingY + (row + 0.5) * st.rowHeight;
    }
    const QPoint at = view->mapFromScene(item->mapToScene(QPointF(item->box().center().x(), item->box().top() + y)));
    QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, at);
}

} // namespace

class TestUiBodies : public QObject {
    Q_OBJECT
private slots:
    void openAndLeaveBodies();
    void nodeListGoesIntoBodies();
    void sideBySideInsideBodies();
};

void TestUiBodies::openAndLeaveBodies()
{
    MainWindow window;
    QVERIFY(showExposed(window, 1400, 900));
    QVERIFY(window.openFile(dataPath("nested_model.onnx")));
    GraphView* view = window.graphView();
    QVERIFY(waitDrawn(view));
    QVERIFY(!window.breadcrumbs()->isVisible());
    const Model& m = *window.model();
    const NodeId loop = idNamed(m, "loop0");
    const NodeId innerIf = idNamed(m, "inner_if");

    // Double-click the Loop: its body.
    doubleClickNode(view, loop);
    QCOMPARE(window.graphPath(), GraphPath({{loop, "body"}}));
    QVERIFY(waitDrawn(view));
    QCOMPARE(nodeNames(view->graphScene()), QStringList({"body_cond", "body_mul", "inner_cond_const", "inner_if"}));
    QVERIFY(view->graphScene()->nodeItem(innerIf));
    QVERIFY(window.breadcrumbs()->isVisible());
    QCOMPARE(window.breadcrumbs()->crumbs(), QStringList({"nested_model.onnx", QString::fromUtf8("loop0 (Loop) \u00B7 body")}));

    // Select the If inside it: the inspector describes it and links its branches.
    view->graphScene()->selectNode(innerIf);
    Inspector* insp = window.inspector();
    QCOMPARE(insp->currentNode(), innerIf);
    const int link = insp->links().indexOf(QString("subgraph:%1:else_branch").arg(innerIf));
    QVERIFY2(link >= 0, qPrintable(insp->links().join(' ')));
    window.findChild<QDockWidget*>("inspectorDock")->raise();
    QVERIFY(clickAnchor(insp->browser(), QString("nf:%1").arg(link)));
    QTRY_COMPARE(window.graphPath(), GraphPath({{loop, "body"}, {innerIf, "else_branch"}}));
    QVERIFY(waitDrawn(view));
    QCOMPARE(nodeNames(view->graphScene()), QStringList({"inner_else_sub"}));
    QCOMPARE(window.breadcrumbs()->crumbs().size(), 3);
    // A node of the branch: its outer-scope input comes from the enclosing graphs.
    const NodeId sub = idNamed(m, "inner_else_sub");
    view->graphScene()->selectNode(sub);
    QCOMPARE(insp->currentNode(), sub);
    QVERIFY2(insp->plainText().contains("v_in"), qPrintable(insp->plainText()));

    // Alt+Up: back to the body; the first crumb: the main graph.
    QTest::keyClick(&window, Qt::Key_Up, Qt::AltModifier);
    QCOMPARE(window.graphPath(), GraphPath({{loop, "body"}}));
    window.breadcrumbs()->activate(0);
    QCOMPARE(window.graphPath(), GraphPath());
    QVERIFY(waitDrawn(view));
    QVERIFY(view->graphScene()->nodeItem(loop));
    QVERIFY(!window.breadcrumbs()->isVisible());

    // A node without a body does nothing on double-click.
    doubleClickNode(view, idNamed(m, "relu0"));
    QCOMPARE(window.graphPath(), GraphPath());
}

void TestUiBodies::nodeListGoesIntoBodies()
{
    MainWindow window;
    QVERIFY(showExposed(window, 1400, 900));
    QVERIFY(window.openFile(dataPath("nested_model.onnx")));
    QVERIFY(waitDrawn(window.graphView()));
    const Model& m = *window.model();
    const NodeId add = idNamed(m, "inner_then_add");
    // The node list shows bodies as children; activating a node two levels down goes there.
    QTreeWidget* list = window.nodeList();
    QTreeWidgetItem* found = nullptr;
    for (QTreeWidgetItemIterator it(list); *it; ++it)
        if ((*it)->data(0, Qt::UserRole).toULongLong() == add)
            found = *it;
    QVERIFY(found);
    emit list->itemActivated(found, 0);
    QCOMPARE(window.graphPath(), GraphPath({{idNamed(m, "loop0"), "body"}, {idNamed(m, "inner_if"), "then_branch"}}));
    QTRY_COMPARE(window.graphScene()->selectedNode(), add);
    QCOMPARE(window.inspector()->currentNode(), add);
}

void TestUiBodies::sideBySideInsideBodies()
{
    MainWindow window;
    QVERIFY(showExposed(window, 1400, 900));
    QVERIFY(window.openFile(dataPath("nested_model.onnx")));
    const Model& m = *window.model();
    const NodeId loop = idNamed(m, "loop0");
    const NodeId innerIf = idNamed(m, "inner_if");
    window.session()->runToEnd();
    QTRY_VERIFY_WITH_TIMEOUT(!window.session()->busy(), 60000);
    QVERIFY(window.isComparing());
    CompareView* compare = window.compareView();
    QVERIFY(waitDrawn(compare->leftView()) && waitDrawn(compare->rightView()));

    // Into the Loop's body from the right side: both sides show it; the If is marked eliminated on
    // the left, the branch's Add it was replaced by is new on the right.
    doubleClickNode(compare->rightView(), loop);
    QCOMPARE(compare->path(), GraphPath({{loop, "body"}}));
    QVERIFY(waitDrawn(compare->leftView()) && waitDrawn(compare->rightView()));
    GraphScene* left = compare->leftView()->graphScene();
    GraphScene* right = compare->rightView()->graphScene();
    QVERIFY(left->nodeItem(innerIf));
    QVERIFY(!right->nodeItem(innerIf));
    QCOMPARE(left->highlight(innerIf), HighlightState::Removed);
    NodeId inlined = kNoNode;
    for (const Node& n : compare->rightGraph()->nodes)
        if (n.opType == "Add")
            inlined = n.id;
    QVERIFY(inlined != kNoNode);
    QCOMPARE(right->highlight(inlined), HighlightState::Added);
    // The single view followed, and the breadcrumbs of the compare view show the way.
    QCOMPARE(window.graphPath(), compare->path());
    QVERIFY(compare->breadcrumbs()->isVisible());
    QCOMPARE(compare->breadcrumbs()->crumbs().last(), QString::fromUtf8("loop0 (Loop) \u00B7 body"));

    // Selecting the eliminated If on the left says what took its place and selects that on the right.
    left->selectNode(innerIf);
    QVERIFY2(compare->linkText().contains("eliminated") && compare->linkText().contains("(Add)"),
             qPrintable(compare->linkText()));
    QCOMPARE(right->selectedNode(), inlined);

    // Deeper, into the If's then_branch (its row): only the left has it; the right says why.
    doubleClickNode(compare->leftView(), innerIf, "then_branch");
    QCOMPARE(compare->path(), GraphPath({{loop, "body"}, {innerIf, "then_branch"}}));
    QVERIFY(waitDrawn(compare->leftView()));
    QCOMPARE(nodeNames(left), QStringList({"inner_then_add"}));
    QVERIFY(!compare->rightGraph());
    QVERIFY(right->nodeItems().isEmpty());
    // In place of the graph, the reason; the left still shows its branch.
    const QLabel* missing = compare->findChild<QLabel*>("afterViewMissing");
    QVERIFY(missing && missing->isVisible());
    QVERIFY2(missing->text().contains("'inner_if' (If) was eliminated in step"), qPrintable(missing->text()));
    QVERIFY(missing->text().contains("then_branch is not in this model"));
    QVERIFY(compare->leftView()->isVisible());
    QVERIFY(!compare->findChild<QLabel*>("beforeViewMissing")->isVisible());

    // Back up to the main graph with the compare view's first crumb.
    compare->breadcrumbs()->activate(0);
    QCOMPARE(compare->path(), GraphPath());
    QVERIFY(compare->rightView()->isVisible());
    QVERIFY(waitDrawn(compare->rightView()));
    QVERIFY(right->nodeItem(loop));
    QCOMPARE(window.graphPath(), GraphPath());
}

QTEST_MAIN(TestUiBodies)
#include "tst_ui_bodies.moc"
