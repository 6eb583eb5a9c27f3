#include "EdgeItem.h"

#include "GraphScene.h"

#include <QPainter>
#include <QPainterPathStroker>
#include <QStyleOptionGraphicsItem>
#include <QtMath>

namespace netfold {

EdgeItem::EdgeItem(GraphScene* scene, int edgeIndex, const EdgeGeometry& g, const QString& label, qreal labelWidth,
                   QGraphicsItem* parent)
    : QGraphicsItem(parent), m_scene(scene), m_index(edgeIndex), m_stubbed(g.stubbed), m_label(label)
{
    setAcceptedMouseButtons(Qt::NoButton);
    setZValue(1);
    const GraphStyle& st = scene->style();
    // The points the path will be made of (a start and whole cubic segments); their bounds are
    // the path's control point rectangle.
    qreal left = 0, top = 0, right = 0, bottom = 0;
    for (const auto& piece : g.pieces) {
        if (piece.size() < 4)
            continue;
        const int used = 1 + 3 * int((piece.size() - 1) / 3);
        m_pieceSizes.append(used);
        for (int k = 0; k < used; ++k) {
            const QPointF pt(piece[std::size_t(k)].x, piece[std::size_t(k)].y);
            if (m_points.isEmpty()) {
                left = right = pt.x();
                top = bottom = pt.y();
            } else {
                left = qMin(left, pt.x());
                right = qMax(right, pt.x());
                top = qMin(top, pt.y());
                bottom = qMax(bottom, pt.y());
            }
            m_points.push_back(pt);
        }
    }
    const QRectF controlRect = m_points.isEmpty() ? QRectF() : QRectF(QPointF(left, top), QPointF(right, bottom));
    if (!g.pieces.empty() && g.pieces.back().size() >= 2) {
        const auto& last = g.pieces.back();
        const QPointF tip(last.back().x, last.back().y);
        QPointF from = tip;
        for (auto it = last.rbegin() + 1; it != last.rend() && from == tip; ++it)
            from = QPointF(it->x, it->y);
        QPointF d = tip - from;
        const qreal len = std::hypot(d.x(), d.y());
        d = len > 0 ? d / len : QPointF(0, 1);
        const QPointF n(-d.y(), d.x());
        const QPointF back = tip - d * st.arrowLength;
        m_arrow << tip << back + n * (st.arrowWidth / 2) << back - n * (st.arrowWidth / 2);
    }
    m_labelWidth = labelWidth;
    for (const LayoutPoint& p : g.labelSpots)
        m_spots.push_back(QPointF(p.x, p.y));
    if (m_spots.isEmpty())
        m_spots.push_back(QPointF(g.labelPos.x, g.labelPos.y));
    m_pathBounds = controlRect.united(m_arrow.boundingRect());
    m_labelShown = !m_label.isEmpty();
    m_labelPos = QPointF(m_spots.first().x() + 5, m_spots.first().y());
    m_labelRect = QRectF(m_labelPos.x(), m_labelPos.y() - 7, m_labelWidth, 14);
    m_bounds = (m_labelShown ? m_pathBounds.united(m_labelRect) : m_pathBounds).adjusted(-2, -2, 2, 2);
}

const QPainterPath& EdgeItem::path() const
{
    if (!m_pathBuilt) {
        m_pathBuilt = true;
        int at = 0;
        for (const int size : m_pieceSizes) {
            m_path.moveTo(m_points[at]);
            for (int k = at + 1; k + 2 < at + size; k += 3)
                m_path.cubicTo(m_points[k], m_points[k + 1], m_points[k + 2]);
            at += size;
        }
    }
    return m_path;
}

void EdgeItem::appendOverviewLines(QVector<QLineF>& out) const
{
    int at = 0;
    for (const int size : m_pieceSizes) {
        for (int k = at; k + 3 < at + size; k += 3)
            out.push_back(QLineF(m_points[k], m_points[k + 3]));
        at += size;
    }
}

QRectF EdgeItem::placeLabel(const std::function<bool(const QRectF&)>& isFree)
{
    if (m_label.isEmpty())
        return {};
    prepareGeometryChange();
    m_labelShown = false;
    // Beside vertical edges (top-to-bottom layouts), above or below horizontal ones.
    const bool vertical = m_scene->options().direction == LayoutOptions::Direction::TopToBottom;
    for (int side = 0; side < 2 && !m_labelShown; ++side) {
        for (const QPointF& spot : std::as_const(m_spots)) {
            QPointF pos;
            if (vertical)
                pos = side == 0 ? QPointF(spot.x() + 5, spot.y()) : QPointF(spot.x() - 5 - m_labelWidth, spot.y());
            else
                pos = QPointF(spot.x() - m_labelWidth / 2, side == 0 ? spot.y() - 9 : spot.y() + 9);
            const QRectF rect(pos.x(), pos.y() - 7, m_labelWidth, 14);
            if (isFree(rect)) {
                m_labelPos = pos;
                m_labelRect = rect;
                m_labelShown = true;
                break;
            }
        }
    }
    m_bounds = (m_labelShown ? m_pathBounds.united(m_labelRect) : m_pathBounds).adjusted(-2, -2, 2, 2);
    return labelRect();
}

void EdgeItem::setEmphasis(bool on)
{
    if (on == m_emphasis)
        return;
    m_emphasis = on;
    setZValue(on ? 1.5 : 1);
    update();
}

QPainterPath EdgeItem::shape() const
{
    QPainterPathStroker stroker;
    stroker.setWidth(6);
    return stroker.createStroke(path());
}

void EdgeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*)
{
    const GraphStyle& st = m_scene->style();
    const qreal lod = option->levelOfDetailFromTransform(painter->worldTransform());
    const QColor color = m_emphasis ? st.selection : st.edgeColor;
    const bool smooth = lod >= 0.5;
    painter->setRenderHint(QPainter::Antialiasing, smooth);
    // Thin edges stay one pixel wide when zoomed out.
    const qreal width = m_emphasis ? 2.0 * st.edgeWidth : st.edgeWidth;
    painter->setPen(QPen(color, width * lod < 1.0 ? 0.0 : width, Qt::SolidLine, Qt::FlatCap, Qt::RoundJoin));
    painter->setBrush(Qt::NoBrush);
    painter->drawPath(path());
    if (!m_arrow.isEmpty()) {
        painter->setPen(Qt::NoPen);
        painter->setBrush(color);
        painter->drawPolygon(m_arrow);
    }
    if (m_labelShown && lod >= kLabelLod && m_scene->options().edgeLabels) {
        painter->setFont(st.labelFont);
        painter->setPen(st.edgeLabel);
        if (!m_labelText) {
            m_labelText = std::make_unique<QStaticText>(m_label);
            m_labelText->setTextFormat(Qt::PlainText);
            m_labelText->setPerformanceHint(QStaticText::AggressiveCaching);
        }
        painter->drawStaticText(
            QPointF(m_labelPos.x(), m_labelPos.y() + m_scene->labelBaselineOffset() - m_scene->labelAscent()),
            *m_labelText);
    }
}

} // namespace netfold
