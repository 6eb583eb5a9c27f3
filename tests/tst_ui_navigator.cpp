// The change navigator on the real main window, driven as a person drives it: F5 (Run to end),
// F8 / Shift+F8, clicks on the list's entries, on the kind filter and in the Go menu, at 1280x800
// and 640x420. Every change of the sample model and of the transformer fixture is visited in list
// order, each time selected and centred on both sides; the event loop goes idle afterwards.
#include "TestSupport.h"
#include "UiTestSupport.h"

#include "ChangeNavigator.h"
#include "CompareView.h"
#include "GraphScene.h"
#include "GraphView.h"
#include "MainWindow.h"
#include "Minimap.h"
#include "NodeItem.h"
#include "NodeVisual.h"
#include "PassTimeline.h"
#include "SimplifySession.h"

#include "diff/ChangeList.h"

#include <QtTest>

#include <QAbstractItemView>
#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QScrollBar>
#include <QTabBar>
#include <QTreeWidget>

using namespace netfold;
using namespace netfold::test;

namespace {

/// How far (in pixels) a centred node's box centre may be from the viewport's centre.
constexpr qreal kCentredPx = 3;

} // namespace

class TestUiNavigator : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanup();

    void visitsEveryChangeInOrder_data();
    void visitsEveryChangeInOrder();
    void clickingAnEntryShowsIt_data() { sizes(); }
    void clickingAnEntryShowsIt();
    void kindFilterLimitsTheWalk();
    void followsTheHighlightMode();
    void goMenuAndUnsyncedSides();
    void minimapMarksChangesAndJumps();

private:
    void sizes();
    bool start(const QString& path, QSize size);
    void key(int key, Qt::KeyboardModifiers mods = Qt::NoModifier)
    {
        if (!m_window->isActiveWindow()) {
            m_window->activateWindow();
            QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        }
        QTest::keyClick(m_window.get(), Qt::Key(key), mods);
    }
    bool keyAndWait(int key, Qt::KeyboardModifiers mods = Qt::NoModifier);
    bool waitLayouts();
    /// "" when entry is shown: its foci selected (or, as context, nothing selected) and centred on
    /// both sides; otherwise what is wrong.
    QString shownProblem(int entry);
    /// Clicks an entry of the list as a person does (scrolling it into sight first).
    void clickEntry(int entry);
    ChangeNavigator* nav() const { return m_window->changeNavigator(); }
    /// Clicks the dock tab titled "Changes ..." (the dock is tabbed with the Passes).
    void clickChangesTab();
    /// True when the change list is on screen (not behind another tab).
    bool listOnScreen() const
    {
        QTreeWidget* tree = nav()->tree();
        return tree->isVisible() && !tree->visibleRegion().isEmpty() && tree->viewport()->height() > 10;
    }

    std::unique_ptr<MainWindow> m_window;
};

void TestUiNavigator::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("netfold-tests");
}

void TestUiNavigator::cleanup() { m_window.reset(); }

void TestUiNavigator::sizes()
{
    QTest::addColumn<QSize>("size");
    QTest::newRow("1280x800") << QSize(1280, 800);
    QTest::newRow("640x420") << QSize(640, 420);
}

bool TestUiNavigator::start(const QString& path, QSize size)
{
    m_window = std::make_unique<MainWindow>();
    return showAndOpen(*m_window, path, size.width(), size.height()) && m_window->graphScene()->waitForLayout();
}

bool TestUiNavigator::keyAndWait(int k, Qt::KeyboardModifiers mods)
{
    key(k, mods);
    if (!QTest::qWaitFor([&] { return !m_window->session()->busy(); }, 60000))
        return false;
    return waitLayouts();
}

bool TestUiNavigator::waitLayouts()
{
    for (GraphView* v : {m_window->graphView(), m_window->compareView()->leftView(), m_window->compareView()->rightView()})
        if (v->isVisible() && !v->graphScene()->waitForLayout())
            return false;
    QCoreApplication::processEvents();
    return true;
}

