// Groups by name scope on the real main window, driven with the mouse and keys at 1280x800 and
// 640x420: big exports open with their blocks collapsed (a 6-layer transformer, a ViT with
// vit_b_16's structure), a double-click opens a block where it was on screen, a step keeps the
// groups and the view, collapsed groups carry the step's badges in the highlight colours, the
// context menu and Ctrl+Shift+Up/Down collapse and expand; the event loop goes idle afterwards.
#include "ModelBuilder.h"
#include "TestSupport.h"
#include "UiTestSupport.h"
#include "model/DataType.h"

#include "CompareView.h"
#include "GraphScene.h"
#include "GraphView.h"
#include "GroupFrameItem.h"
#include "Inspector.h"
#include "MainWindow.h"
#include "NodeItem.h"
#include "NodeVisual.h"
#include "SimplifySession.h"

#include <QtTest>

#include <QBuffer>
#include <QTemporaryDir>
#include <QDockWidget>
#include <QMenu>
#include <QTextBrowser>
#include <QXmlStreamReader>

using namespace netfold;
using namespace netfold::test;

namespace {

/// Collapsed-group items of a scene by scope path.
QMap<QString, NodeItem*> groupItems(GraphScene* scene)
{
    QMap<QString, NodeItem*> out;
    for (NodeItem* n : scene->nodeItems())
        if (n->visual().kind == LayoutNodeKind::Group)
            out.insert(QString::fromStdString(scene->layoutGraph().nodes[std::size_t(n->layoutIndex())].name), n);
    return out;
}

/// Where an item's box centre is in its view's viewport.
QPointF onScreen(GraphView* view, NodeItem* item) { return view->mapFromScene(item->mapRectToScene(item->box()).center()); }


} // namespace

class TestUiGroups : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("netfold-tests");
    }
    void cleanup() { m_window.reset(); }

    void opensWithBlocksCollapsed_data();
    void opensWithBlocksCollapsed();
    void doubleClickOpensAGroupInPlace_data() { sizes(); }
    void doubleClickOpensAGroupInPlace();
    void stepKeepsGroupsAndShowsBadges_data() { sizes(); }
    void stepKeepsGroupsAndShowsBadges();
    void menuAndKeysCollapseAndExpand();
    void farOutGroupTitlesStayReadable();
    void farOutTitlesLeaveOutOverlaps_data() { sizes(); }
    void farOutTitlesLeaveOutOverlaps();
    void groupsOpenedBeforeASimplifyStayOpen();
    void inspectorScopeBreadcrumbCollapses();

private:
    void sizes()
    {
        QTest::addColumn<QSize>("size");
        QTest::newRow("1280x800") << QSize(1280, 800);
        QTest::newRow("640x420") << QSize(640, 420);
    }
    bool start(const QString& path, QSize size)
    {
        m_window = std::make_unique<MainWindow>();
        return showAndOpen(*m_window, path, size.width(), size.height()) && waitLayouts();
    }
    bool waitLayouts()
    {
        // Group changes are queued (they may come from an item's own event handler).
        for (int round = 0; round < 3; ++round) {
            QCoreApplication::processEvents();
            for (GraphView* v : {m_window->graphView(), m_window->compareView()->leftView(), m_window->compareView()->rightView()})
                if (v->isVisible() && !v->graphScene()->waitForLayout())
                    return false;
        }
        QCoreApplication::processEvents();
        return true;
    }
    void key(int k, Qt::KeyboardModifiers mods = Qt::NoModifier)
    {
        if (!m_window->isActiveWindow()) {
            m_window->activateWindow();
            QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        }
        QTest::keyClick(m_window.get(), Qt::Key(k), mods);
    }
    /// Scrolls item into the middle of its view as a person would (scroll bars), then returns its
    /// viewport position.
    QPoint bringIntoSight(GraphView* view, NodeItem* item)
    {
        if (!view->viewport()->rect().contains(onScreen(view, item).toPoint()))
            view->centerOn(item);
        return onScreen(view, item).toPoint();
    }

    std::unique_ptr<MainWindow> m_window;
};

