#include "GroupFrameItem.h"

#include "GraphScene.h"

#include <QFontMetricsF>
#include <QGraphicsSceneMouseEvent>
#include <QPainter>

namespace netfold {

namespace {
constexpr qreal kMargin = 10;
constexpr qreal kTabGap = 2;
} // namespace

GroupFrameItem::GroupFrameItem(GraphScene* scene, std::string path, const QString& title, const QRectF& around)
    : m_scene(scene), m_path(std::move(path)), m_title(title)
{
    const GraphStyle& st = scene->style();
    m_frame = around.adjusted(-kMargin, -kMargin, kMargin, kMargin);
    const QFontMetricsF fm(st.rowFont);
    const qreal h = fm.height() + 4;
    m_tab = QRectF(m_frame.left(), m_frame.top() - h - kTabGap, fm.horizontalAdvance(m_title) + 2 * kTabPaddingX, h);
    setZValue(0.5); // under edges and nodes
    setAcceptedMouseButtons(Qt::LeftButton);
    setToolTip(QObject::tr("%1 (double-click the tab to collapse it)").arg(QString::fromStdString(m_path)));
}

QRectF GroupFrameItem::boundingRect() const { return (m_frame | m_tab).adjusted(-2, -2, 2, 2); }

QPainterPath GroupFrameItem::shape() const
{
    QPainterPath p;
    p.addRect(m_tab);
    return p;
}

void GroupFrameItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*)
{
    const GraphStyle& st = m_scene->style();
    const GraphStyle::Category& cat = st.category(st.groupCategory());
    painter->setRenderHint(QPainter::Antialiasing, true);
    QColor fill = cat.title;
    fill.setAlphaF(kFillAlpha);
    painter->setBrush(fill);
    painter->setPen(QPen(outlineColor(cat.title), 1.2));
    painter->drawRoundedRect(m_frame, kFrameRadius, kFrameRadius);
    painter->setBrush(cat.title);
    painter->drawRoundedRect(m_tab, kTabRadius, kTabRadius);
    painter->setPen(cat.text);
    painter->setFont(st.rowFont);
    painter->drawText(m_tab.adjusted(kTabPaddingX, 0, -kTabPaddingX, 0), Qt::AlignVCenter | Qt::AlignLeft, m_title);
}

void GroupFrameItem::mouseDoubleClickEvent(QGraphicsSceneMouseEvent* event)
{
    event->accept();
    // Later: collapsing lays the graph out again, which deletes this item.
    QMetaObject::invokeMethod(m_scene, [scene = m_scene, path = m_path] { scene->collapseGroup(path); },
                              Qt::QueuedConnection);
}

} // namespace netfold