QString TestUiNavigator::shownProblem(int entry)
{
    if (nav()->current() != entry)
        return QString("current entry %1, expected %2").arg(nav()->current()).arg(entry);
    if (m_window->changeNavigator()->tree()->currentItem() != nav()->itemOf(entry))
        return "the list's current item is not the entry";
    const ChangeEntry& e = nav()->entries()[std::size_t(entry)];
    QStringList problems;
    CompareView* compare = m_window->compareView();
    if (!m_window->isComparing())
        problems << "not in the side by side";
    for (auto [view, focus, isChange, side] : {std::tuple{compare->leftView(), e.beforeFocus, e.beforeFocusIsChange, "before"},
                                               std::tuple{compare->rightView(), e.afterFocus, e.afterFocusIsChange, "after"}}) {
        const NodeId selected = view->graphScene()->selectedNode();
        if (selected != (isChange ? focus : kNoNode))
            problems << QString("%1: selected %2, expected %3").arg(side).arg(selected).arg(isChange ? focus : kNoNode);
        NodeItem* item = view->graphScene()->nodeItem(focus);
        if (!item) {
            problems << QString("%1: node %2 not drawn").arg(side).arg(focus);
            continue;
        }
        if (item->visual().kind == LayoutNodeKind::Group)
            problems << QString("%1: node %2 still inside the collapsed group %3").arg(side).arg(focus).arg(item->visual().title);
        const QPointF at = view->mapFromScene(item->mapRectToScene(item->box()).center());
        const QPointF centre = QRectF(view->viewport()->rect()).center();
        if (std::abs(at.x() - centre.x()) > kCentredPx || std::abs(at.y() - centre.y()) > kCentredPx)
            problems << QString("%1: node at %2,%3, viewport centre %4,%5").arg(side).arg(at.x()).arg(at.y()).arg(centre.x()).arg(centre.y());
        if (view->zoom() < NodeItem::kTextLod)
            problems << QString("%1: zoom %2 too far out to read").arg(side).arg(view->zoom());
    }
    if (!problems.isEmpty())
        return QString("entry %1 '%2': %3").arg(entry).arg(QString::fromStdString(e.text), problems.join("; "));
    return {};
}

void TestUiNavigator::clickChangesTab()
{
    for (QTabBar* bar : m_window->findChildren<QTabBar*>())
        for (int i = 0; i < bar->count(); ++i)
            if (bar->tabText(i).startsWith("Changes") && bar->isVisible()) {
                QTest::mouseClick(bar, Qt::LeftButton, {}, bar->tabRect(i).center());
                QTRY_VERIFY(listOnScreen());
                return;
            }
    QFAIL("no Changes tab");
}

void TestUiNavigator::clickEntry(int entry)
{
    QTreeWidget* tree = nav()->tree();
    QTreeWidgetItem* item = nav()->itemOf(entry);
    QVERIFY(item);
    QVERIFY2(listOnScreen(), "the change list is not on screen");
    // As a person scrolls it into sight: with the scroll bar.
    QScrollBar* bar = tree->verticalScrollBar();
    QRect r = tree->visualItemRect(item);
    for (int tries = 0; tries < 1000 && (r.top() < 0 || r.bottom() > tree->viewport()->height()); ++tries) {
        const int before = bar->value();
        bar->setValue(bar->value() + (r.top() < 0 ? -1 : 1) * bar->singleStep());
        if (bar->value() == before)
            break;
        r = tree->visualItemRect(item);
    }
    QVERIFY2(tree->viewport()->rect().contains(r.center()), "the entry cannot be scrolled into sight");
    QTest::mouseClick(tree->viewport(), Qt::LeftButton, {}, QPoint(r.left() + qMin(40, r.width() / 2), r.center().y()));
    QVERIFY(waitLayouts());
}