void TestUiGroups::opensWithBlocksCollapsed_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QSize>("size");
    QTest::addColumn<QString>("prefix");
    QTest::addColumn<int>("blocks");
    for (QSize size : {QSize(1280, 800), QSize(640, 420)}) {
        const QString at = QString(" %1x%2").arg(size.width()).arg(size.height());
        QTest::newRow(qPrintable("transformer" + at)) << "groups/transformer6_dyn.onnx" << size << "enc/layers." << 6;
        QTest::newRow(qPrintable("vit" + at)) << "groups/vit_tiny.onnx" << size << "encoder/layers/encoder_layer_" << 12;
    }
}

void TestUiGroups::opensWithBlocksCollapsed()
{
    QFETCH(QString, file);
    QFETCH(QSize, size);
    QFETCH(QString, prefix);
    QFETCH(int, blocks);
    QVERIFY(start(dataPath(file), size));
    GraphScene* scene = m_window->graphScene();
    const QMap<QString, NodeItem*> groups = groupItems(scene);
    QStringList expected;
    for (int i = 0; i < blocks; ++i)
        expected << prefix + QString::number(i);
    for (const QString& block : expected)
        QVERIFY2(groups.contains(block), qPrintable(block + " is not a collapsed group"));
    // Besides the blocks, at most small helpers such as the final LayerNorm ("encoder/ln").
    QVERIFY2(groups.size() <= blocks + 1, qPrintable(groups.keys().join(", ")));
    // Titled by the scope's last part with the node count; the counts add up to the layers.
    int inGroups = 0;
    for (NodeItem* n : groups) {
        const NodeVisual& v = n->visual();
        QVERIFY(groups.key(n).endsWith(v.title));
        QVERIFY(v.rows.size() >= 1 && v.rows[0].text.endsWith(" nodes"));
        inGroups += v.rows[0].text.section(' ', 0, 0).toInt();
    }
    const Graph& g = *scene->graph();
    int scoped = 0;
    for (const Node& n : g.nodes)
        if (n.name.rfind("/" + prefix.toStdString(), 0) == 0 || n.name.rfind("/encoder/ln/", 0) == 0)
            ++scoped;
    QVERIFY2(inGroups >= scoped, qPrintable(QString("%1 in groups, %2 named in them").arg(inGroups).arg(scoped)));
    // Few boxes: everything drawn is a group or a top-level node.
    QVERIFY(scene->nodeItems().size() < int(g.nodes.size()) / 10);
    // The block boxes are readable in the initial view of the big window.
    GraphView* view = m_window->graphView();
    if (size.width() >= 1280)
        QVERIFY2(view->zoom() >= NodeItem::kTextLod, qPrintable(QString::number(view->zoom())));
    const QString idle = idleProblem();
    QVERIFY2(idle.isEmpty(), qPrintable(idle));
}

