#include "Minimap.h"

#include "GraphScene.h"
#include "GraphStyle.h"
#include "GraphView.h"
#include "NodeItem.h"

#include <QEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>

#include <algorithm>

namespace netfold {

Minimap::Minimap(GraphView* view) : QWidget(view), m_view(view)
{
    setObjectName(QStringLiteral("minimap"));
    setAttribute(Qt::WA_OpaquePaintEvent);
    setFixedSize(kWidth, kHeight);
    setCursor(Qt::PointingHandCursor);
    setToolTip(tr("The whole graph: the rectangle is what the view shows; click or drag to move it"));
    view->installEventFilter(this);
    GraphScene* scene = view->graphScene();
    connect(scene, &GraphScene::chunkAdded, this, &Minimap::invalidate);
    connect(scene, &GraphScene::layoutStarted, this, [this] { place(); });
    connect(scene, &GraphScene::layoutFinished, this, [this] {
        invalidate();
        place();
    });
    auto moved = [this] {
        place();
        update();
    };
    connect(view->horizontalScrollBar(), &QScrollBar::valueChanged, this, moved);
    connect(view->verticalScrollBar(), &QScrollBar::valueChanged, this, moved);
    connect(view, &GraphView::zoomChanged, this, moved);
    hide();
}

void Minimap::invalidate()
{
    m_dirty = true;
    update();
}

void Minimap::setEnabledByUser(bool on)
{
    m_user = on;
    place();
}

bool Minimap::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_view && (event->type() == QEvent::Resize || event->type() == QEvent::Show))
        place();
    return QWidget::eventFilter(watched, event);
}

void Minimap::place()
{
    const QRect vp = m_view->viewport()->geometry();
    const GraphScene* scene = m_view->graphScene();
    const QRectF graph = scene->sceneRect();
    const QRectF visible = m_view->mapToScene(m_view->viewport()->rect()).boundingRect();
    const bool room = vp.width() >= 2 * kWidth && vp.height() >= 2 * kHeight;
    // Only where an overview helps: the view shows under two thirds of the graph's length or
    // breadth (a graph a little taller than the view is scrolled, not mapped; the map would
    // cover its last nodes).
    const bool mostlyShown = visible.width() >= graph.width() * 2 / 3 && visible.height() >= graph.height() * 2 / 3;
    const bool show = m_user && room && !graph.isEmpty() && !mostlyShown && scene->isLayoutComplete();
    if (show) {
        const QPoint at(vp.right() - kWidth - 8 + 1, vp.bottom() - kHeight - 8 + 1);
        if (pos() != at)
            move(at);
    }
    if (show != isVisible())
        setVisible(show);
}

QRectF Minimap::drawArea() const { return QRectF(rect()).adjusted(4, 4, -4, -4); }

QPointF Minimap::fromScene(const QPointF& p) const
{
    const QRectF area = drawArea();
    const QRectF g = m_sceneRect.isEmpty() ? m_view->graphScene()->sceneRect() : m_sceneRect;
    if (g.isEmpty())
        return area.center();
    const qreal s = std::min(area.width() / g.width(), area.height() / g.height());
    const QPointF offset(area.left() + (area.width() - g.width() * s) / 2, area.top() + (area.height() - g.height() * s) / 2);
    return offset + (p - g.topLeft()) * s;
}

QPointF Minimap::toScene(const QPointF& pos) const
{
    const QRectF area = drawArea();
    const QRectF g = m_sceneRect.isEmpty() ? m_view->graphScene()->sceneRect() : m_sceneRect;
    if (g.isEmpty())
        return {};
    const qreal s = std::min(area.width() / g.width(), area.height() / g.height());
    const QPointF offset(area.left() + (area.width() - g.width() * s) / 2, area.top() + (area.height() - g.height() * s) / 2);
    return g.topLeft() + (pos - offset) / s;
}

void Minimap::render()
{
    m_dirty = false;
    const GraphScene* scene = m_view->graphScene();
    const GraphStyle& style = scene->style();
    m_sceneRect = scene->sceneRect();
    const qreal dpr = devicePixelRatioF();
    m_image = QImage(size() * dpr, QImage::Format_ARGB32_Premultiplied);
    m_image.setDevicePixelRatio(dpr);
    const bool dark = style.background.lightness() < 128;
    m_image.fill(dark ? style.background.lighter(130) : style.background.darker(106));
    QPainter p(&m_image);
    p.setPen(Qt::NoPen);
    const QColor plain = dark ? QColor(0x8a, 0x8f, 0x96) : QColor(0xa8, 0xad, 0xb4);
    // Plain nodes first, marked ones over them: a change is never hidden by a neighbour.
    for (int pass = 0; pass < 2; ++pass)
        for (const NodeItem* n : scene->nodeItems()) {
            if (!n)
                continue;
            const HighlightState state = n->nodeId() == kNoNode ? HighlightState::None : scene->highlight(n->nodeId());
            if ((state != HighlightState::None) != (pass == 1))
                continue;
            const QRectF box = n->mapRectToScene(n->box());
            QRectF r(fromScene(box.topLeft()), fromScene(box.bottomRight()));
            const qreal min = pass == 1 ? 3.0 : 1.5;
            if (r.width() < min)
                r.adjust(-(min - r.width()) / 2, 0, (min - r.width()) / 2, 0);
            if (r.height() < min)
                r.adjust(0, -(min - r.height()) / 2, 0, (min - r.height()) / 2);
            p.fillRect(r, pass == 1 ? style.stateColor(state) : plain);
        }
}

void Minimap::paintEvent(QPaintEvent*)
{
    if (m_dirty || m_image.size() != size() * devicePixelRatioF() || m_sceneRect != m_view->graphScene()->sceneRect())
        render();
    QPainter p(this);
    p.drawImage(0, 0, m_image);
    const QRectF visible = m_view->mapToScene(m_view->viewport()->rect()).boundingRect();
    QRectF r(fromScene(visible.topLeft()), fromScene(visible.bottomRight()));
    r = r.intersected(QRectF(rect()).adjusted(1, 1, -1, -1));
    const QColor accent = palette().color(QPalette::Highlight);
    QColor fill = accent;
    fill.setAlpha(40);
    p.setPen(QPen(accent, 1.5));
    p.setBrush(fill);
    p.drawRect(r);
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(palette().color(QPalette::Mid), 1));
    p.drawRect(QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5));
}

void Minimap::mousePressEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton) {
        m_view->panTo(toScene(event->position()));
        event->accept();
    }
}

void Minimap::mouseMoveEvent(QMouseEvent* event)
{
    if (event->buttons() & Qt::LeftButton) {
        m_view->panTo(toScene(event->position()));
        event->accept();
    }
}

} // namespace netfold
