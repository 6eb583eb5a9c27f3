// Journeys through the real main window, driven as a person drives it: key presses on the
// window (F10, F5, Ctrl+0, Ctrl+F ...), mouse clicks on widgets and on the scene positions of
// nodes, at 1280x800, 1920x1080 and 640x420. After each journey the event loop must go idle
// (no show/hide/layout/paint storm) and the widgets that matter must stay inside the window.
#include "ModelBuilder.h"
#include "TestSupport.h"
#include "UiTestSupport.h"

#include "GraphStyle.h"

#include "CompareView.h"
#include "EdgeItem.h"
#include "GraphScene.h"
#include "GraphView.h"
#include "Inspector.h"
#include "MainWindow.h"
#include "NodeItem.h"
#include "PassTimeline.h"
#include "SearchPanel.h"
#include "SimplifySession.h"
#include "SummaryPanel.h"
#include "TensorView.h"

#include "model/ModelIO.h"
#include "shape/Open.h"
#include "passes/Pass.h"

#include <QtTest>

#include <QAbstractItemView>
#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMimeData>
#include <QPainter>
#include <QStyleOptionGraphicsItem>
#include <QMenuBar>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QStatusBar>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QToolTip>
#include <QTreeWidget>

using namespace netfold;
using namespace netfold::test;

namespace {


/// A model whose top level is tiny (Equal + If) and whose work is in the If's branches: each
/// branch a long chain of foldable shape arithmetic feeding a Reshape of the outer input.
void writeBodiesModel(const QString& path)
{
    auto branch = [](const std::string& name, int links) {
        ModelBuilder b(15, name);
        std::string shape = name + "_s0";
        b.node("Shape", {"X"}, {shape});
        for (int i = 0; i < links; ++i) {
            const std::string g = name + "_g" + std::to_string(i);
            const std::string u = name + "_u" + std::to_string(i);
            const std::string c = name + "_c" + std::to_string(i);
            b.node("Gather", {shape, name + "_zero"}, {g}).attr("axis", int64_t(0));
            b.node("Unsqueeze", {g, name + "_axes"}, {u});
            b.node("Concat", {u, name + "_one"}, {c}).attr("axis", int64_t(0));
            b.node("Shape", {c}, {name + "_s" + std::to_string(i + 1)});
            shape = name + "_s" + std::to_string(i + 1);
        }
        b.node("Concat", {name + "_one", name + "_minus"}, {name + "_shape"}).attr("axis", int64_t(0));
        b.node("Reshape", {"X", name + "_shape"}, {name + "_out"});
        b.ints(name + "_zero", {}, {0});
        b.ints(name + "_axes", {1}, {0});
        b.ints(name + "_one", {1}, {1});
        b.ints(name + "_minus", {1}, {-1});
        b.output(name + "_out");
        return b.graph();
    };
    ModelBuilder m(15, "bodies");
    m.input("X", 1, {2, 64}).input("c", 1, {1}).input("t", 1, {1});
    m.node("Equal", {"c", "t"}, {"cond"});
    m.node("If", {"cond"}, {"out"}).attrGraph("then_branch", branch("then", 15)).attrGraph("else_branch", branch("else", 15));
    m.output("out");
    m.save(path.toStdString());
}

} // namespace

class TestUiJourney : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();

    void thisStepStaysIdle_data() { sizes(); }
    void thisStepStaysIdle();
    void fitFindExportActOnTheComparison_data() { sizes(); }
    void fitFindExportActOnTheComparison();
    void inspectorTellsTheSelectedNodesFate_data() { sizes(); }
    void inspectorTellsTheSelectedNodesFate();
    void syncedSidesShareOneScale_data() { sizes(); }
    void syncedSidesShareOneScale();
    void emptyClickClearsBothSides_data() { sizes(); }
    void emptyClickClearsBothSides();
    void bodiesModelPanesFollowTheGraph_data() { sizes(); }
    void bodiesModelPanesFollowTheGraph();
    void countsIncludeBodies();
    void loopRowCountAgreesWithTheStatusBar();
    void smallWindowKeepsEverythingReachable();
    void optionsPanelIsTheSessionsDefault();
    void representationMovesAreQuiet_data() { sizes(); }
    void representationMovesAreQuiet();
    void mergedInitializersAreMovedRows();
    void outerScopeValuesAreBodyInputs();
    void emptyWindowSaysHowToOpenAndTakesADrop_data() { sizes(); }
    void emptyWindowSaysHowToOpenAndTakesADrop();
    void longDimNamesAreElided();
    void stepDetailsShowThisModel();
    void constantTensorViewBodyAndSave_data() { sizes(); }
    void constantTensorViewBodyAndSave();

private:
    void sizes();
    QSize rowSize()
    {
        QFETCH(QSize, size);
        return size;
    }
    /// Opens a model file in a fresh window of the row's size.
    bool start(const QString& path);
    bool startSample() { return start(sourcePath("resources/models/sample-reshape.onnx")); }
    /// A key press on the window (as a person's, it goes to the active window: after a dialog
    /// closed, the main window is made active again first).
    void key(int key, Qt::KeyboardModifiers mods = Qt::NoModifier)
    {
        if (!m_window->isActiveWindow()) {
            m_window->activateWindow();
            QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        }
        QTest::keyClick(m_window.get(), Qt::Key(key), mods);
    }
    /// Presses a key and waits for the session to finish the step.
    bool keyAndWait(int key, Qt::KeyboardModifiers mods = Qt::NoModifier);
    bool waitLayouts();
    /// Clicks the title bar of a node as drawn in view (scrolling it into sight first).
    bool clickNode(GraphView* view, NodeId id);
    /// Visible widgets that matter, outside the window or their dock; "" or their names.
    QString outsideProblem();
    /// Answers the export dialogs that the next action opens: the side (in the side by side), the file.
    void answerExportDialogs(int side, const QString& path);
    /// Picks a combo box entry with the mouse: click the box, click the entry in its popup.
    void pickWithMouse(QComboBox* box, int index);
    NodeId idOf(const Graph& g, const std::string& op) const;
    /// Double-clicks the row of node id's body named attribute, as drawn in view.
    bool openBody(GraphView* view, NodeId id, const QString& attribute);
    /// Every node of each pane lies inside the pane's scene rect and can be scrolled into sight;
    /// "" or what cannot.
    QString unreachableProblem();

    std::unique_ptr<MainWindow> m_window;
    QTemporaryDir m_dir;
};

void TestUiJourney::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("netfold-tests");
    QVERIFY(m_dir.isValid());
    writeBodiesModel(m_dir.filePath("bodies.onnx"));
}

void TestUiJourney::init() {}

void TestUiJourney::cleanup() { m_window.reset(); }

void TestUiJourney::sizes()
{
    QTest::addColumn<QSize>("size");
    QTest::newRow("1280x800") << QSize(1280, 800);
    QTest::newRow("1920x1080") << QSize(1920, 1080);
    QTest::newRow("640x420") << QSize(640, 420);
}

bool TestUiJourney::start(const QString& path)
{
    const QSize size = QTest::currentDataTag() && *QTest::currentDataTag() ? rowSize() : QSize(1280, 800);
    m_window = std::make_unique<MainWindow>();
    if (!showExposed(*m_window, size.width(), size.height()))
        return false;
    m_window->activateWindow();
    if (!m_window->openFile(path))
        return false;
    return m_window->graphScene()->waitForLayout();
}

bool TestUiJourney::keyAndWait(int k, Qt::KeyboardModifiers mods)
{
    key(k, mods);
    if (!QTest::qWaitFor([&] { return !m_window->session()->busy(); }, 60000))
        return false;
    return waitLayouts();
}