void TestUiGroups::doubleClickOpensAGroupInPlace()
{
    QFETCH(QSize, size);
    QVERIFY(start(dataPath("groups/transformer6_dyn.onnx"), size));
    GraphScene* scene = m_window->graphScene();
    GraphView* view = m_window->graphView();
    NodeItem* layer3 = groupItems(scene).value("enc/layers.3");
    QVERIFY(layer3);
    const QPoint at = bringIntoSight(view, layer3);
    QVERIFY(view->viewport()->rect().contains(at));
    const QPointF before = onScreen(view, layer3);
    // Where the block begins: the first node the previous layer's output flows into.
    const NodeId first = scene->layoutGraph().nodes[std::size_t(layer3->layoutIndex())].entry;
    QVERIFY(first != kNoNode);
    QVERIFY(scene->graph()->findNode(first)->name.rfind("/enc/layers.3/", 0) == 0);
    QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, at);
    QTRY_VERIFY(!scene->collapsedGroups().count("enc/layers.3"));
    QVERIFY(waitLayouts());
    const QMap<QString, NodeItem*> groups = groupItems(scene);
    QVERIFY(!groups.contains("enc/layers.3"));
    QCOMPARE(groups.size(), 5);
    // Its nodes are drawn one by one; the first stands where the group was.
    NodeItem* firstItem = scene->nodeItem(first);
    QVERIFY(firstItem && firstItem->visual().kind != LayoutNodeKind::Group);
    const QPointF after = onScreen(view, firstItem);
    QVERIFY2(QLineF(before, after).length() < 4,
             qPrintable(QString("group at %1,%2; its first node now at %3,%4").arg(before.x()).arg(before.y()).arg(after.x()).arg(after.y())));
    // The open block is framed, its tab titled, every node of it inside the frame.
    QCOMPARE(scene->groupFrames().size(), 1);
    GroupFrameItem* frame = scene->groupFrames()[0];
    QCOMPARE(frame->path(), std::string("enc/layers.3"));
    int drawn = 0;
    for (NodeItem* n : scene->nodeItems())
        if (n->visual().id != kNoNode && scene->graph()->findNode(n->visual().id)->name.rfind("/enc/layers.3/", 0) == 0) {
            ++drawn;
            QVERIFY(frame->frame().contains(n->mapRectToScene(n->box())));
        }
    QVERIFY(drawn > 40);
    for (NodeItem* other : groupItems(scene))
        QVERIFY(!frame->frame().intersects(other->mapRectToScene(other->box())));
    // Export as SVG draws the frame and its tab's title too, under the nodes, where the scene has it.
    QBuffer svg;
    svg.open(QIODevice::WriteOnly);
    QString error;
    QVERIFY2(scene->writeSvg(&svg, &error), qPrintable(error));
    QXmlStreamReader xml(svg.data());
    int frames = 0, nodesBefore = 0;
    QRectF drawnFrame;
    QString tabText;
    while (!xml.atEnd()) {
        if (xml.readNext() != QXmlStreamReader::StartElement)
            continue;
        const QString cls = xml.attributes().value(QLatin1String("class")).toString();
        if (cls.startsWith(QLatin1String("node ")) && frames == 0)
            ++nodesBefore;
        if (cls != QLatin1String("group"))
            continue;
        ++frames;
        QCOMPARE(xml.attributes().value(QLatin1String("data-path")).toString(), QString("enc/layers.3"));
        QVERIFY(xml.readNextStartElement() && xml.name() == QLatin1String("rect"));
        const QXmlStreamAttributes a = xml.attributes();
        drawnFrame = QRectF(a.value(QLatin1String("x")).toDouble(), a.value(QLatin1String("y")).toDouble(),
                            a.value(QLatin1String("width")).toDouble(), a.value(QLatin1String("height")).toDouble());
        while (!xml.atEnd() && !(xml.isStartElement() && xml.name() == QLatin1String("text")))
            xml.readNext();
        tabText = xml.readElementText();
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QCOMPARE(frames, 1);
    QCOMPARE(nodesBefore, 0);
    QVERIFY2(QLineF(drawnFrame.topLeft(), frame->frame().topLeft()).length() < 0.1
                 && QLineF(drawnFrame.bottomRight(), frame->frame().bottomRight()).length() < 0.1,
             qPrintable(QString("%1,%2 %3x%4").arg(drawnFrame.x()).arg(drawnFrame.y()).arg(drawnFrame.width()).arg(drawnFrame.height())));
    QCOMPARE(tabText, frame->title());
    QVERIFY(tabText.startsWith("layers.3"));
    // A double-click on its tab collapses it again.
    if (!view->viewport()->rect().contains(view->mapFromScene(frame->tab().center())))
        view->centerOn(frame->tab().center());
    QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, view->mapFromScene(frame->tab().center()));
    QTRY_VERIFY(scene->collapsedGroups().count("enc/layers.3"));
    QVERIFY(waitLayouts());
    QCOMPARE(groupItems(scene).size(), 6);
    QVERIFY(scene->groupFrames().isEmpty());
    const QString idle = idleProblem();
    QVERIFY2(idle.isEmpty(), qPrintable(idle));
}