void TestUiNavigator::visitsEveryChangeInOrder_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QSize>("size");
    const QString sample = sourcePath("resources/models/sample-reshape.onnx");
    const QString transformer = dataPath("transformer_dyn.onnx");
    QTest::newRow("sample 1280x800") << sample << QSize(1280, 800);
    QTest::newRow("sample 640x420") << sample << QSize(640, 420);
    QTest::newRow("transformer 1280x800") << transformer << QSize(1280, 800);
    QTest::newRow("transformer 640x420") << transformer << QSize(640, 420);
    // Opens with its six layers collapsed: going to a change opens the group it is in.
    const QString grouped = dataPath("groups/transformer6_dyn.onnx");
    QTest::newRow("grouped transformer 1280x800") << grouped << QSize(1280, 800);
    QTest::newRow("grouped transformer 640x420") << grouped << QSize(640, 420);
}

void TestUiNavigator::visitsEveryChangeInOrder()
{
    QFETCH(QString, file);
    QFETCH(QSize, size);
    QVERIFY(start(file, size));
    QVERIFY(keyAndWait(Qt::Key_F5));
    const Pipeline* p = m_window->session()->pipeline();
    QVERIFY(p && p->atFixedPoint() && p->position() > 0);
    QVERIFY(m_window->isComparing());
    // All steps so far (the compare view's default): the core's list, in order, all listed.
    QVERIFY(m_window->compareView()->cumulative());
    const std::vector<ChangeEntry> expected = changeList(*p, 0, p->position());
    QCOMPARE(nav()->entries().size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i)
        QCOMPARE(nav()->entries()[i].text, expected[i].text);
    QCOMPARE(int(nav()->listed().size()), int(expected.size()));
    std::size_t removed = 0;
    for (const Step& s : p->steps())
        removed += s.changes.removed.size();
    std::size_t listedRemoved = 0;
    for (const ChangeEntry& e : nav()->entries())
        listedRemoved += e.removed.size();
    QCOMPARE(listedRemoved, removed);
    // The list shows them in that order (depth first through the scope groups).
    QTreeWidget* tree = nav()->tree();
    std::vector<int> shown;
    for (QTreeWidgetItemIterator it(tree); *it; ++it)
        if ((*it)->data(0, Qt::UserRole + 1).isValid())
            shown.push_back((*it)->data(0, Qt::UserRole + 1).toInt());
    QCOMPARE(shown, nav()->listed());
    if (file.endsWith("sample-reshape.onnx")) {
        QCOMPARE(int(expected.size()), 1);
        QCOMPARE(QString::fromStdString(expected[0].text), QString("Shape -> Slice -> Concat folded into Reshape's shape [1, 64, -1]"));
    } else {
        QVERIFY(expected.size() > 30);
        QVERIFY(tree->topLevelItemCount() >= 8); // scopes: /enc/layers.0/self_attn, .../norm1, ...
    }

    // The dock is a tab beside the Passes, titled with the count; the Passes stay in front
    // until one goes to a change.
    auto* dock = m_window->findChild<QDockWidget*>("changesDock");
    QVERIFY(dock);
    QCOMPARE(dock->windowTitle(), QString("Changes (%1)").arg(expected.size()));
    QVERIFY(!listOnScreen());
    // F8 through every change, in order.
    const int n = int(nav()->listed().size());
    for (int i = 0; i < n; ++i) {
        key(Qt::Key_F8);
        QVERIFY(waitLayouts());
        const QString problem = shownProblem(nav()->listed()[std::size_t(i)]);
        QVERIFY2(problem.isEmpty(), qPrintable(QString("F8 #%1: %2").arg(i + 1).arg(problem)));
        QVERIFY2(listOnScreen(), "going to a change brings the list forward");
    }
    QVERIFY2(nav()->findChild<QLabel*>("changeStatus")->text().startsWith(QString("Change %1 of %1").arg(n)),
             qPrintable(nav()->findChild<QLabel*>("changeStatus")->text()));
    // Past the last: back to the first, and said so.
    key(Qt::Key_F8);
    QVERIFY(waitLayouts());
    QVERIFY2(shownProblem(nav()->listed().front()).isEmpty(), qPrintable(shownProblem(nav()->listed().front())));
    QVERIFY(nav()->findChild<QLabel*>("changeStatus")->text().contains("wrapped to the first"));
    // Shift+F8 from the first: the last.
    key(Qt::Key_F8, Qt::ShiftModifier);
    QVERIFY(waitLayouts());
    QVERIFY2(shownProblem(nav()->listed().back()).isEmpty(), qPrintable(shownProblem(nav()->listed().back())));
    QVERIFY(nav()->findChild<QLabel*>("changeStatus")->text().contains("wrapped to the last"));
    if (n > 1) {
        key(Qt::Key_F8, Qt::ShiftModifier);
        QVERIFY(waitLayouts());
        QVERIFY2(shownProblem(nav()->listed()[std::size_t(n - 2)]).isEmpty(), qPrintable(shownProblem(nav()->listed()[std::size_t(n - 2)])));
    }
    const QString idle = idleProblem();
    QVERIFY2(idle.isEmpty(), qPrintable(idle));
    // Still centred once everything has settled.
    QVERIFY2(shownProblem(nav()->current()).isEmpty(), qPrintable(shownProblem(nav()->current())));
}