bool TestUiJourney::waitLayouts()
{
    for (GraphView* v : {m_window->graphView(), m_window->compareView()->leftView(), m_window->compareView()->rightView()})
        if (v->isVisible() && !v->graphScene()->waitForLayout())
            return false;
    QCoreApplication::processEvents();
    return true;
}

bool TestUiJourney::clickNode(GraphView* view, NodeId id)
{
    NodeItem* item = view->graphScene()->nodeItem(id);
    if (!item)
        return false;
    // An inlined Constant: its row in the consumer's box; else the title bar.
    qreal y = 5;
    const GraphStyle& st = view->graphScene()->style();
    if (item->nodeId() != id)
        for (int i = 0; i < item->visual().rows.size(); ++i)
            if (item->visual().rows[i].constant == id)
                y = st.titleHeight + st.bodyPaddingY + (i + 0.5) * st.rowHeight;
    const QPointF scenePos = item->mapToScene(QPointF(item->box().center().x(), item->box().top() + y));
    if (!view->viewport()->rect().contains(view->mapFromScene(scenePos))) {
        // As a person scrolls it into sight: with the scroll bars.
        const QPoint delta = view->mapFromScene(scenePos) - view->viewport()->rect().center();
        view->horizontalScrollBar()->setValue(view->horizontalScrollBar()->value() + delta.x());
        view->verticalScrollBar()->setValue(view->verticalScrollBar()->value() + delta.y());
    }
    const QPoint at = view->mapFromScene(scenePos);
    if (!view->viewport()->rect().contains(at))
        return false;
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, at);
    QCoreApplication::processEvents();
    return true;
}

QString TestUiJourney::outsideProblem()
{
    QStringList bad;
    const QRect window = m_window->rect();
    if (m_window->size() != m_window->size().boundedTo(m_window->maximumSize()))
        bad << "window";
    auto check = [&](QWidget* w, const QString& what) {
        if (!w || !w->isVisible() || w->visibleRegion().isEmpty()) // hidden, or in a tab not shown
            return;
        // Inside a scroll area it only has to be reachable by scrolling.
        for (QWidget* p = w->parentWidget(); p; p = p->parentWidget())
            if (qobject_cast<QScrollArea*>(p))
                return;
        const QRect r(w->mapTo(m_window.get(), QPoint(0, 0)), w->size());
        if (!window.contains(r))
            bad << QString("%1 at %2,%3 %4x%5").arg(what).arg(r.x()).arg(r.y()).arg(r.width()).arg(r.height());
        // Nor under the status bar.
        const QRect status(m_window->statusBar()->mapTo(m_window.get(), QPoint(0, 0)), m_window->statusBar()->size());
        if (w != m_window->statusBar() && r.intersects(status) && !m_window->statusBar()->isAncestorOf(w))
            bad << what + " under the status bar";
        if (r.width() < w->minimumSizeHint().width() - 1)
            bad << QString("%1 squeezed to %2 < %3").arg(what).arg(r.width()).arg(w->minimumSizeHint().width());
    };
    for (QAbstractButton* b : m_window->findChildren<QAbstractButton*>())
        if (!b->text().isEmpty() && b->window() == m_window.get())
            check(b, b->text());
    for (QLabel* l : m_window->compareView()->findChildren<QLabel*>())
        if (l->parentWidget() && l->parentWidget()->objectName() == "legend")
            check(l, "legend " + l->text());
    check(m_window->statusBar(), "status bar");
    return bad.join("; ");
}

void TestUiJourney::answerExportDialogs(int side, const QString& path)
{
    auto* timer = new QTimer(this);
    timer->setInterval(50);
    connect(timer, &QTimer::timeout, this, [timer, side, path] {
        QWidget* modal = QApplication::activeModalWidget();
        if (auto* choice = qobject_cast<QInputDialog*>(modal)) {
            choice->setTextValue(choice->comboBoxItems().value(side));
            choice->accept();
        } else if (auto* files = qobject_cast<QFileDialog*>(modal)) {
            files->setDirectory(QFileInfo(path).absolutePath());
            if (auto* name = files->findChild<QLineEdit*>("fileNameEdit"))
                name->setText(QFileInfo(path).fileName());
            else
                files->selectFile(QFileInfo(path).fileName());
            static_cast<QDialog*>(files)->accept(); // QFileDialog::accept() is protected
            timer->deleteLater();
        }
    });
    timer->start();
}

void TestUiJourney::pickWithMouse(QComboBox* box, int index)
{
    QTest::mouseClick(box, Qt::LeftButton, {}, box->rect().center());
    QAbstractItemView* popup = box->view();
    QTRY_VERIFY(popup->isVisible());
    // A release right after the popup opened is the end of the opening click: a person is slower.
    QTest::qWait(QApplication::doubleClickInterval() + 50);
    const QRect r = popup->visualRect(popup->model()->index(index, 0));
    QTest::mouseClick(popup->viewport(), Qt::LeftButton, {}, r.center());
    QTRY_VERIFY(!popup->isVisible());
}

NodeId TestUiJourney::idOf(const Graph& g, const std::string& op) const
{
    for (const auto& n : g.nodes)
        if (n.opType == op)
            return n.id;
    return kNoNode;
}

// 1. F10 twice, Highlight "This step" by mouse, then by keyboard back and forth: idle.
void TestUiJourney::thisStepStaysIdle()
{
    QVERIFY(startSample());
    QVERIFY(keyAndWait(Qt::Key_F10));
    QVERIFY(keyAndWait(Qt::Key_F10));
    QVERIFY(m_window->isComparing());
    QComboBox* scope = m_window->timeline()->findChild<QComboBox*>();
    QVERIFY(scope);
    pickWithMouse(scope, 0);
    QVERIFY(!m_window->compareView()->cumulative());
    QVERIFY(waitLayouts());
    QString idle = idleProblem();
    QVERIFY2(idle.isEmpty(), qPrintable(idle));
    // The left view painted what it shows.
    QVERIFY(m_window->compareView()->leftView()->hasPaintedLayout());
    // And back with the keyboard.
    scope->setFocus();
    QTest::keyClick(scope, Qt::Key_Down);
    QVERIFY(m_window->compareView()->cumulative());
    QVERIFY(waitLayouts());
    idle = idleProblem();
    QVERIFY2(idle.isEmpty(), qPrintable(idle));
    QVERIFY(keyAndWait(Qt::Key_F5));
    idle = idleProblem();
    QVERIFY2(idle.isEmpty(), qPrintable(idle));
    const QString outside = outsideProblem();
    QVERIFY2(outside.isEmpty(), qPrintable(outside));
}

