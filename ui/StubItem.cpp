#include "StubItem.h"

#include "GraphScene.h"
#include "NodeItem.h"

#include <QFontMetricsF>
#include <QGraphicsSceneMouseEvent>
#include <QPainter>
#include <QStyleOptionGraphicsItem>

namespace netfold {

StubItem::StubItem(GraphScene* scene, int stubIndex, const LayoutStub& stub, const QString& text, QGraphicsItem* parent)
    : QGraphicsItem(parent), m_scene(scene), m_index(stubIndex), m_outgoing(stub.outgoing), m_text(text),
      m_box(0, 0, stub.box.w, stub.box.h)
{
    setPos(stub.box.x, stub.box.y);
    setZValue(2);
    setAcceptedMouseButtons(Qt::LeftButton);
    setCursor(Qt::PointingHandCursor);
}

void StubItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*)
{
    const GraphStyle& st = m_scene->style();
    const qreal lod = option->levelOfDetailFromTransform(painter->worldTransform());
    if (lod < NodeItem::kTextLod) {
        painter->setPen(Qt::NoPen);
        painter->setBrush(st.stubBorder);
        painter->drawRect(m_box);
        return;
    }
    painter->setRenderHint(QPainter::Antialiasing, true);
    const qreal r = m_box.height() / 2;
    painter->setPen(QPen(st.stubBorder, 1.0, Qt::DashLine));
    painter->setBrush(st.stubFill);
    painter->drawRoundedRect(m_box.adjusted(0.5, 0.5, -0.5, -0.5), r, r);
    painter->setFont(st.labelFont);
    painter->setPen(st.stubText);
    const QFontMetricsF fm(st.labelFont);
    const QString text = fm.elidedText(m_text, Qt::ElideMiddle, m_box.width() - 2 * r);
    painter->drawText(m_box, Qt::AlignCenter, text);
}

void StubItem::mousePressEvent(QGraphicsSceneMouseEvent* event)
{
    event->accept();
    m_scene->activateStub(m_index);
}

} // namespace netfold
