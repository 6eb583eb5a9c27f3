#include "GraphView.h"

#include "GraphScene.h"
#include "NodeItem.h"
#include "NodeVisual.h"
#include "GraphStyle.h"

#include <QDropEvent>
#include <QFontMetricsF>
#include <QGestureEvent>
#include <QKeyEvent>
#include <QMimeData>
#include <QMouseEvent>
#include <QNativeGestureEvent>
#include <QPainter>
#include <QPinchGesture>
#include <QScrollBar>
#include <QTimer>
#include <QWheelEvent>
#include <QtMath>

#include <algorithm>
#include <cmath>
#include <vector>

namespace netfold {

GraphView::GraphView(GraphScene* scene, QWidget* parent)
    : QGraphicsView(parent), m_scene(scene ? scene : new GraphScene(this))
{
    setScene(m_scene);
    setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    setDragMode(QGraphicsView::ScrollHandDrag);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    setResizeAnchor(QGraphicsView::AnchorViewCenter);
    setViewportUpdateMode(QGraphicsView::MinimalViewportUpdate);
    setOptimizationFlags(QGraphicsView::DontSavePainterState | QGraphicsView::DontAdjustForAntialiasing);
    setBackgroundBrush(m_scene->style().background);
    setFrameShape(QFrame::NoFrame);
    setFocusPolicy(Qt::StrongFocus);
    viewport()->grabGesture(Qt::PinchGesture);
    connect(m_scene, &GraphScene::graphAboutToChange, this, &GraphView::noteAnchors);
    connect(m_scene, &GraphScene::layoutStarted, this, &GraphView::onLayoutStarted);
    connect(m_scene, &GraphScene::chunkAdded, this, &GraphView::onChunkAdded);
    connect(m_scene, &GraphScene::layoutFinished, this, [this](bool ok) { onLayoutFinished(ok); });
    connect(m_scene, &GraphScene::centerRequested, this, &GraphView::centerOnLayoutNode);
}

qreal GraphView::zoom() const { return transform().m11(); }

void GraphView::setZoom(qreal z)
{
    m_userMoved = true;
    zoomTo(z, viewport()->rect().center());
    emit userZoomed(zoom());
}

void GraphView::followZoom(qreal z)
{
    if (qFuzzyCompare(z, zoom()))
        return;
    zoomTo(z, viewport()->rect().center());
    if (m_anchorIndex >= 0)
        m_anchorTransform = transform();
}

QPoint GraphView::scrollPos() const { return {horizontalScrollBar()->value(), verticalScrollBar()->value()}; }

template <typename F> void GraphView::scrolling(F move)
{
    const QPoint before = scrollPos();
    move();
    const QPoint delta = scrollPos() - before;
    if (!delta.isNull())
        emit userScrolled(delta);
}

void GraphView::zoomBy(qreal factor, const QPointF& viewportAnchor) { zoomTo(zoom() * factor, viewportAnchor); }

void GraphView::zoomTo(qreal target, const QPointF& viewportAnchor)
{
    target = qBound(kMinZoom, target, kMaxZoom);
    if (qFuzzyCompare(target, zoom()))
        return;
    const QPointF sceneAnchor = mapToScene(viewportAnchor.toPoint());
    const ViewportAnchor old = transformationAnchor();
    setTransformationAnchor(QGraphicsView::NoAnchor);
    setTransform(QTransform::fromScale(target, target));
    // Keep the anchor point where it was on screen.
    const QPointF moved = mapFromScene(sceneAnchor);
    const QPointF delta = moved - viewportAnchor;
    horizontalScrollBar()->setValue(horizontalScrollBar()->value() + qRound(delta.x()));
    verticalScrollBar()->setValue(verticalScrollBar()->value() + qRound(delta.y()));
    setTransformationAnchor(old);
    m_scene->setLevelOfDetail(target);
    emit zoomChanged(target);
}

void GraphView::zoomIn()
{
    m_userMoved = true;
    zoomBy(1.25, viewport()->rect().center());
    emit userZoomed(zoom());
}

void GraphView::zoomOut()
{
    m_userMoved = true;
    zoomBy(0.8, viewport()->rect().center());
    emit userZoomed(zoom());
}
void GraphView::resetZoom() { setZoom(1.0); }

qreal GraphView::fitZoom() const
{
    const QRectF r = m_scene->sceneRect();
    if (r.isEmpty())
        return zoom();
    const QRectF vp = roomRect();
    return qBound(kMinZoom, qMin(vp.width() / r.width(), vp.height() / r.height()), kMaxZoom);
}

void GraphView::fitAll(qreal cap)
{
    m_userMoved = true;
    const QRectF r = m_scene->sceneRect();
    if (r.isEmpty())
        return;
    const qreal z = qMin(fitZoom(), cap);
    setTransform(QTransform::fromScale(z, z));
    centerOn(r.center());
    m_scene->setLevelOfDetail(z);
    emit zoomChanged(z);
    emit userZoomed(z);
}

void GraphView::zoomToSelection()
{
    NodeItem* item = m_scene->nodeItem(m_scene->selectedNode());
    if (!item) {
        for (QGraphicsItem* i : m_scene->selectedItems())
            if (i->type() == NodeItem::Type)
                item = static_cast<NodeItem*>(i);
    }
    if (!item)
        return;
    if (zoom() < 1.0)
        setZoom(1.0);
    centerOn(item->sceneBoundingRect().center());
    m_userMoved = true;
}

void GraphView::centerOnLayoutNode(int layoutIndex)
{
    NodeItem* item = m_scene->nodeItemAt(layoutIndex);
    if (!item)
        return;
    m_userMoved = true;
    if (zoom() < NodeItem::kTextLod)
        setZoom(1.0);
    centerOn(item->sceneBoundingRect().center());
}

void GraphView::centerOnNode(NodeId id, bool select)
{
    if (select)
        m_scene->selectNode(id);
    NodeItem* item = m_scene->nodeItem(id);
    m_centreWhenDrawn = kNoNode;
    if (item && item->nodeId() == id)
        centerOnLayoutNode(item->layoutIndex());
    else if (m_scene->isLayoutRunning()) {
        m_centreWhenDrawn = id;
        m_centreZoom = -1;
    } else if (item)
        centerOnLayoutNode(item->layoutIndex());
}

bool GraphView::centreWhenDrawn()
{
    const NodeId id = m_centreWhenDrawn;
    if (id == kNoNode)
        return false;
    NodeItem* item = m_scene->nodeItem(id);
    if (!item)
        return false;
    m_centreWhenDrawn = kNoNode;
    if (m_centreZoom < 0)
        centerOnLayoutNode(item->layoutIndex());
    else
        centerExactly(id, m_centreZoom);
    return true;
}

bool GraphView::centerExactly(NodeId id, qreal z)
{
    NodeItem* item = m_scene->nodeItem(id);
    m_centreWhenDrawn = kNoNode;
    if ((!item || item->visual().kind == LayoutNodeKind::Group) && m_scene->isLayoutRunning()) {
        // Not drawn yet (its group is being opened): centred when it is.
        m_centreWhenDrawn = id;
        m_centreZoom = z;
        return true;
    }
    if (!item)
        return false;
    m_userMoved = true;
    z = qBound(kMinZoom, z, kMaxZoom);
    setTransform(QTransform::fromScale(z, z));
    const QPointF centre = item->mapRectToScene(item->box()).center();
    // Room for a whole viewport (without scroll bars) around the node.
    const QSizeF room = QSizeF(maximumViewportSize()) / z;
    const QRectF wanted(centre - QPointF(room.width() / 2, room.height() / 2), room);
    const QRectF sceneRect = m_scene->sceneRect();
    setSceneRect(sceneRect.contains(wanted) ? sceneRect : sceneRect | wanted);
    centerOn(centre);
    m_pinned = id;
    m_scene->setLevelOfDetail(z);
    emit zoomChanged(z);
    return true;
}

void GraphView::panTo(const QPointF& scenePos)
{
    m_userMoved = true;
    m_pinned = kNoNode;
    scrolling([&] { centerOn(scenePos); });
}

void GraphView::noteAnchors()
{
    m_anchorCandidates.clear();
    if (!m_paintedLayout || !isVisible())
        return;
    const QRectF visible = mapToScene(viewport()->rect()).boundingRect();
    // A group opened or closed: its node stays where the user double-clicked, whatever else.
    if (const NodeId g = m_scene->groupAnchor(); g != kNoNode)
        if (const NodeItem* n = m_scene->nodeItem(g)) {
            const QRectF r = n->box().translated(n->pos());
            if (visible.intersects(r)) {
                m_anchorCandidates.push_back({g, viewportTransform().map(r.center())});
                m_anchorTransform = transform();
                return;
            }
        }
    // A whole graph in its initial view, untouched: the next version is shown whole too (its
    // top level with the other side's), not scrolled to keep a node where it was.
    if (!m_userMoved && m_wholeShown)
        return;
    const QPointF centre = visible.center();
    // The selected node is where the user looks: it comes first when in sight.
    const NodeItem* selected = m_scene->nodeItem(m_scene->selectedNode());
    std::vector<std::pair<qreal, Anchor>> seen;
    for (const NodeItem* n : m_scene->nodeItems()) {
        if (!n)
            continue;
        // A collapsed group is anchored by its entry node (the group again in the next version,
        // or that node once the group is open).
        const NodeId id = n->nodeId() != kNoNode ? n->nodeId() : m_scene->layoutGraph().nodes[std::size_t(n->layoutIndex())].entry;
        if (id == kNoNode)
            continue;
        // The box, not the bounding rect: outlines of selection and highlights come and go.
        const QRectF r = n->box().translated(n->pos());
        if (!visible.intersects(r))
            continue;
        const QPointF d = r.center() - centre;
        const qreal rank = n == selected ? -1 : d.x() * d.x() + d.y() * d.y();
        seen.push_back({rank, {id, viewportTransform().map(r.center())}});
    }
    std::sort(seen.begin(), seen.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    // Step after step without the user moving: the anchor in force keeps its intended place
    // (measuring it again would add up the scroll bars' rounding).
    if (m_anchorIndex >= 0 && !m_userMoved)
        if (const NodeItem* a = m_scene->nodeItemAt(m_anchorIndex); a && a->nodeId() != kNoNode)
            seen.insert(seen.begin(), {-2, {a->nodeId(), m_anchorPos}});
    constexpr std::size_t kMaxCandidates = 64;
    for (std::size_t i = 0; i < seen.size() && i < kMaxCandidates; ++i)
        m_anchorCandidates.push_back(seen[i].second);
    m_anchorTransform = transform();
}

bool GraphView::applyAnchor()
{
    const NodeItem* n = m_scene->nodeItemAt(m_anchorIndex);
    if (!n)
        return false;
    setTransform(m_anchorTransform);
    const qreal scale = m_anchorTransform.m11();
    const QRectF vp(viewport()->rect());
    const QPointF centre = n->box().translated(n->pos()).center() + (vp.center() - m_anchorPos) / scale;
    // Where the graph got smaller than what was in sight, the view scrolls over blank space
    // rather than move the anchor (a view's own scene rect; the next layout drops it).
    const QRectF wanted(centre - vp.center() / scale, vp.size() / scale);
    const QRectF sceneRect = m_scene->sceneRect();
    setSceneRect(sceneRect.contains(wanted) ? sceneRect : sceneRect | wanted);
    centerOn(centre);
    m_scene->setLevelOfDetail(zoom());
    emit zoomChanged(zoom());
    return true;
}

void GraphView::onLayoutStarted()
{
    setSceneRect(QRectF()); // follow the scene's rect again
    m_pinned = kNoNode;
    m_paintedLayout = false;
    m_userMoved = false;
    m_initialViewSet = false;
    m_wholeShown = false;
    // Another version of the graph shown: the first node in sight that is still there keeps its
    // place on screen, so stepping through passes does not throw the user back to the top.
    m_anchorIndex = -1;
    if (m_scene->keepsView())
        for (const Anchor& a : m_anchorCandidates)
            if (const int i = m_scene->layoutGraph().findNode(a.id); i >= 0) {
                m_anchorIndex = i;
                m_anchorPos = a.viewportPos;
                break;
            }
    m_anchorCandidates.clear();
    m_barResizes = 0;
}

void GraphView::onChunkAdded(int chunk, int)
{
    if (centreWhenDrawn())
        return;
    if (m_userMoved)
        return;
    if (m_anchorIndex >= 0)
        applyAnchor();
    else if (chunk == 0) // show the top of the graph as soon as the first chunk is there
        applyInitialView();
}

void GraphView::onLayoutFinished(bool)
{
    if (centreWhenDrawn()) {
        viewport()->update();
        return;
    }
    m_centreWhenDrawn = kNoNode;
    // The scene has its final size now: place the anchor again (scrolling may have been clamped).
    // It stays the anchor until the user moves the view: scroll bars that come and go with the
    // scene's size resize the viewport afterwards.
    if (!m_userMoved && !(m_anchorIndex >= 0 && applyAnchor())) {
        m_anchorIndex = -1;
        applyInitialView();
    }
    viewport()->update();
}

GraphView::InitialView GraphView::naturalInitialView() const
{
    // The whole graph when it stays readable; otherwise its top at a reading zoom.
    const QRectF r = m_scene->sceneRect();
    if (r.isEmpty())
        return {1.0, true};
    const QRectF vp = roomRect();
    const qreal across = vp.width() / r.width(), down = vp.height() / r.height();
    const qreal fit = qMin(across, down);
    if (fit >= 0.8 || (m_scene->isLayoutComplete() && fit >= kMinWholeZoom))
        return {qMin(fit, 1.25), true};
    // Too big to read whole: a reading zoom at its top. A short, wide graph (a top level of two
    // nodes and their inputs) gets no more than fits its breadth (down to half size) when its
    // length then fits the pane, instead of being cut at its side with the pane empty below.
    const bool tb = m_scene->options().direction == LayoutOptions::Direction::TopToBottom;
    const qreal z = qBound(kMinWholeZoom, tb ? across : down, 0.9);
    const bool fitsAlong = tb ? r.height() * z <= vp.height() : r.width() * z <= vp.width();
    return {fitsAlong ? z : 0.9, false};
}

qreal GraphView::initialZoom() const { return naturalInitialView().zoom; }

QRectF GraphView::roomRect() const
{
    // The viewport without scroll bars, less a pixel each side for rounding: a whole graph fitted
    // into it needs no scroll bars, so the fit does not depend on whether they are shown.
    const QSize room = maximumViewportSize();
    return QRectF(0, 0, qMax(1, room.width() - 2), qMax(1, room.height() - 2));
}

void GraphView::setInitialZoomCap(qreal cap)
{
    m_zoomCap = cap;
    if (!m_userMoved && m_anchorIndex < 0 && m_initialViewSet)
        applyInitialView();
}

void GraphView::applyInitialView()
{
    // The whole graph when it fits at a readable zoom; otherwise the top (left, for horizontal
    // layouts) of the graph at a reading zoom, centred on the first chunk, as Netron does.
    const QRectF r = m_scene->sceneRect();
    if (r.isEmpty())
        return;
    const QRectF vp = roomRect();
    const InitialView natural = naturalInitialView();
    const qreal z = qMin(natural.zoom, m_zoomCap);
    setTransform(QTransform::fromScale(z, z));
    m_wholeShown = natural.whole || (r.width() * z <= vp.width() && r.height() * z <= vp.height());
    if (m_wholeShown) {
        centerOn(r.center());
    } else {
        const bool tb = m_scene->options().direction == LayoutOptions::Direction::TopToBottom;
        QRectF first = r;
        if (NodeItem* n = m_scene->nodeItemAt(0))
            first = n->sceneBoundingRect();
        // Across the flow: the whole breadth when it fits, else the first node.
        if (tb)
            centerOn(QPointF(r.width() * z <= vp.width() ? r.center().x() : first.center().x(), r.top() + vp.height() / (2 * z)));
        else
            centerOn(QPointF(r.left() + vp.width() / (2 * z), r.height() * z <= vp.height() ? r.center().y() : first.center().y()));
    }
    m_scene->setLevelOfDetail(zoom());
    m_initialViewSet = true;
    emit zoomChanged(zoom());
}

void GraphView::wheelEvent(QWheelEvent* event)
{
    // Ctrl+wheel (and touchpad pinch, which arrives as Ctrl+wheel on some platforms) zooms at the
    // cursor; the plain wheel scrolls, as in Netron.
    if (event->modifiers() & Qt::ControlModifier) {
        const qreal steps = event->angleDelta().y() / 120.0;
        if (!qFuzzyIsNull(steps)) {
            zoomBy(qPow(1.2, steps), event->position());
            m_userMoved = true;
            emit userZoomed(zoom());
        }
        event->accept();
        return;
    }
    m_userMoved = true;
    scrolling([&] { QGraphicsView::wheelEvent(event); });
}

void GraphView::mouseMoveEvent(QMouseEvent* event)
{
    scrolling([&] { QGraphicsView::mouseMoveEvent(event); });
}

void GraphView::keyPressEvent(QKeyEvent* event)
{
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomIn();
        m_userMoved = true;
        return;
    case Qt::Key_Minus:
        zoomOut();
        m_userMoved = true;
        return;
    case Qt::Key_0:
        fitAll();
        m_userMoved = true;
        return;
    case Qt::Key_1:
        resetZoom();
        m_userMoved = true;
        return;
    case Qt::Key_Escape:
        m_scene->selectNode(kNoNode);
        return;
    default:
        break;
    }
    scrolling([&] { QGraphicsView::keyPressEvent(event); });
}

bool GraphView::viewportEvent(QEvent* event)
{
    if (event->type() == QEvent::NativeGesture) {
        auto* g = static_cast<QNativeGestureEvent*>(event);
        if (g->gestureType() == Qt::ZoomNativeGesture) {
            zoomBy(1.0 + g->value(), g->position());
            m_userMoved = true;
            emit userZoomed(zoom());
            return true;
        }
    } else if (event->type() == QEvent::Gesture) {
        auto* ge = static_cast<QGestureEvent*>(event);
        if (auto* pinch = static_cast<QPinchGesture*>(ge->gesture(Qt::PinchGesture))) {
            if (pinch->state() == Qt::GestureStarted)
                m_pinchStart = zoom();
            if (pinch->changeFlags() & QPinchGesture::ScaleFactorChanged) {
                const qreal target = m_pinchStart * pinch->totalScaleFactor();
                zoomBy(target / zoom(), mapFromGlobal(pinch->centerPoint().toPoint()));
                m_userMoved = true;
                emit userZoomed(zoom());
            }
            ge->accept(pinch);
            return true;
        }
    } else if (event->type() == QEvent::MouseButtonPress) {
        m_userMoved = m_userMoved || m_scene->isLayoutRunning();
    }
    return QGraphicsView::viewportEvent(event);
}

void GraphView::setEmptyText(const QString& text)
{
    m_emptyText = text;
    viewport()->update();
}

void GraphView::paintGroupTitles()
{
    m_groupTitleRects.clear();
    const QVector<int>& groups = m_scene->groupNodes();
    if (groups.isEmpty() || zoom() >= NodeItem::kTextLod)
        return;
    const GraphStyle& st = m_scene->style();
    const QRectF visible = mapToScene(viewport()->rect()).boundingRect();
    QPainter p(viewport());
    QFont font = st.titleFont;
    p.setFont(font);
    const QFontMetricsF fm(font);
    const QColor back = st.background;
    // A title that would overlap one already drawn is left out: fitted on thousands of groups
    // they only pile up unreadably (and drawing 2,000 of them took 30 ms a frame). What is taken
    // is kept per band of the viewport one title high (a title reaches into two of them).
    const qreal line = fm.height() + 2;
    const int bandCount = int(viewport()->height() / line) + 3;
    struct Taken {
        qreal top, left, right;
    };
    std::vector<std::vector<Taken>> taken(static_cast<std::size_t>(bandCount));
    auto bandOf = [&](qreal y) { return std::clamp(int(std::floor(y / line)) + 1, 0, bandCount - 1); };
    auto isFree = [&](qreal top, qreal left, qreal right) {
        for (int b = bandOf(top); b <= bandOf(top + line); ++b)
            for (const Taken& t : taken[static_cast<std::size_t>(b)])
                if (std::abs(t.top - top) < line && left < t.right && t.left < right)
                    return false;
        return true;
    };
    const qreal gap = 8;
    const qreal shortest = fm.averageCharWidth() * 4; // no title is narrower
    for (int index : groups) {
        NodeItem* item = m_scene->nodeItemAt(index);
        if (!item)
            continue;
        const QRectF box = item->mapRectToScene(item->box());
        if (!visible.intersects(box.adjusted(0, -20 / zoom(), 400 / zoom(), 20 / zoom())))
            continue;
        const QRectF onScreen = mapFromScene(box).boundingRect();
        const qreal x = onScreen.right() + 6;
        const qreal baseline = onScreen.center().y() + (fm.ascent() - fm.descent()) / 2;
        const qreal top = baseline - fm.ascent() - 1;
        if (!isFree(top, x - 3, x - 3 + shortest))
            continue;
        const NodeVisual& v = item->visual();
        struct Part {
            QString text;
            QColor colour;
            qreal width;
        };
        // Title, then what the step did, then the size: the diff is what a narrow view must show.
        QVector<Part> parts{{v.title, st.rowLabel, 0}};
        for (const GraphScene::Badge& b : m_scene->groupBadgeTexts(index, false))
            parts.push_back({b.text, st.stateColor(b.state), 0});
        if (!v.rows.isEmpty())
            parts.push_back({v.rows[0].text, st.rowText, 0});
        qreal width = 0;
        for (Part& part : parts)
            width += (part.width = fm.horizontalAdvance(part.text)) + gap;
        if (!isFree(top, x - 3, x - 3 + width))
            continue;
        for (int b = bandOf(top); b <= bandOf(top + line); ++b)
            taken[static_cast<std::size_t>(b)].push_back({top, x - 3, x - 3 + width});
        QColor halo = back;
        halo.setAlphaF(0.85);
        const QRectF title(x - 3, top, width, fm.height() + 2);
        m_groupTitleRects.push_back(title);
        p.fillRect(title, halo);
        qreal at = x;
        for (const Part& part : parts) {
            p.setPen(part.colour);
            p.drawText(QPointF(at, baseline), part.text);
            at += part.width + gap;
        }
    }
}

void GraphView::paintEvent(QPaintEvent* event)
{
    QGraphicsView::paintEvent(event);
    paintGroupTitles();
    if (!m_scene->graph() && !m_emptyText.isEmpty()) {
        QPainter p(viewport());
        p.setPen(palette().color(QPalette::PlaceholderText));
        QFont f = font();
        f.setPointSizeF(f.pointSizeF() * 1.15);
        p.setFont(f);
        p.drawText(viewport()->rect().adjusted(24, 24, -24, -24), Qt::AlignCenter | Qt::TextWordWrap, m_emptyText);
    }
    if (!m_paintedLayout && m_scene->isLayoutComplete()) {
        m_paintedLayout = true;
        QTimer::singleShot(0, this, &GraphView::layoutPainted);
    }
}

namespace {
bool carriesFiles(const QDropEvent* event)
{
    const QMimeData* mime = event->mimeData();
    if (!mime || !mime->hasUrls())
        return false;
    for (const QUrl& url : mime->urls())
        if (url.isLocalFile())
            return true;
    return false;
}
} // namespace

void GraphView::dragEnterEvent(QDragEnterEvent* event)
{
    if (carriesFiles(event))
        event->acceptProposedAction();
    else
        QGraphicsView::dragEnterEvent(event);
}

void GraphView::dragMoveEvent(QDragMoveEvent* event)
{
    if (carriesFiles(event))
        event->acceptProposedAction();
    else
        QGraphicsView::dragMoveEvent(event);
}

void GraphView::dropEvent(QDropEvent* event)
{
    if (!carriesFiles(event)) {
        QGraphicsView::dropEvent(event);
        return;
    }
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile()) {
            event->acceptProposedAction();
            emit fileDropped(url.toLocalFile());
            return;
        }
}