// 2. Fit, Find and Export in the side by side act on what is shown.
void TestUiJourney::fitFindExportActOnTheComparison()
{
    QVERIFY(startSample());
    QVERIFY(keyAndWait(Qt::Key_F5));
    QVERIFY(m_window->isComparing());
    CompareView* cv = m_window->compareView();
    GraphView* left = cv->leftView();
    GraphView* right = cv->rightView();
    // Zoom in with the keyboard, then Ctrl+0: both sides show their whole graph.
    key(Qt::Key_Equal, Qt::ControlModifier);
    key(Qt::Key_Equal, Qt::ControlModifier);
    key(Qt::Key_0, Qt::ControlModifier);
    QCoreApplication::processEvents();
    for (GraphView* v : {left, right}) {
        const QRectF seen = v->mapToScene(v->viewport()->rect()).boundingRect().adjusted(-1, -1, 1, 1);
        const QRectF drawn = v->graphScene()->itemsBoundingRect();
        QVERIFY2(seen.contains(drawn), qPrintable(QString("%1: sees %2,%3 %4x%5 of %6x%7")
                                                       .arg(v->objectName())
                                                       .arg(seen.x())
                                                       .arg(seen.y())
                                                       .arg(seen.width())
                                                       .arg(seen.height())
                                                       .arg(drawn.width())
                                                       .arg(drawn.height())));
    }
    QCOMPARE(left->zoom(), right->zoom());

    // Ctrl+F, type, Enter: the hit is selected and in sight on both sides.
    key(Qt::Key_F, Qt::ControlModifier);
    SearchPanel* search = m_window->searchPanel();
    QTRY_VERIFY(search->isVisible());
    QVERIFY(search->sideBox()->isVisible());
    QCOMPARE(search->sideBox()->currentIndex(), 0);
    QTest::keyClicks(QApplication::focusWidget(), "Conv");
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
    const NodeId conv = idOf(cv->rightModel()->graph, "Conv");
    QTRY_COMPARE(right->graphScene()->selectedNode(), conv);
    QCOMPARE(left->graphScene()->selectedNode(), conv);
    for (GraphView* v : {left, right}) {
        const QPointF c = v->graphScene()->nodeItem(conv)->sceneBoundingRect().center();
        QVERIFY2(v->viewport()->rect().contains(v->mapFromScene(c)), qPrintable(v->objectName()));
    }
    // Only the before side: a node the steps removed is found there.
    search->sideBox()->setFocus();
    QTest::keyClick(search->sideBox(), Qt::Key_Down); // Before
    QCOMPARE(search->sideBox()->currentIndex(), 1);
    QLineEdit* field = search->field();
    field->setFocus();
    field->selectAll();
    QTest::keyClicks(field, "Shape");
    QTest::keyClick(field, Qt::Key_Return);
    const NodeId shape = idOf(cv->leftModel()->graph, "Shape");
    QTRY_COMPARE(left->graphScene()->selectedNode(), shape);
    QVERIFY(left->viewport()->rect().contains(left->mapFromScene(left->graphScene()->nodeItem(shape)->sceneBoundingRect().center())));

    // Export (Ctrl+Shift+E): the comparison as shown, both titles and the highlights.
    const QString svg = m_dir.filePath(QString("cmp-%1.svg").arg(QTest::currentDataTag()));
    const QString png = m_dir.filePath(QString("cmp-%1.png").arg(QTest::currentDataTag()));
    for (const QString& path : {svg, png}) {
        answerExportDialogs(0, path);
        key(Qt::Key_E, Qt::ControlModifier | Qt::ShiftModifier);
        QTRY_VERIFY2(QFile::exists(path), qPrintable(m_window->lastError()));
    }
    QFile f(svg);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(f.readAll());
    QVERIFY(text.contains(cv->leftTitle().toHtmlEscaped()));
    QVERIFY(text.contains(cv->rightTitle().toHtmlEscaped()));
    QVERIFY(text.contains("data-state=\"folded\""));
    QVERIFY(text.contains("data-state=\"changed\""));
    QVERIFY(text.count("<svg") == 3);
    const QImage image(png);
    QVERIFY(!image.isNull());
    const QImage one = left->graphScene()->renderImage(2.0);
    QVERIFY2(image.width() > one.width() + 100, "the PNG holds both sides");
    // The folded colour appears below the legend and titles (on nodes, not only the swatch).
    const QRgb folded = GraphStyle::standard().stateColor(HighlightState::Folded).rgb();
    int hits = 0;
    for (int y = 120; y < image.height(); y += 2)
        for (int x = 0; x < image.width(); x += 2)
            hits += (image.pixel(x, y) & 0xffffff) == (folded & 0xffffff);
    QVERIFY2(hits > 20, qPrintable(QString::number(hits)));
    // One side only.
    const QString after = m_dir.filePath(QString("after-%1.svg").arg(QTest::currentDataTag()));
    answerExportDialogs(2, after);
    key(Qt::Key_E, Qt::ControlModifier | Qt::ShiftModifier);
    QTRY_VERIFY(QFile::exists(after));
    QFile fa(after);
    QVERIFY(fa.open(QIODevice::ReadOnly));
    const QString afterText = QString::fromUtf8(fa.readAll());
    QVERIFY(afterText.contains(cv->rightTitle().toHtmlEscaped()));
    QVERIFY(!afterText.contains(cv->leftTitle().toHtmlEscaped()));
    const QString idle = idleProblem();
    QVERIFY2(idle.isEmpty(), qPrintable(idle));
}

// 3. The inspector tells the fate of the node selected now.
void TestUiJourney::inspectorTellsTheSelectedNodesFate()
{
    QVERIFY(startSample());
    QVERIFY(keyAndWait(Qt::Key_F5));
    CompareView* cv = m_window->compareView();
    Inspector* inspector = m_window->inspector();
    const Graph& before = cv->leftModel()->graph;
    const Graph& after = cv->rightModel()->graph;
    const NodeId reshape = idOf(after, "Reshape");
    // The left Reshape is marked changed: it does not say "unchanged".
    QCOMPARE(cv->leftView()->graphScene()->highlight(reshape), HighlightState::Changed);
    QVERIFY(clickNode(cv->leftView(), reshape));
    QCOMPARE(inspector->currentNode(), reshape);
    QVERIFY2(!inspector->statusNote().contains("Unchanged") && inspector->statusNote().contains("absorbed"),
             qPrintable(inspector->statusNote()));
    // The right Reshape: what it absorbed, in the inspector.
    QVERIFY(clickNode(cv->rightView(), reshape));
    QCOMPARE(inspector->currentNode(), reshape);
    QVERIFY2(inspector->statusNote().contains("absorbed 7"), qPrintable(inspector->statusNote()));
    QVERIFY(inspector->plainText().contains("absorbed 7"));
    // Conv next: nothing of the Reshape's story.
    const NodeId conv = idOf(after, "Conv");
    QVERIFY(clickNode(cv->rightView(), conv));
    QCOMPARE(inspector->currentNode(), conv);
    QVERIFY2(!inspector->statusNote().contains("bsorbed") && inspector->statusNote().contains("Unchanged"),
             qPrintable(inspector->statusNote()));
    // A folded node on the left: folded into what, in which step.
    const NodeId shape = idOf(before, "Shape");
    QVERIFY(clickNode(cv->leftView(), shape));
    QCOMPARE(inspector->currentNode(), shape);
    QVERIFY2(inspector->statusNote().contains("was folded into the constant") && inspector->statusNote().contains("in step"),
             qPrintable(inspector->statusNote()));
    QVERIFY(inspector->plainText().contains("was folded"));
    const QString idle = idleProblem();
    QVERIFY2(idle.isEmpty(), qPrintable(idle));
}

