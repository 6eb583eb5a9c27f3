#include "ChunkItem.h"

#include "EdgeItem.h"
#include "GraphScene.h"
#include "NodeItem.h"
#include "StubItem.h"

#include <QGraphicsSceneMouseEvent>
#include <QPainter>
#include <QStyleOptionGraphicsItem>

namespace netfold {

namespace {

/// A content-less parent whose opacity switches the detail items on and off in one step.
class LayerItem : public QGraphicsItem {
public:
    explicit LayerItem(QGraphicsItem* parent) : QGraphicsItem(parent) { setFlag(ItemHasNoContents); }
    QRectF boundingRect() const override { return {}; }
    void paint(QPainter*, const QStyleOptionGraphicsItem*, QWidget*) override {}
};

} // namespace

ChunkItem::ChunkItem(GraphScene* scene, int chunk)
    : m_scene(scene), m_chunk(chunk), m_layer(new LayerItem(this))
{
    setFlag(ItemContainsChildrenInShape);
    setAcceptedMouseButtons(Qt::NoButton);
}

void ChunkItem::finish()
{
    QRectF b;
    for (const NodeItem* n : std::as_const(m_nodes))
        b |= n->boundingRect().translated(n->pos());
    for (const EdgeItem* e : std::as_const(m_edges))
        b |= e->boundingRect();
    for (const StubItem* s : std::as_const(m_stubs))
        b |= s->boundingRect().translated(s->pos());
    prepareGeometryChange();
    m_bounds = b.adjusted(-2, -2, 2, 2);
    m_built = false;
}

void ChunkItem::setOverview(bool on)
{
    if (on == m_overview)
        return;
    m_overview = on;
    m_layer->setOpacity(on ? 0.0 : 1.0);
    setAcceptedMouseButtons(on ? Qt::LeftButton : Qt::NoButton);
    update();
}

void ChunkItem::buildOverview()
{
    const GraphStyle& st = m_scene->style();
    m_rectsByCategory = QVector<QVector<QRectF>>(st.categoryCount());
    for (const NodeItem* n : std::as_const(m_nodes))
        m_rectsByCategory[n->visual().category].push_back(n->box().translated(n->pos()));
    m_stubRects.clear();
    for (const StubItem* s : std::as_const(m_stubs))
        m_stubRects.push_back(s->box().translated(s->pos()));
    m_lines.clear();
    for (const EdgeItem* e : std::as_const(m_edges))
        e->appendOverviewLines(m_lines);
    m_built = true;
}

void ChunkItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*)
{
    if (!m_overview)
        return;
    const GraphStyle& st = m_scene->style();
    const qreal lod = option->levelOfDetailFromTransform(painter->worldTransform());
    painter->setRenderHint(QPainter::Antialiasing, false);
    if ((m_bounds.width() * lod < 3 && m_bounds.height() * lod < 6) || m_bounds.width() * lod < 1.5) {
        // A few pixels: one smudge for the whole chunk, at least a pixel wide (a tall, thin graph
        // fitted to the window is narrower than a pixel).
        QRectF device = painter->worldTransform().mapRect(m_bounds);
        if (device.width() < 1)
            device.adjust(-(1 - device.width()) / 2, 0, (1 - device.width()) / 2, 0);
        if (device.height() < 1)
            device.adjust(0, -(1 - device.height()) / 2, 0, (1 - device.height()) / 2);
        painter->save();
        painter->resetTransform();
        painter->fillRect(device.toAlignedRect(), QColor(0x6a, 0x6a, 0x6a));
        painter->restore();
        return;
    }
    if (!m_built)
        buildOverview();
    if (lod > 0.03) {
        painter->setPen(QPen(st.edgeColor.lighter(160), 0));
        painter->drawLines(m_lines);
    }
    // A cosmetic outline in the fill colour keeps boxes at least a pixel big.
    for (int c = 0; c < m_rectsByCategory.size(); ++c) {
        if (m_rectsByCategory[c].isEmpty())
            continue;
        const GraphStyle::Category& cat = st.category(c);
        // Light categories (inputs, constants) get the border colour so they stay visible.
        const QColor fill = cat.title.lightness() > 200 ? st.border : cat.title;
        painter->setPen(QPen(fill, 0));
        painter->setBrush(fill);
        painter->drawRects(m_rectsByCategory[c]);
    }
    if (!m_stubRects.isEmpty()) {
        painter->setPen(QPen(st.stubBorder, 0));
        painter->setBrush(st.stubBorder);
        painter->drawRects(m_stubRects);
    }
    painter->setBrush(Qt::NoBrush);
    for (const NodeItem* n : std::as_const(m_nodes)) {
        const bool selected = n->isSelected();
        if (!selected && n->highlight() == HighlightState::None)
            continue;
        painter->setPen(QPen(selected ? st.selection : st.stateColor(n->highlight()), 2.0 / qMax(lod, 1e-6)));
        painter->drawRect(n->box().translated(n->pos()).adjusted(-3, -3, 3, 3));
    }
}

void ChunkItem::mousePressEvent(QGraphicsSceneMouseEvent* event)
{
    for (NodeItem* n : std::as_const(m_nodes)) {
        if (n->box().translated(n->pos()).adjusted(-2, -2, 2, 2).contains(event->pos())) {
            m_scene->selectLayoutNode(n->layoutIndex(), n->nodeId());
            event->accept();
            return;
        }
    }
    event->ignore();
}

} // namespace netfold