void TestUiGroups::stepKeepsGroupsAndShowsBadges()
{
    QFETCH(QSize, size);
    QVERIFY(start(dataPath("groups/transformer6_dyn.onnx"), size));
    // F10 until the side by side shows a step that folded something inside the layers.
    CompareView* compare = m_window->compareView();
    GraphView* left = compare->leftView();
    GraphView* right = compare->rightView();
    bool folded = false;
    for (int i = 0; i < 12 && !folded; ++i) {
        QPointF leftBefore, rightBefore;
        NodeItem* l2 = m_window->isComparing() ? groupItems(left->graphScene()).value("enc/layers.2") : nullptr;
        NodeItem* r2 = m_window->isComparing() ? groupItems(right->graphScene()).value("enc/layers.2") : nullptr;
        const bool inSight = l2 && r2 && left->viewport()->rect().contains(onScreen(left, l2).toPoint()) &&
                             right->viewport()->rect().contains(onScreen(right, r2).toPoint());
        if (inSight) {
            leftBefore = onScreen(left, l2);
            rightBefore = onScreen(right, r2);
        }
        key(Qt::Key_F10);
        QVERIFY(QTest::qWaitFor([&] { return !m_window->session()->busy(); }, 60000));
        QVERIFY(waitLayouts());
        QVERIFY(m_window->isComparing());
        // Both sides keep the six layers collapsed.
        QCOMPARE(groupItems(left->graphScene()).size(), 6);
        QCOMPARE(groupItems(right->graphScene()).size(), 6);
        // A block in sight stays where it was on both sides.
        if (inSight) {
            const QPointF l = onScreen(left, groupItems(left->graphScene()).value("enc/layers.2"));
            const QPointF r = onScreen(right, groupItems(right->graphScene()).value("enc/layers.2"));
            QVERIFY2(QLineF(l, leftBefore).length() < 4 && QLineF(r, rightBefore).length() < 4,
                     qPrintable(QString("step %1 moved layers.2: left %2,%3 -> %4,%5; right %6,%7 -> %8,%9")
                                    .arg(i + 1).arg(leftBefore.x()).arg(leftBefore.y()).arg(l.x()).arg(l.y())
                                    .arg(rightBefore.x()).arg(rightBefore.y()).arg(r.x()).arg(r.y())));
        }
        NodeItem* g = groupItems(left->graphScene()).value("enc/layers.2");
        const std::array<int, 7> badges = left->graphScene()->groupBadges(g->layoutIndex());
        folded = badges[std::size_t(HighlightState::Folded)] + badges[std::size_t(HighlightState::Removed)] > 0;
    }
    QVERIFY2(folded, "no step removed nodes inside layers.2");
    // The badge is painted: the folded (or removed) colour on the group's badge row on screen.
    NodeItem* g = groupItems(left->graphScene()).value("enc/layers.2");
    left->centerOn(g);
    QCoreApplication::processEvents();
    const GraphStyle& st = left->graphScene()->style();
    const std::array<int, 7> badges = left->graphScene()->groupBadges(g->layoutIndex());
    const HighlightState state = badges[std::size_t(HighlightState::Folded)] ? HighlightState::Folded : HighlightState::Removed;
    const QColor want = st.stateColor(state);
    const QRect box = left->mapFromScene(g->mapRectToScene(g->box())).boundingRect();
    const QImage shot = left->viewport()->grab(box).toImage();
    int matching = 0;
    for (int y = 0; y < shot.height(); ++y)
        for (int x = 0; x < shot.width(); ++x) {
            const QColor c = shot.pixelColor(x, y);
            if (std::abs(c.red() - want.red()) < 40 && std::abs(c.green() - want.green()) < 40 && std::abs(c.blue() - want.blue()) < 40)
                ++matching;
        }
    QVERIFY2(matching > 20, qPrintable(QString("%1 pixels of %2 in the group's box").arg(matching).arg(want.name())));
    // The tooltip says it in words.
    QVERIFY(left->graphScene()->toolTipFor(g->layoutIndex()).contains(GraphStyle::stateName(state)));
    const QString idle = idleProblem();
    QVERIFY2(idle.isEmpty(), qPrintable(idle));
}