void GraphView::showEvent(QShowEvent* event)
{
    QGraphicsView::showEvent(event);
    m_scene->ensureLayout();
}

void GraphView::resizeEvent(QResizeEvent* event)
{
    QGraphicsView::resizeEvent(event);
    // Scroll bars coming or going resize the viewport, not the view. The initial view is fitted
    // into the room without them, so it stays; an anchor is put back where it was on screen, but
    // only twice in a row (placing it may bring the bars back or take them away again).
    const QSize room = maximumViewportSize();
    const bool roomChanged = room != m_room;
    m_room = room;
    m_barResizes = roomChanged ? 0 : m_barResizes + 1;
    // A node centred by centerExactly() stays centred, unless the user has moved it away since.
    if (const NodeItem* pinned = m_pinned != kNoNode && !m_repinning ? m_scene->nodeItem(m_pinned) : nullptr) {
        const QPointF off = mapFromScene(pinned->mapRectToScene(pinned->box()).center()) - QRectF(viewport()->rect()).center();
        const QSize grew = event->size() - event->oldSize();
        if (std::abs(off.x()) <= std::abs(grew.width()) + 2 && std::abs(off.y()) <= std::abs(grew.height()) + 2) {
            m_repinning = true;
            centerExactly(m_pinned, zoom());
            m_repinning = false;
        } else {
            m_pinned = kNoNode;
        }
    }
    if (m_userMoved)
        return;
    if (m_anchorIndex >= 0) {
        if (m_barResizes <= 2)
            applyAnchor();
    } else if (m_initialViewSet && roomChanged) {
        applyInitialView();
    }
}

} // namespace netfold