// 4. Synced sides pan and zoom together, at one scale.
void TestUiJourney::syncedSidesShareOneScale()
{
    QVERIFY(startSample());
    QVERIFY(keyAndWait(Qt::Key_F10));
    QVERIFY(keyAndWait(Qt::Key_F10));
    QComboBox* scope = m_window->timeline()->findChild<QComboBox*>();
    scope->setFocus();
    QTest::keyClick(scope, Qt::Key_Up); // This step
    QVERIFY(!m_window->compareView()->cumulative());
    QVERIFY(waitLayouts());
    QTest::qWait(200);
    CompareView* cv = m_window->compareView();
    GraphView* left = cv->leftView();
    GraphView* right = cv->rightView();
    QVERIFY(cv->viewportSync());
    QCOMPARE(left->zoom(), right->zoom());
    // Ctrl+wheel on the right side zooms both.
    auto wheel = [](GraphView* v, int steps) {
        const QPointF at = QRectF(v->viewport()->rect()).center();
        QWheelEvent e(at, v->viewport()->mapToGlobal(at), QPoint(), QPoint(0, 120 * steps), Qt::NoButton, Qt::ControlModifier,
                      Qt::NoScrollPhase, false);
        QApplication::sendEvent(v->viewport(), &e);
    };
    const qreal startZoom = right->zoom();
    wheel(right, 2);
    QVERIFY(right->zoom() > startZoom * 1.3);
    QCOMPARE(left->zoom(), right->zoom());
    QLabel* zoomLabel = nullptr;
    for (QLabel* l : m_window->statusBar()->findChildren<QLabel*>())
        if (l->text().endsWith('%'))
            zoomLabel = l;
    QVERIFY(zoomLabel);
    QCOMPARE(zoomLabel->text(), QString("%1%").arg(right->zoom() * 100, 0, 'f', 0));
    // Panning one side (plain wheel, towards where it has room) pans the other the same way.
    const int before = left->verticalScrollBar()->value();
    const bool down = right->verticalScrollBar()->value() < right->verticalScrollBar()->maximum();
    {
        const QPointF at = QRectF(right->viewport()->rect()).center();
        QWheelEvent e(at, right->viewport()->mapToGlobal(at), QPoint(), QPoint(0, down ? -120 : 120), Qt::NoButton,
                      Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(right->viewport(), &e);
    }
    if (right->verticalScrollBar()->maximum() > 0) {
        if (down && left->verticalScrollBar()->maximum() > before)
            QVERIFY(left->verticalScrollBar()->value() > before);
        if (!down && before > 0)
            QVERIFY(left->verticalScrollBar()->value() < before);
    }
    // Stepping keeps one scale.
    QVERIFY(keyAndWait(Qt::Key_F10));
    QTest::qWait(100);
    QCOMPARE(left->zoom(), right->zoom());
    // Unsynced (click the box): a side zooms alone.
    QCheckBox* sync = cv->findChild<QCheckBox*>();
    QTest::mouseClick(sync, Qt::LeftButton, {}, QPoint(8, sync->height() / 2));
    QVERIFY(!cv->viewportSync());
    const qreal rightZoom = right->zoom();
    wheel(left, -1);
    QCOMPARE(right->zoom(), rightZoom);
    QVERIFY(left->zoom() < rightZoom);
    QCOMPARE(zoomLabel->text(), QString("%1% | %2%").arg(left->zoom() * 100, 0, 'f', 0).arg(right->zoom() * 100, 0, 'f', 0));
    const QString idle = idleProblem();
    QVERIFY2(idle.isEmpty(), qPrintable(idle));
}

// 5. A click on empty space clears the selection on both sides and the inspector.
void TestUiJourney::emptyClickClearsBothSides()
{
    QVERIFY(startSample());
    QVERIFY(keyAndWait(Qt::Key_F5));
    CompareView* cv = m_window->compareView();
    const NodeId conv = idOf(cv->rightModel()->graph, "Conv");
    QVERIFY(clickNode(cv->rightView(), conv));
    QCOMPARE(cv->leftView()->graphScene()->selectedNode(), conv);
    QCOMPARE(m_window->inspector()->currentNode(), conv);
    for (GraphView* v : {cv->leftView(), cv->rightView()}) {
        QVERIFY(clickNode(v, conv));
        // Empty space: a point of the viewport with no item under it.
        QPoint empty(-1, -1);
        for (int y = 4; y < v->viewport()->height() && empty.x() < 0; y += 6)
            for (int x = 4; x < v->viewport()->width(); x += 6)
                if (v->items(QPoint(x, y)).isEmpty()) {
                    empty = QPoint(x, y);
                    break;
                }
        QVERIFY(empty.x() >= 0);
        QTest::mouseClick(v->viewport(), Qt::LeftButton, {}, empty);
        QCOMPARE(cv->leftView()->graphScene()->selectedNode(), kNoNode);
        QCOMPARE(cv->rightView()->graphScene()->selectedNode(), kNoNode);
        QCOMPARE(m_window->inspector()->currentNode(), kNoNode);
        QVERIFY(cv->linkText().isEmpty());
    }
}

bool TestUiJourney::openBody(GraphView* view, NodeId id, const QString& attribute)
{
    const NodeItem* item = view->graphScene()->nodeItem(id);
    if (!item)
        return false;
    const auto& rows = item->visual().rows;
    int row = -1;
    for (int i = 0; i < rows.size(); ++i)
        if (rows[i].subgraph == attribute)
            row = i;
    if (row < 0)
        return false;
    const GraphStyle& st = view->graphScene()->style();
    const qreal y = st.titleHeight + st.bodyPaddingY + (row + 0.5) * st.rowHeight;
    const QPointF scenePos = item->mapToScene(QPointF(item->box().center().x(), item->box().top() + y));
    if (!view->viewport()->rect().contains(view->mapFromScene(scenePos))) {
        const QPoint delta = view->mapFromScene(scenePos) - view->viewport()->rect().center();
        view->horizontalScrollBar()->setValue(view->horizontalScrollBar()->value() + delta.x());
        view->verticalScrollBar()->setValue(view->verticalScrollBar()->value() + delta.y());
    }
    const QPoint at = view->mapFromScene(scenePos);
    if (!view->viewport()->rect().contains(at))
        return false;
    QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, at);
    return true;
}

QString TestUiJourney::unreachableProblem()
{
    QStringList bad;
    for (GraphView* v : {m_window->compareView()->leftView(), m_window->compareView()->rightView()}) {
        if (!v->isVisible())
            continue;
        const QRectF sceneRect = v->sceneRect();
        QScrollBar* h = v->horizontalScrollBar();
        QScrollBar* vb = v->verticalScrollBar();
        const QPoint keep(h->value(), vb->value());
        for (NodeItem* n : v->graphScene()->nodeItems()) {
            if (!n)
                continue;
            const QRectF r = n->box().translated(n->pos());
            const QString name = n->visual().title;
            if (!sceneRect.contains(r)) {
                bad << QString("%1: %2 outside the scene rect").arg(v->objectName(), name);
                continue;
            }
            // Scroll it into sight as a person would, with the scroll bars.
            const QPoint delta = v->mapFromScene(r.center()) - v->viewport()->rect().center();
            h->setValue(h->value() + delta.x());
            vb->setValue(vb->value() + delta.y());
            const QRect seen = v->mapFromScene(r).boundingRect();
            const QRect vp = v->viewport()->rect();
            // Wider or taller than the pane: its centre in sight is enough.
            const bool ok = seen.width() > vp.width() || seen.height() > vp.height() ? vp.contains(seen.center())
                                                                                       : vp.adjusted(-1, -1, 1, 1).contains(seen);
            if (!ok)
                bad << QString("%1: %2 cannot be scrolled into sight (at %3,%4 in %5x%6)")
                           .arg(v->objectName(), name)
                           .arg(seen.x())
                           .arg(seen.y())
                           .arg(vp.width())
                           .arg(vp.height());
        }
        h->setValue(keep.x());
        vb->setValue(keep.y());
    }
    return bad.mid(0, 6).join("; ");
}