void TestUiNavigator::clickingAnEntryShowsIt()
{
    QFETCH(QSize, size);
    QVERIFY(start(dataPath("transformer_dyn.onnx"), size));
    QVERIFY(keyAndWait(Qt::Key_F5));
    const int n = int(nav()->listed().size());
    QVERIFY(n > 10);
    clickChangesTab();
    // The user moves the views away, then clicks entries further down the list.
    for (int k : {n / 2, 3, n - 1}) {
        GraphView* right = m_window->compareView()->rightView();
        right->verticalScrollBar()->setValue(right->verticalScrollBar()->maximum());
        const int entry = nav()->listed()[std::size_t(k)];
        clickEntry(entry);
        const QString problem = shownProblem(entry);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }
    // Clicking the entry already current shows it again after the user scrolled away.
    const int entry = nav()->current();
    m_window->compareView()->leftView()->verticalScrollBar()->setValue(0);
    m_window->compareView()->rightView()->verticalScrollBar()->setValue(0);
    clickEntry(entry);
    QVERIFY2(shownProblem(entry).isEmpty(), qPrintable(shownProblem(entry)));
    // F8 goes on from the entry clicked.
    key(Qt::Key_F8);
    QVERIFY(waitLayouts());
    QCOMPARE(nav()->current(), nav()->listed().front()); // the clicked one was the last: wraps
    const QString idle = idleProblem();
    QVERIFY2(idle.isEmpty(), qPrintable(idle));
}