void TestUiGroups::menuAndKeysCollapseAndExpand()
{
    QVERIFY(start(dataPath("groups/transformer6_dyn.onnx"), QSize(1280, 800)));
    GraphScene* scene = m_window->graphScene();
    GraphView* view = m_window->graphView();
    // The context menu of a group: "Expand 'layers.1'", chosen with the keyboard.
    NodeItem* layer1 = groupItems(scene).value("enc/layers.1");
    QVERIFY(layer1);
    const QPoint at = bringIntoSight(view, layer1);
    QString chosen;
    QTimer::singleShot(200, [&chosen] {
        auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget());
        if (!menu)
            return;
        chosen = menu->actions().value(0) ? menu->actions()[0]->text() : QString();
        QTest::keyClick(menu, Qt::Key_Down);
        QTest::keyClick(menu, Qt::Key_Return);
    });
    QContextMenuEvent menuEvent(QContextMenuEvent::Mouse, at, view->viewport()->mapToGlobal(at));
    QApplication::sendEvent(view->viewport(), &menuEvent);
    QCOMPARE(chosen, QString("Expand 'layers.1'"));
    QTRY_VERIFY(!scene->collapsedGroups().count("enc/layers.1"));
    QVERIFY(waitLayouts());

    // Click a node inside it, then Ctrl+Shift+Up collapses the innermost scope around it, again
    // for the next one out; Ctrl+Shift+Down on the selected group opens it.
    NodeId attn = kNoNode;
    for (const Node& n : scene->graph()->nodes)
        if (n.name.rfind("/enc/layers.1/self_attn/", 0) == 0 && n.opType == "MatMul") {
            attn = n.id;
            break;
        }
    NodeItem* item = scene->nodeItem(attn);
    QVERIFY(item && item->visual().kind == LayoutNodeKind::Op);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, bringIntoSight(view, item));
    QCOMPARE(scene->selectedNode(), attn);
    key(Qt::Key_Up, Qt::ControlModifier | Qt::ShiftModifier);
    QVERIFY(waitLayouts());
    QVERIFY(scene->collapsedGroups().count("enc/layers.1/self_attn"));
    NodeItem* group = scene->nodeItem(attn);
    QVERIFY(group && group->visual().kind == LayoutNodeKind::Group && group->visual().title == "self_attn");
    // The selection stays on the node, now drawn by its group.
    QCOMPARE(scene->selectedNode(), attn);
    key(Qt::Key_Up, Qt::ControlModifier | Qt::ShiftModifier);
    QVERIFY(waitLayouts());
    QVERIFY(scene->collapsedGroups().count("enc/layers.1"));
    QVERIFY(!scene->collapsedGroups().count("enc/layers.1/self_attn"));
    QCOMPARE(scene->nodeItem(attn)->visual().title, QString("layers.1"));
    // Select the group with a click and open it with Ctrl+Shift+Down.
    group = scene->nodeItem(attn);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, bringIntoSight(view, group));
    QCOMPARE(scene->selectedIndex(), group->layoutIndex());
    key(Qt::Key_Down, Qt::ControlModifier | Qt::ShiftModifier);
    QVERIFY(waitLayouts());
    QVERIFY(!scene->collapsedGroups().count("enc/layers.1"));
    QVERIFY(scene->nodeItem(attn)->visual().kind == LayoutNodeKind::Op);

    // View > Expand All Groups / Collapse All Groups.
    auto trigger = [this](const QString& text) {
        for (QAction* a : m_window->findChildren<QAction*>())
            if (a->text().remove('&') == text) {
                a->trigger();
                return true;
            }
        return false;
    };
    QVERIFY(trigger("Expand All Groups"));
    QVERIFY(waitLayouts());
    QVERIFY(scene->collapsedGroups().empty());
    QVERIFY(groupItems(scene).isEmpty());
    QVERIFY(trigger("Collapse All Groups"));
    QVERIFY(waitLayouts());
    QCOMPARE(groupItems(scene).size(), 6);
    const QString idle = idleProblem();
    QVERIFY2(idle.isEmpty(), qPrintable(idle));
}