// 7. A model whose work is all inside If bodies (silero_vad: Equal and If at the top, 88-node
// branches): after every step and after Run to end both panes reach every node, and Fit shows
// every node of both.
void TestUiJourney::bodiesModelPanesFollowTheGraph()
{
    QVERIFY(start(dataPath("real/silero_vad.onnx")));
    QCOMPARE(m_window->model()->graph.nodes.size(), std::size_t(2));
    CompareView* cv = m_window->compareView();
    for (int i = 0; i < 3; ++i) {
        QVERIFY(keyAndWait(Qt::Key_F10));
        QVERIFY(m_window->isComparing());
        QTest::qWait(50);
        const QString bad = unreachableProblem();
        QVERIFY2(bad.isEmpty(), qPrintable(QString("after step %1: %2").arg(i + 1).arg(bad)));
    }
    QVERIFY(keyAndWait(Qt::Key_F5));
    QTest::qWait(50);
    QString bad = unreachableProblem();
    QVERIFY2(bad.isEmpty(), qPrintable("after Run to end: " + bad));
    // The initial view of each pane shows its whole (small, wide) top level when it reads at half
    // size or more; else the graph fills the pane (not cut at its side with the pane empty below).
    for (GraphView* v : {cv->leftView(), cv->rightView()}) {
        const QRectF seen = v->mapToScene(v->viewport()->rect()).boundingRect().adjusted(-1, -1, 1, 1);
        if (v->fitZoom() >= GraphView::kMinWholeZoom) {
            for (NodeItem* n : v->graphScene()->nodeItems())
                QVERIFY2(seen.contains(n->box().translated(n->pos())),
                         qPrintable(QString("%1: %2 not in the initial view").arg(v->objectName(), n->visual().title)));
        } else {
            const QRectF drawn = v->graphScene()->itemsBoundingRect();
            const QRectF both = seen & drawn;
            // (The scene's margins may show beside the graph.)
            QVERIFY2(both.width() >= qMin(seen.width(), drawn.width()) - 50 && both.height() >= qMin(seen.height(), drawn.height()) - 50,
                     qPrintable(QString("%1: shows %2x%3 of %4x%5 in a %6x%7 pane")
                                    .arg(v->objectName())
                                    .arg(both.width())
                                    .arg(both.height())
                                    .arg(drawn.width())
                                    .arg(drawn.height())
                                    .arg(seen.width())
                                    .arg(seen.height())));
        }
    }
    // Fit (Ctrl+0): every node of both sides in sight.
    key(Qt::Key_0, Qt::ControlModifier);
    QCoreApplication::processEvents();
    for (GraphView* v : {cv->leftView(), cv->rightView()}) {
        const QRectF seen = v->mapToScene(v->viewport()->rect()).boundingRect().adjusted(-1, -1, 1, 1);
        for (NodeItem* n : v->graphScene()->nodeItems())
            QVERIFY2(seen.contains(n->box().translated(n->pos())),
                     qPrintable(QString("%1: %2 not in sight after Fit").arg(v->objectName(), n->visual().title)));
    }
    // Into the then-branch on both sides and back: still everything reachable.
    const NodeId ifNode = idOf(cv->rightModel()->graph, "If");
    QVERIFY(openBody(cv->rightView(), ifNode, "then_branch"));
    QTRY_VERIFY(!cv->path().empty());
    QVERIFY(waitLayouts());
    QTest::qWait(50);
    bad = unreachableProblem();
    QVERIFY2(bad.isEmpty(), qPrintable("in the branch: " + bad));
    QTest::keyClick(m_window.get(), Qt::Key_Up, Qt::AltModifier);
    QTRY_VERIFY(cv->path().empty());
    QVERIFY(waitLayouts());
    const QString idle = idleProblem();
    QVERIFY2(idle.isEmpty(), qPrintable(idle));
}
// 9. Every count counts the nodes in bodies too.
void TestUiJourney::countsIncludeBodies()
{
    QVERIFY(start(m_dir.filePath("bodies.onnx")));
    const Graph& original = m_window->model()->graph;
    QCOMPARE(original.nodes.size(), std::size_t(2));
    const std::size_t total = original.totalNodeCount();
    QVERIFY(total > 100);
    QLabel* status = nullptr;
    for (QLabel* l : m_window->timeline()->findChildren<QLabel*>())
        if (l->text().contains("F10"))
            status = l;
    QVERIFY2(status, "the timeline says how to start");
    QVERIFY2(status->text().contains(QString("%1 with bodies").arg(total)), qPrintable(status->text()));
    QVERIFY(keyAndWait(Qt::Key_F5));
    const Graph& after = m_window->session()->after()->graph;
    const std::size_t afterTotal = after.totalNodeCount();
    QVERIFY(afterTotal < total);
    QVERIFY2(status->text().contains(QString("%1 with bodies) -> 2 nodes (%2 with bodies)").arg(total).arg(afterTotal)),
             qPrintable(status->text()));
    QTreeWidget* steps = m_window->timeline()->stepList();
    QTreeWidgetItem* last = steps->topLevelItem(steps->topLevelItemCount() - 1);
    QCOMPARE(last->text(5), QString("2 (%1)").arg(afterTotal));
    QLabel* windowStatus = nullptr;
    for (QLabel* l : m_window->statusBar()->findChildren<QLabel*>())
        if (l->text().contains("initializers"))
            windowStatus = l;
    QVERIFY(windowStatus);
    QVERIFY2(windowStatus->text().contains(QString("2 nodes (%1 with bodies)").arg(afterTotal)), qPrintable(windowStatus->text()));
    QVERIFY(m_window->compareView()->rightTitle().contains(QString("%1 with bodies").arg(afterTotal)));
    QTableWidget* counts = m_window->summaryPanel()->countsTable();
    bool row = false;
    for (int r = 0; r < counts->rowCount(); ++r)
        if (counts->item(r, 0)->text() == "Nodes with bodies") {
            row = true;
            QCOMPARE(counts->item(r, 1)->text(), QString::number(total));
            QCOMPARE(counts->item(r, 2)->text(), QString::number(afterTotal));
        }
    QVERIFY(row);
}
// 9. A Loop's body row counts as the status bar does once the body is open.
void TestUiJourney::loopRowCountAgreesWithTheStatusBar()
{
    QVERIFY(start(dataPath("nested_model.onnx")));
    GraphView* view = m_window->graphView();
    const NodeId loop = idOf(m_window->model()->graph, "Loop");
    NodeItem* item = view->graphScene()->nodeItem(loop);
    QVERIFY(item);
    QString row;
    for (const NodeVisual::Row& r : item->visual().rows)
        if (r.subgraph == "body")
            row = r.text;
    QVERIFY(row.endsWith(QString(" \u203A")));
    row.chop(2);
    QVERIFY(openBody(view, loop, "body"));
    QTRY_COMPARE(m_window->graphPath().size(), std::size_t(1));
    QVERIFY(waitLayouts());
    QLabel* status = nullptr;
    for (QLabel* l : m_window->statusBar()->findChildren<QLabel*>())
        if (l->text().contains("showing"))
            status = l;
    QVERIFY(status);
    QVERIFY2(status->text().contains("(" + row + ")"), qPrintable(row + " | " + status->text()));
    QVERIFY2(row.startsWith("4 nodes"), qPrintable(row)); // Constant, If, Mul, Identity; 6 with the branches
}