void TestUiNavigator::kindFilterLimitsTheWalk()
{
    QVERIFY(start(dataPath("transformer_dyn.onnx"), QSize(1280, 800)));
    QVERIFY(keyAndWait(Qt::Key_F5));
    clickChangesTab();
    QCheckBox* eliminated = nav()->kindFilter(ChangeKind::Eliminated);
    QVERIFY(eliminated->isVisible() && !eliminated->visibleRegion().isEmpty() && eliminated->isChecked());
    int eliminatedCount = 0;
    for (const ChangeEntry& e : nav()->entries())
        eliminatedCount += e.kind == ChangeKind::Eliminated;
    QVERIFY(eliminatedCount > 0);
    QCOMPARE(eliminated->text(), QString("eliminated %1").arg(eliminatedCount));
    const int all = int(nav()->listed().size());
    QTest::mouseClick(eliminated, Qt::LeftButton, {}, QPoint(8, eliminated->height() / 2));
    QVERIFY(!eliminated->isChecked());
    QCOMPARE(int(nav()->listed().size()), all - eliminatedCount);
    for (int i : nav()->listed())
        QVERIFY(nav()->entries()[std::size_t(i)].kind != ChangeKind::Eliminated);
    int items = 0;
    for (QTreeWidgetItemIterator it(nav()->tree()); *it; ++it)
        items += (*it)->data(0, Qt::UserRole + 1).isValid();
    QCOMPARE(items, all - eliminatedCount);
    // F8 walks the folded ones only, and wraps after them.
    for (int i = 0; i < int(nav()->listed().size()); ++i) {
        key(Qt::Key_F8);
        QVERIFY(waitLayouts());
        QVERIFY2(shownProblem(nav()->listed()[std::size_t(i)]).isEmpty(), qPrintable(shownProblem(nav()->listed()[std::size_t(i)])));
    }
    key(Qt::Key_F8);
    QVERIFY(waitLayouts());
    QCOMPARE(nav()->current(), nav()->listed().front());
    // Unfiltered again: the current entry stays current.
    const int current = nav()->current();
    QTest::mouseClick(eliminated, Qt::LeftButton, {}, QPoint(8, eliminated->height() / 2));
    QCOMPARE(int(nav()->listed().size()), all);
    QCOMPARE(nav()->current(), current);
    QCOMPARE(nav()->tree()->currentItem(), nav()->itemOf(current));
}

void TestUiNavigator::followsTheHighlightMode()
{
    QVERIFY(start(sourcePath("resources/models/sample-reshape.onnx"), QSize(1280, 800)));
    QVERIFY(keyAndWait(Qt::Key_F10));
    QVERIFY(keyAndWait(Qt::Key_F10));
    // Highlight "This step" (by keyboard on the timeline's combo box): step 2's changes only.
    auto* scope = m_window->timeline()->findChild<QComboBox*>("highlightScope");
    QVERIFY(scope);
    auto* passes = m_window->findChild<QDockWidget*>("timelineDock");
    passes->raise();
    scope->setFocus();
    QTest::keyClick(scope, Qt::Key_Up);
    QCOMPARE(scope->currentIndex(), 0);
    QVERIFY(waitLayouts());
    QVERIFY(!m_window->compareView()->cumulative());
    const Pipeline* p = m_window->session()->pipeline();
    QCOMPARE(int(p->position()), 2);
    QCOMPARE(int(nav()->entries().size()), 1);
    QCOMPARE(QString::fromStdString(nav()->entries()[0].text), QString("Shape -> Slice folded into Concat's inputs [1, 64]"));
    key(Qt::Key_F8);
    QVERIFY(waitLayouts());
    QVERIFY2(shownProblem(0).isEmpty(), qPrintable(shownProblem(0)));
    // Step 1 in this mode: four Constants, each its own entry, each shown.
    QVERIFY(keyAndWait(Qt::Key_F10, Qt::ShiftModifier));
    QCOMPARE(int(nav()->entries().size()), 4);
    QCOMPARE(nav()->current(), -1);
    for (int i = 0; i < 4; ++i) {
        key(Qt::Key_F8);
        QVERIFY(waitLayouts());
        QVERIFY2(shownProblem(i).isEmpty(), qPrintable(shownProblem(i)));
    }
    // All steps so far again: one chain.
    m_window->activateWindow();
    scope->setFocus();
    QTest::keyClick(scope, Qt::Key_Down);
    QVERIFY(waitLayouts());
    QCOMPARE(int(nav()->entries().size()), 4);
    QVERIFY2(nav()->findChild<QLabel*>("changeSummary")->text().startsWith("4 changes in step 1, in 1 scope"),
             qPrintable(nav()->findChild<QLabel*>("changeSummary")->text()));
    // Steps 1-2: the Slice's three Constants joined its chain; the Concat's is still apart.
    QVERIFY(keyAndWait(Qt::Key_F10));
    QCOMPARE(int(nav()->entries().size()), 2);
    QCOMPARE(QString::fromStdString(nav()->entries()[0].text), QString("Shape -> Slice folded into Concat's inputs [1, 64]"));
    QCOMPARE(int(nav()->entries()[0].removed.size()), 5);
    QVERIFY2(nav()->findChild<QLabel*>("changeSummary")->text().startsWith("2 changes in steps 1-2, in 1 scope"),
             qPrintable(nav()->findChild<QLabel*>("changeSummary")->text()));
    // A step that changes no node says so.
    QVERIFY(keyAndWait(Qt::Key_F5));
    QTest::keyClick(scope, Qt::Key_Up);
    QVERIFY(waitLayouts());
    QVERIFY(nav()->entries().empty());
    QVERIFY2(nav()->findChild<QLabel*>("changeSummary")->text().contains("changed no node"),
             qPrintable(nav()->findChild<QLabel*>("changeSummary")->text()));
    QVERIFY(!nav()->nextAction()->isEnabled());
    key(Qt::Key_F8); // nothing to go to: nothing happens
    QCOMPARE(nav()->current(), -1);
}