void TestUiGroups::farOutGroupTitlesStayReadable()
{
    QVERIFY(start(dataPath("groups/vit_tiny.onnx"), QSize(1280, 800)));
    GraphView* view = m_window->graphView();
    GraphScene* scene = m_window->graphScene();
    // Fit to window (Ctrl+0): the whole ViT is too tall for node text.
    key(Qt::Key_0, Qt::ControlModifier);
    QCoreApplication::processEvents();
    QVERIFY2(view->zoom() < NodeItem::kTextLod, qPrintable(QString::number(view->zoom())));
    const QImage shot = view->viewport()->grab().toImage();
    const QColor ink = scene->style().rowLabel;
    const QColor back = scene->style().background;
    for (const QString& block : {QString("encoder/layers/encoder_layer_0"), QString("encoder/layers/encoder_layer_11")}) {
        NodeItem* g = groupItems(scene).value(block);
        QVERIFY(g);
        const QRect box = view->mapFromScene(g->mapRectToScene(g->box())).boundingRect();
        QVERIFY(view->viewport()->rect().contains(box));
        // Beside the box, at screen size: text pixels of the title colour (not just the background).
        const QRect beside(box.right() + 4, box.top() - 4, 110, box.height() + 8);
        int inked = 0;
        for (int y = beside.top(); y <= beside.bottom(); ++y)
            for (int x = beside.left(); x <= beside.right() && x < shot.width(); ++x) {
                const QColor c = shot.pixelColor(x, y);
                if (std::abs(c.lightness() - ink.lightness()) < 60 && std::abs(c.lightness() - back.lightness()) > 80)
                    ++inked;
            }
        QVERIFY2(inked > 60, qPrintable(QString("%1: %2 title pixels beside its box").arg(block).arg(inked)));
    }
    // Every collapsed block's title fits beside its box: none is left out.
    QCOMPARE(view->groupTitleRects().size(), groupItems(scene).size());
    const QString idle = idleProblem();
    QVERIFY2(idle.isEmpty(), qPrintable(idle));
}

// Fitted on hundreds of collapsed groups, the far-out titles do not pile up into an unreadable
// block (600 of them used to be drawn over each other, 30 ms a frame at 2,000): each title drawn
// is clear of the others, the rest are left out, and the first block keeps its title.
void TestUiGroups::farOutTitlesLeaveOutOverlaps()
{
    QFETCH(QSize, size);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ModelBuilder b(17);
    b.input("x", dtype::Float, {1, 8}).output("y", dtype::Float);
    std::string previous = "x";
    for (int block = 0; block < 600; ++block)
        for (int k = 0; k < 6; ++k) {
            const std::string out = block == 599 && k == 5 ? "y" : "t" + std::to_string(block * 6 + k);
            b.node("Relu", {previous}, {out}, "/blocks." + std::to_string(block) + "/Relu_" + std::to_string(k));
            previous = out;
        }
    const QString path = dir.filePath("blocks600.onnx");
    b.save(path.toStdString());
    QVERIFY(start(path, size));
    GraphView* view = m_window->graphView();
    GraphScene* scene = m_window->graphScene();
    QCOMPARE(groupItems(scene).size(), 600);
    key(Qt::Key_0, Qt::ControlModifier);
    QCoreApplication::processEvents();
    QVERIFY2(view->zoom() < NodeItem::kTextLod, qPrintable(QString::number(view->zoom())));
    view->viewport()->grab();
    const QVector<QRectF>& titles = view->groupTitleRects();
    QVERIFY2(titles.size() >= 5 && titles.size() < 300, qPrintable(QString("%1 titles drawn").arg(titles.size())));
    for (int i = 0; i < titles.size(); ++i)
        for (int j = i + 1; j < titles.size(); ++j)
            QVERIFY2(!titles[i].intersects(titles[j]), qPrintable(QString("titles %1 and %2 overlap").arg(i).arg(j)));
    // Beside the first block's box: its title was drawn first.
    NodeItem* first = groupItems(scene).value("blocks.0");
    QVERIFY(first);
    const QRectF box = view->mapFromScene(first->mapRectToScene(first->box())).boundingRect();
    QVERIFY2(std::abs(titles[0].center().y() - box.center().y()) < 2 && titles[0].left() > box.right(),
             qPrintable(QString("first title at %1,%2").arg(titles[0].left()).arg(titles[0].top())));
    const QString idle = idleProblem();
    QVERIFY2(idle.isEmpty(), qPrintable(idle));
}