// 6. At 640x420 the window is 640x420 and every control can be reached.
void TestUiJourney::smallWindowKeepsEverythingReachable()
{
    m_window = std::make_unique<MainWindow>();
    QVERIFY(showExposed(*m_window, 1280, 800));
    QVERIFY(m_window->openFile(sourcePath("resources/models/sample-reshape.onnx")));
    QVERIFY(keyAndWait(Qt::Key_F5));
    m_window->resize(640, 420);
    // On failure, name what holds the window wider or taller.
    auto widest = [this] {
        QStringList parts;
        for (QWidget* w : m_window->findChildren<QWidget*>())
            if (w->isVisible() && (w->minimumSizeHint().width() > 300 || w->minimumSizeHint().height() > 200))
                parts << QString("%1(%2) %3x%4")
                             .arg(w->metaObject()->className(), w->objectName())
                             .arg(w->minimumSizeHint().width())
                             .arg(w->minimumSizeHint().height());
        return parts.join(", ");
    };
    QTRY_VERIFY2(m_window->size() == QSize(640, 420), qPrintable(widest()));
    QVERIFY2(m_window->minimumSizeHint().height() <= 420 && m_window->minimumSizeHint().width() <= 640,
             qPrintable(QString("minimum %1x%2").arg(m_window->minimumSizeHint().width()).arg(m_window->minimumSizeHint().height())));
    QVERIFY(waitLayouts());
    QString outside = outsideProblem();
    QVERIFY2(outside.isEmpty(), qPrintable(outside));
    // Apply options and the BatchNormalization box: scrolled to, inside the dock, clickable.
    for (const QString& text : {QString("Apply options"), QString("Skip BN fusion")}) {
        QAbstractButton* button = nullptr;
        for (QAbstractButton* b : m_window->timeline()->findChildren<QAbstractButton*>())
            if (b->text() == text)
                button = b;
        QVERIFY(button);
        auto* scroll = m_window->findChild<QScrollArea*>("timelineScroll");
        QVERIFY(scroll);
        scroll->ensureWidgetVisible(button);
        QCoreApplication::processEvents();
        const QRect r(button->mapTo(scroll->viewport(), QPoint(0, 0)), button->size());
        QVERIFY2(scroll->viewport()->rect().contains(r.center()), qPrintable(text));
        const QRect inWindow(button->mapTo(m_window.get(), QPoint(0, 0)), button->size());
        QVERIFY2(m_window->rect().contains(inWindow.center()), qPrintable(text));
    }
    // The pass names read whole in the step list (11).
    QTreeWidget* steps = m_window->timeline()->stepList();
    for (int i = 1; i < steps->topLevelItemCount(); ++i) {
        const QString name = steps->topLevelItem(i)->text(1);
        QVERIFY2(steps->columnWidth(1) >= steps->fontMetrics().horizontalAdvance(name), qPrintable(name));
    }
    // The legend reads whole.
    for (QLabel* l : m_window->compareView()->findChildren<QLabel*>())
        if (l->parentWidget()->objectName() == "legend" && !l->text().isEmpty())
            QVERIFY2(l->width() >= l->sizeHint().width(), qPrintable(l->text()));
    // Large again: fine too, and idle.
    m_window->resize(1920, 1080);
    QTRY_COMPARE(m_window->size(), QSize(1920, 1080));
    outside = outsideProblem();
    QVERIFY2(outside.isEmpty(), qPrintable(outside));
    const QString idle = idleProblem();
    QVERIFY2(idle.isEmpty(), qPrintable(idle));
}
// 12. One default size limit: the core's, shown by the panel, used by the session from the start.
void TestUiJourney::optionsPanelIsTheSessionsDefault()
{
    QVERIFY(startSample());
    QDoubleSpinBox* limit = m_window->timeline()->findChild<QDoubleSpinBox*>();
    QVERIFY(limit);
    QCOMPARE(qint64(limit->value() * 1024 * 1024), qint64(kDefaultSizeLimit));
    QCOMPARE(qint64(m_window->session()->pipeline()->options().pass.sizeLimit), qint64(kDefaultSizeLimit));
    QCOMPARE(qint64(PassOptions{}.sizeLimit), qint64(kDefaultSizeLimit));
    // Changing it and opening another model: the session starts with what the panel shows.
    limit->setFocus();
    limit->selectAll();
    QTest::keyClicks(limit, "0.5");
    QTest::keyClick(limit, Qt::Key_Tab);
    QCOMPARE(limit->value(), 0.5);
    QVERIFY(m_window->openFile(dataPath("seed_static.onnx")));
    QCOMPARE(qint64(m_window->session()->pipeline()->options().pass.sizeLimit), qint64(512 * 1024));
}
// 8. A real export with many Constants (transformer_dyn: 68): turning them into initializers is a
// quiet "moved", off by default; "folded" is what was computed away.
void TestUiJourney::representationMovesAreQuiet()
{
    QVERIFY(start(dataPath("transformer_dyn.onnx")));
    QVERIFY(keyAndWait(Qt::Key_F5));
    CompareView* cv = m_window->compareView();
    const GraphScene* left = cv->leftView()->graphScene();
    const Graph& after = cv->rightModel()->graph;
    // Constants whose value is an initializer of the result as it was: moves, not folds; so are
    // Constants merged into an identical one (transformer_dyn: 54 of its 68 Constants, beside 71
    // real folds). None of them is marked by default; every real fold is.
    int kept = 0, folds = 0;
    for (const auto& [id, o] : cv->outcomes()) {
        const Node* n = cv->leftModel()->graph.findNode(id);
        const bool stillThere = n && !n->outputs.empty() && after.findInitializer(n->outputs[0]) && o.intoValue == n->outputs[0];
        if (o.opType == "Constant" && stillThere) {
            ++kept;
            QVERIFY2(cv->moves().count(id), o.label.c_str());
        } else if (o.fate == Fate::Folded && o.opType != "Constant") {
            ++folds;
            QCOMPARE(left->highlight(id), HighlightState::Folded);
            QVERIFY(!cv->moves().count(id));
        }
    }
    QVERIFY2(kept >= 5, qPrintable(QString::number(kept)));
    QVERIFY2(folds >= 50, qPrintable(QString::number(folds)));
    QVERIFY2(cv->moves().size() >= 40, qPrintable(QString::number(cv->moves().size())));
    int loud = 0;
    for (NodeId id : cv->moves())
        loud += left->highlight(id) != HighlightState::None;
    QVERIFY2(loud == 0, qPrintable(QString("%1 of %2 moved Constants highlighted").arg(loud).arg(cv->moves().size())));
    // The legend's "moved" box (off) shows them, quietly, with the mouse.
    auto* box = cv->findChild<QCheckBox*>("showMoves");
    QVERIFY(box);
    QVERIFY(!box->isChecked());
    QVERIFY(box->isVisible());
    const QString outside = outsideProblem();
    QVERIFY2(outside.isEmpty(), qPrintable(outside));
    QTest::mouseClick(box, Qt::LeftButton, {}, QPoint(8, box->height() / 2));
    QVERIFY(box->isChecked());
    QVERIFY(cv->showMoves());
    for (NodeId id : cv->moves())
        QCOMPARE(left->highlight(id), HighlightState::Moved);
    // Initializer rows a fold read and dropped are not moves (14 of them here).
    for (NodeItem* n : left->nodeItems())
        for (const NodeVisual::Row& r : n->visual().rows)
            if (!r.value.isEmpty() && r.constant == kNoNode && !after.findInitializer(r.value.toStdString()))
                QCOMPARE(left->valueHighlight(r.value), HighlightState::None);
    // Its fate in the inspector says what it was.
    const NodeId moved = *cv->moves().begin();
    QVERIFY(clickNode(cv->leftView(), moved));
    QCOMPARE(m_window->inspector()->currentNode(), moved);
    const QString note = m_window->inspector()->statusNote();
    QVERIFY2(note.contains("representation move"), qPrintable(note));
    // Off again: none marked.
    QTest::mouseClick(box, Qt::LeftButton, {}, QPoint(8, box->height() / 2));
    for (NodeId id : cv->moves())
        QCOMPARE(left->highlight(id), HighlightState::None);
    const QString idle = idleProblem();
    QVERIFY2(idle.isEmpty(), qPrintable(idle));
}