void TestUiNavigator::goMenuAndUnsyncedSides()
{
    QVERIFY(start(dataPath("transformer_dyn.onnx"), QSize(1280, 800)));
    QVERIFY(keyAndWait(Qt::Key_F5));
    // Go > Next Change with the mouse.
    QMenuBar* bar = m_window->menuBar();
    QAction* goAction = nullptr;
    for (QAction* a : bar->actions())
        if (a->text() == "&Go")
            goAction = a;
    QVERIFY(goAction);
    QMenu* go = goAction->menu();
    QCOMPARE(go->actions().value(0), nav()->nextAction());
    QCOMPARE(nav()->nextAction()->shortcut(), QKeySequence(Qt::Key_F8));
    QCOMPARE(nav()->previousAction()->shortcut(), QKeySequence(Qt::SHIFT | Qt::Key_F8));
    QTest::mouseClick(bar, Qt::LeftButton, {}, bar->actionGeometry(goAction).center());
    QTRY_VERIFY(go->isVisible());
    QTest::qWait(QApplication::doubleClickInterval() + 50);
    QTest::mouseClick(go, Qt::LeftButton, {}, go->actionGeometry(nav()->nextAction()).center());
    QTRY_VERIFY(!go->isVisible());
    QVERIFY(waitLayouts());
    QVERIFY2(shownProblem(nav()->listed().front()).isEmpty(), qPrintable(shownProblem(nav()->listed().front())));
    // From the single view: F8 brings the side by side back.
    m_window->showCompare(false);
    QVERIFY(!m_window->isComparing());
    key(Qt::Key_F8);
    QVERIFY(waitLayouts());
    QVERIFY2(shownProblem(nav()->listed()[1]).isEmpty(), qPrintable(shownProblem(nav()->listed()[1])));
    // Sides not synced, one zoomed far out: each side is centred, at a zoom to read.
    auto* sync = m_window->compareView()->findChild<QCheckBox*>();
    QVERIFY(sync && sync->text() == "Sync viewports");
    QTest::mouseClick(sync, Qt::LeftButton, {}, QPoint(8, sync->height() / 2));
    QVERIFY(!m_window->compareView()->viewportSync());
    m_window->compareView()->leftView()->setZoom(0.05);
    key(Qt::Key_F8);
    QVERIFY(waitLayouts());
    QVERIFY2(shownProblem(nav()->listed()[2]).isEmpty(), qPrintable(shownProblem(nav()->listed()[2])));
    const QString idle = idleProblem();
    QVERIFY2(idle.isEmpty(), qPrintable(idle));
}