// A block opened in the single view is still open in the side by side the first step shows.
void TestUiGroups::groupsOpenedBeforeASimplifyStayOpen()
{
    QVERIFY(start(dataPath("groups/transformer6_dyn.onnx"), QSize(1280, 800)));
    GraphScene* scene = m_window->graphScene();
    GraphView* view = m_window->graphView();
    NodeItem* layer3 = groupItems(scene).value("enc/layers.3");
    QVERIFY(layer3);
    QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, bringIntoSight(view, layer3));
    QTRY_VERIFY(!scene->collapsedGroups().count("enc/layers.3"));
    QVERIFY(waitLayouts());
    key(Qt::Key_F10);
    QVERIFY(QTest::qWaitFor([&] { return !m_window->session()->busy(); }, 60000));
    QVERIFY(waitLayouts());
    QVERIFY(m_window->isComparing());
    for (GraphView* side : {m_window->compareView()->leftView(), m_window->compareView()->rightView()}) {
        QVERIFY(!side->graphScene()->collapsedGroups().count("enc/layers.3"));
        QVERIFY(!groupItems(side->graphScene()).contains("enc/layers.3"));
        QCOMPARE(groupItems(side->graphScene()).size(), 5);
    }
}

// The inspector shows a node's scope as a breadcrumb; clicking a part collapses that group.
void TestUiGroups::inspectorScopeBreadcrumbCollapses()
{
    QVERIFY(start(dataPath("groups/transformer6_dyn.onnx"), QSize(1280, 800)));
    GraphScene* scene = m_window->graphScene();
    GraphView* view = m_window->graphView();
    NodeItem* layer2 = groupItems(scene).value("enc/layers.2");
    QVERIFY(layer2);
    QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, bringIntoSight(view, layer2));
    QTRY_VERIFY(!scene->collapsedGroups().count("enc/layers.2"));
    QVERIFY(waitLayouts());
    NodeId softmax = kNoNode;
    for (const Node& n : scene->graph()->nodes)
        if (n.name.rfind("/enc/layers.2/self_attn/", 0) == 0 && n.opType == "Softmax")
            softmax = n.id;
    NodeItem* item = scene->nodeItem(softmax);
    QVERIFY(item && item->visual().kind == LayoutNodeKind::Op);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, bringIntoSight(view, item));
    QCOMPARE(scene->selectedNode(), softmax);
    Inspector* insp = m_window->inspector();
    m_window->findChild<QDockWidget*>("inspectorDock")->raise();
    QTRY_VERIFY(insp->plainText().contains(QString::fromUtf8("enc \u203A layers.2 \u203A self_attn")));
    const int link = insp->links().indexOf("scope:enc/layers.2");
    QVERIFY2(link >= 0, qPrintable(insp->links().join(' ')));
    QVERIFY(clickAnchor(insp->browser(), QString("nf:%1").arg(link)));
    QTRY_VERIFY(scene->collapsedGroups().count("enc/layers.2"));
    QVERIFY(waitLayouts());
    QCOMPARE(scene->nodeItem(softmax)->visual().title, QString("layers.2"));
    const QString idle = idleProblem();
    QVERIFY2(idle.isEmpty(), qPrintable(idle));
}

QTEST_MAIN(TestUiGroups)
#include "tst_ui_groups.moc"