// 8. Initializers merged into an identical one are moved rows (shown with the "moved" box).
void TestUiJourney::mergedInitializersAreMovedRows()
{
    const QString path = m_dir.filePath("dup_inits.onnx");
    {
        ModelBuilder b(15, "dups");
        b.input("x", 1, {1, 4});
        b.floats("a", {4}, {1, 2, 3, 4});
        b.floats("b", {4}, {1, 2, 3, 4});
        b.node("Add", {"x", "a"}, {"y"});
        b.node("Mul", {"y", "b"}, {"z"});
        b.output("z");
        b.save(path.toStdString());
    }
    QVERIFY(start(path));
    QVERIFY(keyAndWait(Qt::Key_F5));
    CompareView* cv = m_window->compareView();
    const GraphScene* left = cv->leftView()->graphScene();
    const Graph& after = cv->rightModel()->graph;
    QCOMPARE(after.initializers.size(), std::size_t(1));
    const QString merged = after.findInitializer("a") ? "b" : "a";
    QCOMPARE(left->valueHighlight(merged), HighlightState::None);
    auto* box = cv->findChild<QCheckBox*>("showMoves");
    QTest::mouseClick(box, Qt::LeftButton, {}, QPoint(8, box->height() / 2));
    QCOMPARE(left->valueHighlight(merged), HighlightState::Moved);
    QCOMPARE(left->valueHighlight(merged == "a" ? "b" : "a"), HighlightState::None);
    // Drawn: the row's band has the quiet colour.
    const NodeId reader = idOf(cv->leftModel()->graph, merged == "a" ? "Add" : "Mul");
    NodeItem* item = left->nodeItem(reader);
    QVERIFY(item);
    int row = -1;
    for (int i = 0; i < item->visual().rows.size(); ++i)
        if (item->visual().rows[i].value == merged)
            row = i;
    QVERIFY(row >= 0);
    QImage image(item->box().size().toSize(), QImage::Format_ARGB32);
    image.fill(Qt::white);
    {
        QPainter p(&image);
        QStyleOptionGraphicsItem option;
        item->paint(&p, &option, nullptr);
    }
    const GraphStyle& st = left->style();
    const QRgb band = image.pixel(int(image.width() - 4), int(st.titleHeight + st.bodyPaddingY + (row + 0.5) * st.rowHeight));
    QVERIFY2(band != qRgb(255, 255, 255) && band != st.body.rgb(), qPrintable(QColor(band).name()));
}

// 10. In a body, the values read from enclosing scopes are drawn as its named inputs, with shapes.
void TestUiJourney::outerScopeValuesAreBodyInputs()
{
    QVERIFY(start(dataPath("nested_model.onnx")));
    GraphView* view = m_window->graphView();
    const Graph& g = m_window->model()->graph;
    const NodeId loop = idOf(g, "Loop");
    QVERIFY(openBody(view, loop, "body"));
    QTRY_COMPARE(m_window->graphPath().size(), std::size_t(1));
    QVERIFY(waitLayouts());
    GraphScene* scene = view->graphScene();
    // The loop body reads the main graph's initializer scale.
    NodeItem* scale = scene->inputItem("scale");
    QVERIFY2(scale, "outer value 'scale' drawn as an input of the body");
    QCOMPARE(scale->visual().rows.value(0).text, QString("float[3]"));
    const Graph* body = resolvePath(g, m_window->graphPath());
    QVERIFY(body);
    const NodeId innerIf = idOf(*body, "If");
    QTest::qWait(QApplication::doubleClickInterval() + 50); // a new double-click, not a triple
    QVERIFY(clickNode(view, innerIf));
    QTest::qWait(QApplication::doubleClickInterval() + 50);
    QVERIFY(openBody(view, innerIf, "then_branch"));
    QTRY_COMPARE(m_window->graphPath().size(), std::size_t(2));
    QVERIFY(waitLayouts());
    // The then-branch Add reads v_in (the loop body's) and one (the main graph's): both drawn,
    // typed, with edges into the Add that carry their shapes.
    for (const QString& name : {QString("v_in"), QString("one")}) {
        NodeItem* in = scene->inputItem(name);
        QVERIFY2(in, qPrintable(name));
        QCOMPARE(in->visual().rows.value(0).text, QString("float[3]"));
        bool edge = false;
        for (EdgeItem* e : scene->edgeItems())
            if (e && scene->layoutGraph().edges[e->edgeIndex()].value == name.toStdString()) {
                edge = true;
                QCOMPARE(e->label(), QString("3"));
            }
        QVERIFY2(edge, qPrintable(name));
        const QString tip = scene->toolTipFor(in->layoutIndex());
        QVERIFY2(!tip.contains('?') && tip.contains("enclosing graph"), qPrintable(tip));
        // Clicked: the inspector tells where it comes from and its type (not "?").
        const QPoint at = view->mapFromScene(in->mapToScene(QPointF(in->box().center().x(), in->box().top() + 5)));
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, at);
        const QString text = m_window->inspector()->plainText();
        QVERIFY2(text.contains("from the enclosing graph") && text.contains("float") && text.contains("[3]") && !text.contains("?"),
                 qPrintable(text));
    }
    // Back up twice with Alt+Up.
    QTest::keyClick(m_window.get(), Qt::Key_Up, Qt::AltModifier);
    QTest::keyClick(m_window.get(), Qt::Key_Up, Qt::AltModifier);
    QTRY_VERIFY(m_window->graphPath().empty());
    QVERIFY(waitLayouts());
    QVERIFY(!view->graphScene()->inputItem("scale"));
}

// 11. An empty window says how to open a model, and a file dropped on it opens.
void TestUiJourney::emptyWindowSaysHowToOpenAndTakesADrop()
{
    m_window = std::make_unique<MainWindow>();
    const QSize size = rowSize();
    QVERIFY(showExposed(*m_window, size.width(), size.height()));
    GraphView* view = m_window->graphView();
    QVERIFY(view->isVisible());
    QVERIFY(!m_window->model());
    QVERIFY(view->emptyText().contains("Ctrl+O") && view->emptyText().contains("drop"));
    // The text is drawn: the viewport is not blank.
    const QImage shot = view->viewport()->grab().toImage();
    const QRgb bg = shot.pixel(2, 2);
    int ink = 0;
    for (int y = 0; y < shot.height(); y += 2)
        for (int x = 0; x < shot.width(); x += 2)
            ink += shot.pixel(x, y) != bg;
    QVERIFY2(ink > 50, qPrintable(QString::number(ink)));
    // Drag a file over the view and drop it, the way Qt delivers it: the enter goes up from the
    // widget under the cursor to the first that accepts it, which then gets the drop.
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(sourcePath("resources/models/sample-reshape.onnx"))});
    const QPoint at = view->viewport()->rect().center();
    QWidget* under = view->viewport();
    QList<QObject*> receivers;
    struct Recorder : QObject {
        QList<QObject*>* list;
        bool eventFilter(QObject* o, QEvent* e) override
        {
            if (e->type() == QEvent::DragEnter)
                list->push_back(o);
            return false;
        }
    } recorder;
    recorder.list = &receivers;
    qApp->installEventFilter(&recorder);
    QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(under, &enter);
    qApp->removeEventFilter(&recorder);
    QVERIFY2(enter.isAccepted(), "the drag is accepted over the empty window");
    auto* target = qobject_cast<QWidget*>(receivers.value(receivers.size() - 1));
    QVERIFY(target);
    QVERIFY2(target->acceptDrops(), qPrintable(target->objectName()));
    QDropEvent drop(target->mapFrom(under, at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &drop);
    QTRY_VERIFY(m_window->model());
    QVERIFY(QString::fromStdString(m_window->model()->sourcePath).endsWith("sample-reshape.onnx"));
    QVERIFY(m_window->graphScene()->waitForLayout());
    QVERIFY(m_window->graphScene()->nodeItem(idOf(m_window->model()->graph, "Conv")));
}