void TestUiNavigator::minimapMarksChangesAndJumps()
{
    QVERIFY(start(dataPath("transformer_dyn.onnx"), QSize(1280, 800)));
    // The single view starts at the top of the graph: the minimap is there.
    auto minimapOf = [](GraphView* v) {
        for (Minimap* m : v->findChildren<Minimap*>())
            if (m->parentWidget() == v)
                return m;
        return static_cast<Minimap*>(nullptr);
    };
    QTRY_VERIFY(minimapOf(m_window->graphView()) && minimapOf(m_window->graphView())->isVisible());
    QVERIFY(keyAndWait(Qt::Key_F5));
    GraphView* left = m_window->compareView()->leftView();
    GraphView* right = m_window->compareView()->rightView();
    Minimap* map = minimapOf(left);
    QVERIFY(map);
    QTRY_VERIFY(map->isVisible());
    // Inside the view, in its bottom-right corner.
    const QRect vp = left->viewport()->geometry();
    QVERIFY2(vp.contains(map->geometry()), "the minimap is not inside the viewport");
    QVERIFY(map->geometry().right() > vp.center().x() && map->geometry().bottom() > vp.center().y());
    // The folded nodes are marked in the folded colour.
    const QColor folded = left->graphScene()->style().stateColor(HighlightState::Folded);
    const QImage image = map->grab().toImage();
    int marked = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            marked += image.pixelColor(x, y).rgb() == folded.rgb();
    QVERIFY2(marked > 20, qPrintable(QString("%1 pixels in the folded colour").arg(marked)));
    // A click near its bottom moves the view there (and the synced side with it).
    const QPoint at(map->width() / 2, map->height() - 12);
    const QPointF target = map->toScene(at);
    const int rightBefore = right->verticalScrollBar()->value();
    QTest::mouseClick(map, Qt::LeftButton, {}, at);
    QVERIFY(waitLayouts());
    const QPointF centre = left->mapToScene(left->viewport()->rect().center());
    // Within a minimap pixel (in scene units) unless the scroll range stops it.
    const qreal tolerance = 2 * (target - map->toScene(at + QPoint(1, 1))).manhattanLength() + 2;
    QVERIFY2(std::abs(centre.x() - target.x()) <= tolerance || left->horizontalScrollBar()->value() == left->horizontalScrollBar()->maximum()
                 || left->horizontalScrollBar()->value() == left->horizontalScrollBar()->minimum(),
             qPrintable(QString("x %1 vs %2").arg(centre.x()).arg(target.x())));
    QVERIFY2(std::abs(centre.y() - target.y()) <= tolerance || left->verticalScrollBar()->value() == left->verticalScrollBar()->maximum(),
             qPrintable(QString("y %1 vs %2").arg(centre.y()).arg(target.y())));
    QVERIFY(right->verticalScrollBar()->value() > rightBefore);
    // Dragging on it follows the mouse.
    const QPoint top(map->width() / 2, 14);
    QTest::mousePress(map, Qt::LeftButton, {}, QPoint(map->width() / 2, map->height() / 2));
    QMouseEvent move(QEvent::MouseMove, QPointF(top), map->mapToGlobal(QPointF(top)), Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(map, &move);
    QTest::mouseRelease(map, Qt::LeftButton, {}, top);
    QVERIFY(std::abs(left->mapToScene(left->viewport()->rect().center()).y() - map->toScene(top).y()) <= tolerance
            || left->verticalScrollBar()->value() == left->verticalScrollBar()->minimum());
    // View > Minimap (Ctrl+M) hides them all.
    key(Qt::Key_M, Qt::ControlModifier);
    QVERIFY(!map->isVisible());
    key(Qt::Key_M, Qt::ControlModifier);
    QVERIFY(map->isVisible());
    const QString idle = idleProblem();
    QVERIFY2(idle.isEmpty(), qPrintable(idle));
}

QTEST_MAIN(TestUiNavigator)
#include "tst_ui_navigator.moc"
