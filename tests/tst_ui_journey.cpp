// Journeys through the real main window, driven as a person drives it: key presses on the
// window (F10, F5, Ctrl+0, Ctrl+F ...), mouse clicks on widgets and on the scene positions of
// nodes, at 1280x800, 1920x1080 and 640x420. After each journey the event loop must go idle
// (no show/hide/layout/paint storm) and the widgets that matter must stay inside the window.
#include "ModelBuilder.h"
#include "TestSupport.h"
#include "UiTestSupport.h"

#include "CompareView.h"
#include "GraphScene.h"
#include "GraphView.h"
#include "Inspector.h"
#include "MainWindow.h"
#include "NodeItem.h"
#include "PassTimeline.h"
#include "SearchPanel.h"
#include "SimplifySession.h"
#include "SummaryPanel.h"

#include "model/ModelIO.h"
#include "passes/Pass.h"

#include <QtTest>

#include <QAbstractItemView>
#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTreeWidget>

using namespace netfold;
using namespace netfold::test;

namespace {

/// Counts the events a busy GUI thread churns through (what the hang of issue 9 looped on).
class EventCounter : public QObject {
public:
    int total = 0;
    QMap<QString, int> byKind;
    bool eventFilter(QObject* object, QEvent* event) override
    {
        switch (event->type()) {
        case QEvent::Show:
        case QEvent::Hide:
        case QEvent::LayoutRequest:
        case QEvent::Paint:
        case QEvent::UpdateRequest:
            ++total;
            ++byKind[QString("%1/%2 %3").arg(object->metaObject()->className(), object->objectName()).arg(int(event->type()))];
            break;
        default:
            break;
        }
        return false;
    }
    QString report() const
    {
        QStringList parts;
        for (auto it = byKind.begin(); it != byKind.end(); ++it)
            parts << QString("%1 x%2").arg(it.key()).arg(it.value());
        return QString("%1 events in 1 s: %2").arg(total).arg(parts.mid(0, 12).join(", "));
    }
};

/// At most this many show/hide/layout/paint events in a second counts as idle (a blinking text
/// cursor, a last repaint).
constexpr int kIdleMax = 8;

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
    void smallWindowKeepsEverythingReachable();
    void optionsPanelIsTheSessionsDefault();
    void representationMovesAreQuiet();

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
    void key(int key, Qt::KeyboardModifiers mods = Qt::NoModifier) { QTest::keyClick(m_window.get(), Qt::Key(key), mods); }
    /// Presses a key and waits for the session to finish the step.
    bool keyAndWait(int key, Qt::KeyboardModifiers mods = Qt::NoModifier);
    bool waitLayouts();
    /// Clicks the title bar of a node as drawn in view (scrolling it into sight first).
    bool clickNode(GraphView* view, NodeId id);
    /// The event loop is idle within a second and stays so for one; "" or what it churned through.
    QString idleProblem();
    /// Visible widgets that matter, outside the window or their dock; "" or their names.
    QString outsideProblem();
    /// Picks a combo box entry with the mouse: click the box, click the entry in its popup.
    void pickWithMouse(QComboBox* box, int index);
    NodeId idOf(const Graph& g, const std::string& op) const;

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
    const QPointF scenePos = item->mapToScene(QPointF(item->box().center().x(), item->box().top() + 5));
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

QString TestUiJourney::idleProblem()
{
    QTest::qWait(1000);
    EventCounter counter;
    qApp->installEventFilter(&counter);
    QTest::qWait(1000);
    qApp->removeEventFilter(&counter);
    return counter.total <= kIdleMax ? QString() : counter.report();
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

void TestUiJourney::fitFindExportActOnTheComparison() { QSKIP("later"); }
void TestUiJourney::inspectorTellsTheSelectedNodesFate() { QSKIP("later"); }
void TestUiJourney::syncedSidesShareOneScale() { QSKIP("later"); }
void TestUiJourney::emptyClickClearsBothSides() { QSKIP("later"); }
void TestUiJourney::bodiesModelPanesFollowTheGraph() { QSKIP("later"); }
void TestUiJourney::countsIncludeBodies() { QSKIP("later"); }
void TestUiJourney::smallWindowKeepsEverythingReachable() { QSKIP("later"); }
void TestUiJourney::optionsPanelIsTheSessionsDefault() { QSKIP("later"); }
void TestUiJourney::representationMovesAreQuiet() { QSKIP("later"); }

QTEST_MAIN(TestUiJourney)
#include "tst_ui_journey.moc"