// 11. Long symbolic dim names are elided in the drawing; the tooltip has the whole type.
void TestUiJourney::longDimNamesAreElided()
{
    const QString path = m_dir.filePath("longdims.onnx");
    {
        ModelBuilder b(15, "longdims");
        b.input("x", 1, {"p2o.DynamicDimension.0", 3, "p2o.DynamicDimension.1", 100});
        b.node("Relu", {"x"}, {"y"});
        b.node("Sigmoid", {"y"}, {"z"});
        b.output("z");
        b.save(path.toStdString());
    }
    QVERIFY(start(path));
    GraphView* view = m_window->graphView();
    GraphScene* scene = view->graphScene();
    NodeItem* input = scene->inputItem("x");
    QVERIFY(input);
    const QString row = input->visual().rows.value(0).text;
    QVERIFY2(row.contains(QChar(0x2026)) && !row.contains("DynamicDimension.0"), qPrintable(row));
    const QString whole = QString::fromStdString(m_window->model()->graph.typeOf("x").toString());
    const qreal wholeWidth = QFontMetricsF(scene->style().rowFont).horizontalAdvance(whole);
    QVERIFY2(input->box().width() < 0.8 * wholeWidth, qPrintable(QString("%1 vs %2").arg(input->box().width()).arg(wholeWidth)));
    EdgeItem* edge = nullptr;
    for (EdgeItem* e : scene->edgeItems())
        if (e && scene->layoutGraph().edges[e->edgeIndex()].value == "y")
            edge = e;
    QVERIFY(edge);
    QVERIFY2(edge->label().contains(QChar(0x2026)), qPrintable(edge->label()));
    // Hovering: the whole text in the tooltip (a real tooltip event on the viewport).
    auto tipAt = [view](const QPointF& scenePos) {
        const QPoint at = view->mapFromScene(scenePos);
        QHelpEvent help(QEvent::ToolTip, at, view->viewport()->mapToGlobal(at));
        QApplication::sendEvent(view->viewport(), &help);
        return QToolTip::text();
    };
    view->centerOn(input);
    QString tip = tipAt(input->mapToScene(input->box().center()));
    QVERIFY2(tip.contains("p2o.DynamicDimension.0") && tip.contains("p2o.DynamicDimension.1"), qPrintable(tip));
    QToolTip::hideText();
    const QPainterPath curve = edge->shape();
    QPointF onEdge = curve.pointAtPercent(0.5);
    view->centerOn(onEdge);
    tip = tipAt(onEdge);
    QVERIFY2(tip.contains("p2o.DynamicDimension.0"), qPrintable(tip));
    QToolTip::hideText();
}

// 11. A step's details show what it did on this model next to the pass's generic example.
void TestUiJourney::stepDetailsShowThisModel()
{
    QVERIFY(startSample());
    QVERIFY(keyAndWait(Qt::Key_F5));
    QTreeWidget* steps = m_window->timeline()->stepList();
    if (auto* dock = m_window->findChild<QDockWidget*>("timelineDock"))
        dock->raise();
    bool sawFold = false;
    for (int i = 1; i < steps->topLevelItemCount(); ++i) {
        QTreeWidgetItem* item = steps->topLevelItem(i);
        steps->scrollToItem(item);
        const QRect r = steps->visualItemRect(item);
        QTest::mouseClick(steps->viewport(), Qt::LeftButton, {}, r.center());
        QCoreApplication::processEvents();
        const QString details = m_window->timeline()->detailsText();
        QVERIFY2(details.contains("On this model:") && details.contains("Example:"), qPrintable(details));
        // The example names this model's values: Shape of the input, and the value it folded to.
        if (details.contains("Shape(/act2/Relu_output_0)") && details.contains(" = [1, 64"))
            sawFold = true;
    }
    QVERIFY2(sawFold, "a step reads Slice(Shape(/act2/Relu_output_0), ...) = [1, 64...]");
}

// Journeys: a constant's tensor view from the inspector; into a body and back; save.
void TestUiJourney::constantTensorViewBodyAndSave()
{
    QVERIFY(startSample());
    GraphView* view = m_window->graphView();
    const Graph& g = m_window->model()->graph;
    // A Constant drawn as a row of the Slice: click the row, open its tensor from the inspector.
    NodeId constant = kNoNode;
    const NodeId slice = idOf(g, "Slice");
    NodeItem* item = view->graphScene()->nodeItem(slice);
    QVERIFY(item);
    int rowIndex = -1;
    for (int i = 0; i < item->visual().rows.size() && rowIndex < 0; ++i)
        if (item->visual().rows[i].constant != kNoNode) {
            rowIndex = i;
            constant = item->visual().rows[i].constant;
        }
    QVERIFY(rowIndex >= 0);
    const GraphStyle& st = view->graphScene()->style();
    view->centerOn(item);
    const QPointF rowPos = item->mapToScene(
        QPointF(item->box().center().x(), item->box().top() + st.titleHeight + st.bodyPaddingY + (rowIndex + 0.5) * st.rowHeight));
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->mapFromScene(rowPos));
    QCOMPARE(view->graphScene()->selectedNode(), constant);
    Inspector* inspector = m_window->inspector();
    QCOMPARE(inspector->currentNode(), constant);
    m_window->findChild<QDockWidget*>("inspectorDock")->raise();
    QPushButton* open = nullptr;
    for (QPushButton* b : inspector->findChildren<QPushButton*>())
        if (b->text().startsWith("Open Tensor"))
            open = b;
    QVERIFY(open);
    QTRY_VERIFY(open->isVisible() && open->isEnabled());
    QTest::mouseClick(open, Qt::LeftButton);
    QTRY_VERIFY(inspector->lastTensorWindow() && inspector->lastTensorWindow()->isVisible());
    inspector->lastTensorWindow()->close();
    // Run to end; save the simplified model (Ctrl+Shift+S) and read it back.
    QVERIFY(keyAndWait(Qt::Key_F5));
    const QString saved = m_dir.filePath(QString("saved-%1.onnx").arg(QTest::currentDataTag()));
    answerExportDialogs(0, saved);
    key(Qt::Key_S, Qt::ControlModifier | Qt::ShiftModifier);
    QTRY_VERIFY2(QFile::exists(saved), qPrintable(m_window->lastError()));
    const Model back = openModel(saved.toStdString());
    QCOMPARE(back.graph.nodes.size(), m_window->session()->after()->graph.nodes.size());
    QVERIFY(back.graph.nodes.size() < g.nodes.size());
    const QString idle = idleProblem();
    QVERIFY2(idle.isEmpty(), qPrintable(idle));
    const QString outside = outsideProblem();
    QVERIFY2(outside.isEmpty(), qPrintable(outside));
}

QTEST_MAIN(TestUiJourney)
#include "tst_ui_journey.moc"
